import KilnBundle
import KilnCore
import KilnDrivers

extension OpenCLProgram {
    /// A kernel of the program, by its record in the bundle's manifest, with its limits on the
    /// device (`CL_KERNEL_WORK_GROUP_SIZE`, `CL_KERNEL_LOCAL_MEM_SIZE`) read once.
    ///
    /// - Parameter record: The kernel's record: its name, symbol and parameters.
    /// - Throws: `KilnError.imageNotFound` if the program has no such kernel; `KilnError.driverError`
    ///   if the driver cannot report the kernel's limits.
    public func kernel(_ record: KernelRecord) throws(KilnError) -> OpenCLKernel {
        let symbol = record.symbol ?? record.name
        let calls = device.calls
        switch calls.createKernel(handle.raw, name: symbol) {
        case .success(let kernel):
            let what = "reading the limits of kernel '\(record.name)' in module '\(name)' on \(device.summary) (clGetKernelWorkGroupInfo)"
            let limits: KernelLimits
            switch (calls.integer(.workGroupSize, of: kernel, on: device.handle.raw),
                    calls.integer(.localMemSize, of: kernel, on: device.handle.raw)) {
            case (.success(let threads), .success(let local)):
                limits = KernelLimits(maxThreadsPerBlock: threads, deviceMaxThreadsPerBlock: device.launchLimits.maxThreadsPerBlock,
                                      staticLocalBytes: local, deviceLocalBytes: device.localMemory)
            case (.failure(let status), _), (_, .failure(let status)):
                calls.releaseKernel(kernel)
                throw calls.error(status, what)
            }
            return OpenCLKernel(record: record, program: self, handle: OpenCLHandle(kernel), limits: limits)
        case .failure(let status):
            throw KilnError(.imageNotFound,
                "module '\(name)' on \(device.summary) has no kernel '\(symbol)' (\(status)) — rebuild the bundle from the source that declares it",
                cause: status)
        }
    }
}
