import KilnBundle
import KilnCore
import KilnDrivers

/// A kernel in a loaded module on one device of either family, with its recorded signature,
/// ready to launch; the module stays loaded while the kernel lives.
public final class DeviceKernel: Sendable {
    /// The kernel's record: its name and parameters.
    public let record: KernelRecord
    /// What the kernel allows on its device, read when it was looked up.
    public let limits: KernelLimits
    /// The device it runs on.
    public let device: ComputeDevice
    let handle: any KernelHandle
    /// Each parameter's type, parsed from the record's C text once, here, not at every launch.
    let parameterTypes: [ParameterType]

    init(record: KernelRecord, limits: KernelLimits, device: ComputeDevice, handle: any KernelHandle) {
        self.record = record
        parameterTypes = record.parameters.map(ParameterType.init)
        self.limits = limits
        self.device = device
        self.handle = handle
    }

    /// The kernel's name.
    public var name: String { record.name }

    /// Launches `grid` work-groups of `block` work-items (CUDA's blocks and threads; OpenCL's
    /// global size is grid × block), after checking every argument against the kernel's recorded
    /// parameters, and the dimensions and local memory against the device's and the kernel's own
    /// ``limits`` (its registers and `__launch_bounds__`). The launch is queued, not finished,
    /// when this returns: reading a buffer (`download()`) waits for it.
    ///
    /// - Parameters:
    ///   - grid: The number of work-groups (blocks) in each dimension: a `Dim3`, or an `Int` for one.
    ///   - block: The work-items (threads) in each work-group: a `Dim3`, or an `Int` for one.
    ///   - sharedMemoryBytes: CUDA's dynamic shared memory per block; must be 0 on OpenCL, whose
    ///     kernels declare local arrays or take `.local(bytes:)` arguments.
    ///   - stream: The CUDA stream to queue on; nil for the device's default stream or queue.
    ///   - arguments: One argument per parameter, in order.
    /// - Throws: `KilnError.invalidLaunch` before the driver is called if an argument, a dimension,
    ///   the block or local memory (against the kernel's ``limits``), the stream or a buffer's
    ///   device does not fit; `KilnError.driverError` if the driver refuses the launch (CUDA's
    ///   701: too many resources); `KilnError.bufferOverrun`, after waiting for the kernel, if it
    ///   wrote outside a guarded buffer (`KILN_CHECKED=1`). Faults while the kernel runs surface
    ///   at the next synchronization.
    public func launch(grid: some LaunchDimensions, block: some LaunchDimensions, sharedMemoryBytes: Int = 0,
                       stream: CUDAStream? = nil, arguments: [KernelArgument]) throws(KilnError) {
        let (grid, block) = (grid.dimensions, block.dimensions)
        try StartupTrace.measureFirst("launch.first") { () throws(KilnError) in
            let values = try check(grid: grid, block: block, sharedMemoryBytes: sharedMemoryBytes, stream: stream, arguments: arguments)
            try handle.launch(grid: grid, block: block, sharedMemoryBytes: values.sharedMemoryBytes, stream: stream,
                              values: values.values, localOffsets: values.localOffsets, kernel: record)
            // Buffers referenced by the launch stay alive until here; freeing one later waits for the kernel.
            withExtendedLifetime(values) {}
            try GuardRegions.check(values.values, of: record, synchronize: device.synchronize)
        }
    }

    /// Everything a launch is checked for before the driver sees it, and the values it passes:
    /// each argument, where each `.local(bytes:)` starts in the launch's local memory, and the
    /// local memory in all (the dynamic shared memory plus every local argument).
    private func check(grid: Dim3, block: Dim3, sharedMemoryBytes: Int, stream: CUDAStream?,
                       arguments: [KernelArgument]) throws(KilnError) -> (values: [LaunchValue], localOffsets: [Int: Int], sharedMemoryBytes: UInt32) {
        let backend = device.backend
        try LaunchArguments.checkDimensions(grid: grid, block: block, kernel: name, limits: backend.launchLimits)
        guard sharedMemoryBytes >= 0, sharedMemoryBytes <= Int(UInt32.max) else {
            throw KilnError(.invalidLaunch, "kernel '\(name)': \(sharedMemoryBytes) bytes of shared memory cannot be asked for — give 0 or more, under 4 GiB")
        }
        try backend.checkLaunch(grid: grid, block: block, sharedMemoryBytes: sharedMemoryBytes, kernel: name)
        if let stream, stream.device !== backend {
            throw KilnError(.invalidLaunch,
                "kernel '\(name)' runs on \(device.summary), but its stream belongs to \(stream.device.summary) — make the stream on the kernel's device")
        }
        try LaunchArguments.checkRequiredSize(block: block, kernel: record)
        let values = try LaunchArguments.check(arguments, against: record, types: parameterTypes)
        // Each local argument starts 16-byte aligned after the ones before it (CUDA passes the
        // offset into one dynamic shared array; OpenCL's drivers align each the same way or less).
        var localOffsets: [Int: Int] = [:]
        var localBytes: UInt64 = 0
        for (index, value) in values.enumerated() {
            switch value {
            case .scalar: continue
            case .local(let bytes):
                localBytes = (localBytes + 15) & ~15
                localOffsets[index] = Int(localBytes)
                localBytes += UInt64(bytes)
            case .buffer(let given):
                let parameter = record.parameters[index]
                guard let buffer = given as? DeviceBuffer else {
                    throw KilnError(.invalidLaunch,
                        "kernel '\(name)': parameter '\(parameter.name)' (index \(index), \(parameter.type)) was given a buffer Kiln did not make (\(given.location)) — allocate it with makeBuffer on the kernel's device")
                }
                guard buffer.device == device else {
                    throw KilnError(.invalidLaunch,
                        "kernel '\(name)' runs on \(device.summary), but parameter '\(parameter.name)' (index \(index), \(parameter.type)) was given a buffer on \(buffer.device.summary) — allocate it on the kernel's device, or copy it there")
                }
            }
        }
        guard let shared = UInt32(exactly: UInt64(sharedMemoryBytes) + localBytes) else {
            throw KilnError(.invalidLaunch, "kernel '\(name)': \(localBytes) bytes of local memory and \(sharedMemoryBytes) of shared memory are over 4 GiB — ask for less")
        }
        try limits.check(block: block, launchLocalBytes: Int(shared), kernel: name)
        return (values, localOffsets, shared)
    }
}
