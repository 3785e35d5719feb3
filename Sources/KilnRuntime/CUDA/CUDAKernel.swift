import KilnBundle
import KilnCore
import KilnDrivers

/// A kernel in a loaded module, with its recorded signature, ready to launch.
public final class CUDAKernel: Sendable {
    /// The kernel's record: its name and parameters.
    public let record: KernelRecord
    /// The module that holds it, kept loaded while the kernel lives.
    public let module: CUDAModule
    /// What the kernel allows on its device, read when it was looked up.
    public let limits: KernelLimits
    let handle: CUDAHandle

    init(record: KernelRecord, module: CUDAModule, handle: CUDAHandle, limits: KernelLimits) {
        self.record = record
        self.module = module
        self.handle = handle
        self.limits = limits
    }

    /// The kernel's name.
    public var name: String { record.name }
    /// The device it runs on.
    public var device: CUDADevice { module.device }

    /// Launches the kernel after checking every argument against its recorded parameters, and
    /// the dimensions and shared memory against the device's and the kernel's own ``limits``
    /// (its registers and `__launch_bounds__`); returns once the launch is queued.
    ///
    /// - Parameters:
    ///   - grid: The number of blocks in each dimension.
    ///   - block: The number of threads per block in each dimension.
    ///   - sharedMemoryBytes: Dynamic shared memory per block.
    ///   - stream: The stream to queue on; nil for the default stream.
    ///   - arguments: One argument per parameter, in order.
    /// - Throws: `KilnError.invalidLaunch` before the driver is called if an argument, a dimension,
    ///   the block or shared memory (against the kernel's ``limits``), the stream or a buffer's
    ///   device does not fit; `KilnError.driverError` if the driver refuses
    ///   the launch (701: too many resources); `KilnError.bufferOverrun`, after waiting for the
    ///   kernel, if it wrote outside a guarded buffer (`KILN_CHECKED=1`). Faults while the kernel
    ///   runs surface at the next synchronization.
    public func launch(grid: Dim3, block: Dim3, sharedMemoryBytes: Int = 0, stream: CUDAStream? = nil,
                       arguments: [KernelArgument]) throws(KilnError) {
        let device = module.device
        try LaunchArguments.checkDimensions(grid: grid, block: block, kernel: name, limits: device.launchLimits)
        guard sharedMemoryBytes >= 0, sharedMemoryBytes <= Int(UInt32.max) else {
            throw KilnError(.invalidLaunch, "kernel '\(name)': \(sharedMemoryBytes) bytes of shared memory cannot be asked for — give 0 or more, under 4 GiB")
        }
        if let stream, stream.device !== device {
            throw KilnError(.invalidLaunch,
                "kernel '\(name)' runs on \(device.summary), but its stream belongs to \(stream.device.summary) — make the stream on the kernel's device")
        }
        try LaunchArguments.checkRequiredSize(block: block, kernel: record)
        let values = try LaunchArguments.check(arguments, against: record)
        var parameters: [[UInt8]] = []
        parameters.reserveCapacity(values.count)
        // Local (`__local T*`) parameters take byte offsets into the dynamic shared array the
        // OpenCL C compile declared; each starts 16-byte aligned, and the array is sized to their sum.
        var localBytes: UInt64 = 0
        for (index, value) in values.enumerated() {
            switch value {
            case .scalar(let bytes):
                parameters.append(bytes)
            case .local(let bytes):
                localBytes = (localBytes + 15) & ~15
                parameters.append((0..<8).map { UInt8(truncatingIfNeeded: localBytes >> ($0 * 8)) })
                localBytes += UInt64(bytes)
            case .buffer(let buffer):
                let parameter = record.parameters[index]
                guard let buffer = buffer as? CUDABuffer else {
                    throw KilnError(.invalidLaunch,
                        "kernel '\(name)': parameter '\(parameter.name)' (index \(index), \(parameter.type)) was given a buffer of another backend (\(buffer.location)) — allocate it with CUDADevice.makeBuffer")
                }
                guard buffer.device === device else {
                    throw KilnError(.invalidLaunch,
                        "kernel '\(name)' runs on \(device.summary), but parameter '\(parameter.name)' (index \(index), \(parameter.type)) was given a buffer on \(buffer.device.summary) — allocate it on the kernel's device, or copy it there")
                }
                parameters.append((0..<8).map { UInt8(truncatingIfNeeded: buffer.address >> ($0 * 8)) })
            }
        }
        guard let shared = UInt32(exactly: UInt64(sharedMemoryBytes) + localBytes) else {
            throw KilnError(.invalidLaunch, "kernel '\(name)': \(localBytes) bytes of local memory and \(sharedMemoryBytes) of shared memory are over 4 GiB — ask for less")
        }
        try limits.check(block: block, launchLocalBytes: Int(shared), kernel: name)
        try device.makeCurrent()
        let result = device.calls.launch(
            handle.raw, grid: (UInt32(grid.x), UInt32(grid.y), UInt32(grid.z)),
            block: (UInt32(block.x), UInt32(block.y), UInt32(block.z)),
            sharedMemoryBytes: shared, stream: stream?.handle.raw, parameters: parameters)
        // Buffers referenced by the launch stay alive until here; freeing one later waits for the kernel.
        withExtendedLifetime(values) {}
        try device.calls.get(result, "launching kernel '\(name)' with grid \(grid) and block \(block) on \(device.summary)")
        try GuardRegions.check(values, of: record, synchronize: device.synchronize)
    }
}
