import KilnCore

extension OpenCLStatus {
    /// What to do about this status, for the end of an error message.
    package var remedy: String {
        switch self {
        case .platformNotFound:
            "install an OpenCL driver: `apt-get install pocl-opencl-icd` for CPUs, `intel-opencl-icd` for Intel GPUs (each adds a file in /etc/OpenCL/vendors)"
        case .deviceNotFound, .deviceNotAvailable:
            "check that `clinfo -l` lists the device"
        case .compilerNotAvailable:
            "install the driver's compiler, or ship a device binary for this device"
        case .memObjectAllocationFailure, .outOfResources, .outOfHostMemory:
            "free device memory, or use smaller buffers"
        case .invalidBinary:
            "the binary was built for another device or driver version; rebuild the bundle with this device in the list"
        case .buildProgramFailure:
            "fix the kernel source; the build log says where"
        case .invalidKernelName:
            "check the kernel's name against the bundle's manifest (`kiln inspect`)"
        case .invalidWorkGroupSize, .invalidWorkItemSize:
            "use a work-group size the kernel and device accept (at most the device's maximum, and dividing the global size)"
        default:
            "see the OpenCL specification for this status"
        }
    }
}

extension OpenCLCalls {
    /// A `KilnError.driverError` for a failed call: what was being done, the status in words, and a fix.
    package func error(_ status: OpenCLStatus, _ what: String, fix: String? = nil) -> KilnError {
        KilnError(.driverError, "\(what): \(status) — \(fix ?? status.remedy)", cause: status)
    }

    /// The value of a call, or a `KilnError` that names what was being done.
    package func get<T>(_ result: Result<T, OpenCLStatus>, _ what: @autoclosure () -> String,
                fix: String? = nil) throws(KilnError) -> T {
        switch result {
        case .success(let value): return value
        case .failure(let status): throw error(status, what(), fix: fix)
        }
    }
}
