import KilnBundle
import KilnCore
import KilnDrivers

extension OpenCLProgram {
    /// A kernel of the program, by its record in the bundle's manifest, with its limits on the
    /// device (`CL_KERNEL_WORK_GROUP_SIZE`, `CL_KERNEL_LOCAL_MEM_SIZE`) read once.
    ///
    /// - Parameter record: The kernel's record: its name, symbol and parameters.
    /// - Throws: `KilnError.imageNotFound` (cause `OpenCLStatus.invalidKernelName`) if the program
    ///   has no such kernel; `KilnError.driverError` if the driver cannot report the kernel's limits.
    public func kernel(_ record: KernelRecord) throws(KilnError) -> DeviceKernel {
        try device.kernel(record, in: self, named: name)
    }
}
