import KilnBundle
import KilnCore
import KilnDrivers

extension CUDAModule {
    /// The kernel a record names, looked up by its symbol (or the one NVRTC lowered it to, or its name), with its limits on the
    /// device (`CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK`, `CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES`) read once.
    ///
    /// - Parameter record: The kernel's record: its name, symbol and parameters.
    /// - Throws: `KilnError.driverError` (cause `CUDAResult.notFound`) if the module has no such
    ///   kernel, or if the driver cannot report its limits.
    public func kernel(_ record: KernelRecord) throws(KilnError) -> CUDAKernel {
        let symbol = record.symbol ?? symbols[record.name] ?? record.name
        try device.makeCurrent()
        let function = try device.calls.get(device.calls.function(named: symbol, in: handle.raw),
                                            "looking up kernel '\(record.name)' (symbol '\(symbol)') in module '\(name)' on \(device.summary)",
                                            fix: "rebuild the bundle; its manifest names a kernel its image lacks")
        let what = "reading the limits of kernel '\(record.name)' in module '\(name)' on \(device.summary) (cuFuncGetAttribute)"
        let limits = KernelLimits(
            maxThreadsPerBlock: try device.calls.get(device.calls.attribute(.maxThreadsPerBlock, of: function), what),
            deviceMaxThreadsPerBlock: device.launchLimits.maxThreadsPerBlock,
            staticLocalBytes: try device.calls.get(device.calls.attribute(.sharedSizeBytes, of: function), what),
            deviceLocalBytes: device.sharedMemoryPerBlock)
        return CUDAKernel(record: record, module: self, handle: CUDAHandle(function), limits: limits)
    }
}
