import KilnCore
import KilnDrivers

/// What one kernel allows on one device, as its driver reports when the kernel is looked up.
///
/// A kernel's own work-group limit can be lower than the device's: a kernel that uses many
/// registers, or declares `__launch_bounds__`, fits fewer threads in a block. CUDA reports it as
/// `CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK`, OpenCL as `CL_KERNEL_WORK_GROUP_SIZE`. The local
/// (shared) memory a kernel declares itself — `__local` arrays, `__shared__` arrays — counts
/// against the device's per-work-group memory together with what a launch asks for.
///
/// Read once per kernel; ``check(block:launchLocalBytes:kernel:)`` is the one check both
/// backends run before the driver sees a launch.
public struct KernelLimits: Hashable, Sendable {
    /// The most work-items (threads) one work-group (block) of this kernel may hold on the device:
    /// `CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK`, `CL_KERNEL_WORK_GROUP_SIZE`.
    public var maxThreadsPerBlock: Int
    /// The device's own limit, for comparison in messages: `CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK`,
    /// `CL_DEVICE_MAX_WORK_GROUP_SIZE`.
    public var deviceMaxThreadsPerBlock: Int
    /// The local memory the kernel declares itself, in bytes per work-group:
    /// `CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES`, `CL_KERNEL_LOCAL_MEM_SIZE` (read before any argument is set).
    public var staticLocalBytes: Int
    /// The local memory one work-group may use on the device, in bytes:
    /// `CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK`, `CL_DEVICE_LOCAL_MEM_SIZE`.
    public var deviceLocalBytes: Int

    /// Creates limits.
    ///
    /// - Parameters:
    ///   - maxThreadsPerBlock: The kernel's own work-group limit on the device.
    ///   - deviceMaxThreadsPerBlock: The device's work-group limit.
    ///   - staticLocalBytes: The local memory the kernel declares itself, per work-group.
    ///   - deviceLocalBytes: The local memory one work-group may use on the device.
    public init(maxThreadsPerBlock: Int, deviceMaxThreadsPerBlock: Int, staticLocalBytes: Int, deviceLocalBytes: Int) {
        self.maxThreadsPerBlock = maxThreadsPerBlock
        self.deviceMaxThreadsPerBlock = deviceMaxThreadsPerBlock
        self.staticLocalBytes = staticLocalBytes
        self.deviceLocalBytes = deviceLocalBytes
    }

    /// Checks a launch against the kernel's own limits: the block's size, and the local memory
    /// the kernel declares plus what the launch asks for.
    ///
    /// - Parameters:
    ///   - block: The work-group (block) size of the launch.
    ///   - launchLocalBytes: The local memory the launch asks for per work-group: the sum of its
    ///     `.local(bytes:)` arguments, and on CUDA its dynamic shared memory.
    ///   - kernel: The kernel's name, for the message.
    /// - Throws: `KilnError.invalidLaunch` naming the kernel, the block or the bytes, the limit and why.
    public func check(block: Dim3, launchLocalBytes: Int, kernel: String) throws(KilnError) {
        if (block.product ?? Int.max) > maxThreadsPerBlock {
            let why = maxThreadsPerBlock < deviceMaxThreadsPerBlock
                ? "its own limit, from its registers or __launch_bounds__; the device allows \(deviceMaxThreadsPerBlock)"
                : "the device's limit"
            throw KilnError(.invalidLaunch,
                "kernel '\(kernel)' allows at most \(maxThreadsPerBlock) work-items per work-group on this device (\(why)), but the launch gave block \(block) (\(block.product.map(String.init) ?? "too many") work-items) — launch with a smaller block")
        }
        let (total, overflow) = staticLocalBytes.addingReportingOverflow(launchLocalBytes)
        guard overflow || total > deviceLocalBytes else { return }
        let fix = staticLocalBytes > deviceLocalBytes
            ? "make the kernel's __local (__shared__) arrays smaller"
            : "ask for at most \(deviceLocalBytes - staticLocalBytes) bytes at launch (.local(bytes:) arguments and shared memory together)"
        throw KilnError(.invalidLaunch,
            "kernel '\(kernel)' needs \(overflow ? "more than \(Int.max)" : "\(total)") bytes of local memory per work-group (\(staticLocalBytes) declared in the kernel + \(launchLocalBytes) asked for at launch), over this device's \(deviceLocalBytes) — \(fix)")
    }
}
