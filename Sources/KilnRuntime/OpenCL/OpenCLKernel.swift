import KilnBundle
import KilnCore
import Synchronization
import KilnDrivers

/// A kernel in a built program, with its recorded signature, ready to launch.
///
/// Launches take the same arguments as ``CUDAKernel``'s: a grid of work-groups and a block (the
/// work-group size), so the global size is grid × block in each dimension.
public final class OpenCLKernel: Sendable {
    /// The kernel's record: its name and parameters.
    public let record: KernelRecord
    /// The program that holds it, kept alive while the kernel lives.
    public let program: OpenCLProgram
    /// What the kernel allows on its device, read when it was looked up.
    public let limits: KernelLimits
    let handle: OpenCLHandle
    /// Held from the first `clSetKernelArg` to the enqueue: a kernel's arguments are shared state.
    private let launching = Mutex<Void>(())

    init(record: KernelRecord, program: OpenCLProgram, handle: OpenCLHandle, limits: KernelLimits) {
        self.record = record
        self.program = program
        self.handle = handle
        self.limits = limits
    }

    deinit {
        program.device.calls.releaseKernel(handle.raw)
    }

    /// The kernel's name.
    public var name: String { record.name }
    /// The device it runs on.
    public var device: OpenCLDevice { program.device }

    /// Launches the kernel after checking every argument against its recorded parameters, and
    /// the dimensions and local memory against the device's and the kernel's own ``limits``;
    /// returns once the launch is queued.
    ///
    /// - Parameters:
    ///   - grid: The number of work-groups in each dimension.
    ///   - block: The work-group size in each dimension.
    ///   - sharedMemoryBytes: Must be 0: OpenCL kernels declare local arrays, or take `.local(bytes:)` arguments.
    ///   - arguments: One argument per parameter, in order.
    /// - Throws: `KilnError.invalidLaunch` before the driver is called if an argument, a dimension,
    ///   the block or local memory (against the kernel's ``limits``) or a buffer's device does not fit; `KilnError.driverError` if the driver refuses the launch;
    ///   `KilnError.bufferOverrun`, after waiting for the kernel, if it wrote outside a guarded
    ///   buffer (`KILN_CHECKED=1`).
    public func launch(grid: Dim3, block: Dim3, sharedMemoryBytes: Int = 0, arguments: [KernelArgument]) throws(KilnError) {
        let device = program.device
        try LaunchArguments.checkDimensions(grid: grid, block: block, kernel: name, limits: device.launchLimits)
        guard sharedMemoryBytes == 0 else {
            throw KilnError(.invalidLaunch,
                "kernel '\(name)': OpenCL kernels size their local memory in the source, so sharedMemoryBytes must be 0 (it was \(sharedMemoryBytes)) — declare a __local array inside the kernel, or pass .local(bytes:) for a local pointer parameter")
        }
        let global = [grid.x * block.x, grid.y * block.y, grid.z * block.z]
        guard global.allSatisfy({ $0 <= Int(UInt32.max) }) else {
            throw KilnError(.invalidLaunch, "kernel '\(name)': grid \(grid) × block \(block) is over 2³² work-items in a dimension — use a smaller grid and loop inside the kernel")
        }
        try LaunchArguments.checkRequiredSize(block: block, kernel: record)
        let values = try LaunchArguments.check(arguments, against: record)
        let localBytes = values.reduce(0) { total, value in
            if case .local(let bytes) = value { return total + bytes }
            return total
        }
        try limits.check(block: block, launchLocalBytes: localBytes, kernel: name)
        var buffers: [Int: OpenCLBuffer] = [:]
        for (index, value) in values.enumerated() {
            guard case .buffer(let given) = value else { continue }
            let parameter = record.parameters[index]
            guard let buffer = given as? OpenCLBuffer else {
                throw KilnError(.invalidLaunch,
                    "kernel '\(name)': parameter '\(parameter.name)' (index \(index), \(parameter.type)) was given a buffer of another backend (\(given.location)) — allocate it with OpenCLDevice.makeBuffer")
            }
            guard buffer.device === device else {
                throw KilnError(.invalidLaunch,
                    "kernel '\(name)' runs on \(device.summary), but parameter '\(parameter.name)' (index \(index), \(parameter.type)) was given a buffer on \(buffer.device.summary) — allocate it on the kernel's device, or copy it there")
            }
            buffers[index] = buffer
        }
        let dimensions = block.z > 1 || grid.z > 1 ? 3 : block.y > 1 || grid.y > 1 ? 2 : 1
        let calls = device.calls
        let queue = program.session.queue.raw
        try launching.withLock { _ throws(KilnError) in
            for (index, value) in values.enumerated() {
                let set: Result<Void, OpenCLStatus>
                switch value {
                case .scalar(let bytes): set = calls.setArgument(handle.raw, index: index, bytes: bytes)
                case .buffer: set = calls.setArgument(handle.raw, index: index, buffer: buffers[index]?.memory?.raw)
                case .local(let bytes): set = calls.setArgument(handle.raw, index: index, localBytes: bytes)
                }
                try calls.get(set, "setting argument \(index) ('\(record.parameters[index].name)') of kernel '\(name)' on \(device.summary)")
            }
            try calls.get(calls.enqueue(handle.raw, queue: queue, global: Array(global.prefix(dimensions)),
                                        local: Array([block.x, block.y, block.z].prefix(dimensions))),
                          "launching kernel '\(name)' with grid \(grid) and block \(block) on \(device.summary)")
        }
        // The queue holds its own references to the buffers from here on.
        withExtendedLifetime(buffers) {}
        try GuardRegions.check(values, of: record, synchronize: device.synchronize)
    }
}
