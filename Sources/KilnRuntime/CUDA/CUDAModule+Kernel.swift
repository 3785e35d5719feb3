import KilnBundle
import KilnCore
import KilnDrivers

extension CUDAModule {
    /// The kernel a record names, looked up by its symbol (or the one NVRTC lowered it to, or its
    /// name), with its limits on the device (`CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK`,
    /// `CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES`) read once.
    ///
    /// - Parameter record: The kernel's record: its name, symbol and parameters.
    /// - Throws: `KilnError.imageNotFound` (cause `CUDAResult.notFound`) if the module has no such
    ///   kernel; `KilnError.driverError` if the driver cannot report its limits.
    public func kernel(_ record: KernelRecord) throws(KilnError) -> DeviceKernel {
        try device.kernel(record, in: self, named: name)
    }
}
