import KilnCore

extension OpenCLStatus {
    /// A failed OpenCL call is a `.driverError`; the status is its cause.
    public var errorCode: KilnError.Code { .driverError }

    /// What to do about this status, for the end of an error message.
    public var remedy: String {
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

extension OpenCLCalls: VendorCalls {
    /// OpenCL's status type.
    package typealias Status = OpenCLStatus
}
