import KilnBundle
import KilnCore
import KilnDrivers

/// A kernel's handle on one backend, with the module that holds it, kept loaded while the kernel
/// lives: what a ``DeviceKernel`` launches through.
protocol KernelHandle: Sendable {
    /// Queues a checked launch; buffers were checked to be on the kernel's device.
    func launch(grid: Dim3, block: Dim3, sharedMemoryBytes: UInt32, stream: CUDAStream?,
                values: [LaunchValue], localOffsets: [Int: Int], kernel: KernelRecord) throws(KilnError)
}

/// One backend's ``KernelHandle``.
final class BackendKernel<Backend: ComputeBackend>: KernelHandle {
    let backend: Backend
    let module: Backend.Module
    let function: Backend.Function

    init(backend: Backend, module: Backend.Module, function: Backend.Function) {
        self.backend = backend
        self.module = module
        self.function = function
    }

    func launch(grid: Dim3, block: Dim3, sharedMemoryBytes: UInt32, stream: CUDAStream?,
                values: [LaunchValue], localOffsets: [Int: Int], kernel: KernelRecord) throws(KilnError) {
        var slots: [LaunchSlot<Backend.Memory>] = []
        slots.reserveCapacity(values.count)
        for (index, value) in values.enumerated() {
            switch value {
            case .scalar(let bytes):
                slots.append(.scalar(bytes))
            case .local(let bytes):
                slots.append(.local(offset: localOffsets[index] ?? 0, bytes: bytes))
            case .buffer(let given):
                guard let buffer = given as? DeviceBuffer, buffer.device.backend === backend else {
                    throw KilnError(.invalidLaunch, "kernel '\(kernel.name)': argument \(index) is not a buffer on \(backend.summary)")
                }
                guard let memory = buffer.memory else {
                    slots.append(.memory(nil))
                    continue
                }
                guard let typed = memory as? Backend.Memory else {
                    throw KilnError(.invalidLaunch, "kernel '\(kernel.name)': argument \(index) holds memory of another backend than \(backend.summary)")
                }
                slots.append(.memory(typed))
            }
        }
        try backend.launch(function, grid: grid, block: block, sharedMemoryBytes: sharedMemoryBytes, stream: stream,
                           arguments: slots, kernel: kernel)
    }
}

extension ComputeBackend {
    /// A kernel of a loaded module, by its record in the bundle's manifest, with its limits on
    /// the device read once.
    ///
    /// - Parameters:
    ///   - record: The kernel's record: its name, symbol and parameters.
    ///   - module: The loaded module.
    ///   - moduleName: The module's name, for messages.
    /// - Throws: `KilnError.imageNotFound` (the driver's status as the cause) if the module has no
    ///   such kernel; `KilnError.driverError` if the driver cannot report the kernel's limits.
    func kernel(_ record: KernelRecord, in module: Module, named moduleName: String) throws(KilnError) -> DeviceKernel {
        let symbol = symbol(of: record, in: module)
        switch try function(named: symbol, in: module) {
        case .missing(let status):
            let named = symbol == record.name ? "'\(symbol)'" : "'\(record.name)' (symbol '\(symbol)')"
            throw KilnError(.imageNotFound,
                "module '\(moduleName)' on \(summary) has no kernel \(named) (\(status)) — rebuild the bundle from the source that declares it",
                cause: status)
        case .found(let function):
            let limits = try limits(of: function, "reading the limits of kernel '\(record.name)' in module '\(moduleName)' on \(summary)")
            return DeviceKernel(record: record, limits: limits, device: ComputeDevice(backend: self),
                                handle: BackendKernel(backend: self, module: module, function: function))
        }
    }
}
