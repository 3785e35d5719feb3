/// A status code of the OpenCL API (`cl_int`), with Swift names for the codes Kiln meets;
/// any other code is kept by its number.
public struct OpenCLStatus: VendorStatus {
    /// The driver's number for the status.
    public let rawValue: Int32

    /// Creates a status from the driver's number.
    public init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    /// The library's name in messages.
    public static let library = "OpenCL"

    /// No device of the type asked for was found.
    ///
    /// The corresponding C constant is `CL_DEVICE_NOT_FOUND`.
    public static let deviceNotFound = OpenCLStatus(rawValue: -1)

    /// The device is not available.
    ///
    /// The corresponding C constant is `CL_DEVICE_NOT_AVAILABLE`.
    public static let deviceNotAvailable = OpenCLStatus(rawValue: -2)

    /// The driver has no compiler for source or IL.
    ///
    /// The corresponding C constant is `CL_COMPILER_NOT_AVAILABLE`.
    public static let compilerNotAvailable = OpenCLStatus(rawValue: -3)

    /// The device could not allocate memory for a buffer.
    ///
    /// The corresponding C constant is `CL_MEM_OBJECT_ALLOCATION_FAILURE`.
    public static let memObjectAllocationFailure = OpenCLStatus(rawValue: -4)

    /// The device ran out of resources.
    ///
    /// The corresponding C constant is `CL_OUT_OF_RESOURCES`.
    public static let outOfResources = OpenCLStatus(rawValue: -5)

    /// The driver ran out of host memory.
    ///
    /// The corresponding C constant is `CL_OUT_OF_HOST_MEMORY`.
    public static let outOfHostMemory = OpenCLStatus(rawValue: -6)

    /// A program did not build; the build log says why.
    ///
    /// The corresponding C constant is `CL_BUILD_PROGRAM_FAILURE`.
    public static let buildProgramFailure = OpenCLStatus(rawValue: -11)

    /// An argument was outside the range the call accepts.
    ///
    /// The corresponding C constant is `CL_INVALID_VALUE`.
    public static let invalidValue = OpenCLStatus(rawValue: -30)

    /// The device type asked for is not a valid one.
    ///
    /// The corresponding C constant is `CL_INVALID_DEVICE_TYPE`.
    public static let invalidDeviceType = OpenCLStatus(rawValue: -31)

    /// The platform handle is not valid.
    ///
    /// The corresponding C constant is `CL_INVALID_PLATFORM`.
    public static let invalidPlatform = OpenCLStatus(rawValue: -32)

    /// The device handle is not valid, or not in the context.
    ///
    /// The corresponding C constant is `CL_INVALID_DEVICE`.
    public static let invalidDevice = OpenCLStatus(rawValue: -33)

    /// The context handle is not valid.
    ///
    /// The corresponding C constant is `CL_INVALID_CONTEXT`.
    public static let invalidContext = OpenCLStatus(rawValue: -34)

    /// The command queue handle is not valid.
    ///
    /// The corresponding C constant is `CL_INVALID_COMMAND_QUEUE`.
    public static let invalidCommandQueue = OpenCLStatus(rawValue: -36)

    /// The buffer handle is not valid.
    ///
    /// The corresponding C constant is `CL_INVALID_MEM_OBJECT`.
    public static let invalidMemObject = OpenCLStatus(rawValue: -38)

    /// The device refused a program binary: it was built for another device or driver.
    ///
    /// The corresponding C constant is `CL_INVALID_BINARY`.
    public static let invalidBinary = OpenCLStatus(rawValue: -42)

    /// The build options are not valid.
    ///
    /// The corresponding C constant is `CL_INVALID_BUILD_OPTIONS`.
    public static let invalidBuildOptions = OpenCLStatus(rawValue: -43)

    /// The program handle or its IL is not valid.
    ///
    /// The corresponding C constant is `CL_INVALID_PROGRAM`.
    public static let invalidProgram = OpenCLStatus(rawValue: -44)

    /// The program has no successfully built executable.
    ///
    /// The corresponding C constant is `CL_INVALID_PROGRAM_EXECUTABLE`.
    public static let invalidProgramExecutable = OpenCLStatus(rawValue: -45)

    /// The program has no kernel of that name.
    ///
    /// The corresponding C constant is `CL_INVALID_KERNEL_NAME`.
    public static let invalidKernelName = OpenCLStatus(rawValue: -46)

    /// The kernel handle is not valid.
    ///
    /// The corresponding C constant is `CL_INVALID_KERNEL`.
    public static let invalidKernel = OpenCLStatus(rawValue: -48)

    /// The argument index is past the kernel's parameters.
    ///
    /// The corresponding C constant is `CL_INVALID_ARG_INDEX`.
    public static let invalidArgIndex = OpenCLStatus(rawValue: -49)

    /// An argument's value is not valid for its parameter.
    ///
    /// The corresponding C constant is `CL_INVALID_ARG_VALUE`.
    public static let invalidArgValue = OpenCLStatus(rawValue: -50)

    /// An argument's size differs from its parameter's.
    ///
    /// The corresponding C constant is `CL_INVALID_ARG_SIZE`.
    public static let invalidArgSize = OpenCLStatus(rawValue: -51)

    /// Some of the kernel's arguments were not set.
    ///
    /// The corresponding C constant is `CL_INVALID_KERNEL_ARGS`.
    public static let invalidKernelArgs = OpenCLStatus(rawValue: -52)

    /// The number of work dimensions is not 1, 2 or 3.
    ///
    /// The corresponding C constant is `CL_INVALID_WORK_DIMENSION`.
    public static let invalidWorkDimension = OpenCLStatus(rawValue: -53)

    /// The work-group size does not fit the kernel or the device.
    ///
    /// The corresponding C constant is `CL_INVALID_WORK_GROUP_SIZE`.
    public static let invalidWorkGroupSize = OpenCLStatus(rawValue: -54)

    /// A work-group dimension is over the device's limit.
    ///
    /// The corresponding C constant is `CL_INVALID_WORK_ITEM_SIZE`.
    public static let invalidWorkItemSize = OpenCLStatus(rawValue: -55)

    /// The call is not valid in this state.
    ///
    /// The corresponding C constant is `CL_INVALID_OPERATION`.
    public static let invalidOperation = OpenCLStatus(rawValue: -59)

    /// The buffer size is 0 or over the device's limit.
    ///
    /// The corresponding C constant is `CL_INVALID_BUFFER_SIZE`.
    public static let invalidBufferSize = OpenCLStatus(rawValue: -61)

    /// The global work size is 0 or over the device's limit.
    ///
    /// The corresponding C constant is `CL_INVALID_GLOBAL_WORK_SIZE`.
    public static let invalidGlobalWorkSize = OpenCLStatus(rawValue: -63)

    /// The ICD loader found no OpenCL platform.
    ///
    /// The corresponding C constant is `CL_PLATFORM_NOT_FOUND_KHR`.
    public static let platformNotFound = OpenCLStatus(rawValue: -1001)

    /// The C constant's name, where Kiln knows it.
    public var constantName: String? {
        switch rawValue {
        case 0: "CL_SUCCESS"
        case -1: "CL_DEVICE_NOT_FOUND"
        case -2: "CL_DEVICE_NOT_AVAILABLE"
        case -3: "CL_COMPILER_NOT_AVAILABLE"
        case -4: "CL_MEM_OBJECT_ALLOCATION_FAILURE"
        case -5: "CL_OUT_OF_RESOURCES"
        case -6: "CL_OUT_OF_HOST_MEMORY"
        case -11: "CL_BUILD_PROGRAM_FAILURE"
        case -30: "CL_INVALID_VALUE"
        case -31: "CL_INVALID_DEVICE_TYPE"
        case -32: "CL_INVALID_PLATFORM"
        case -33: "CL_INVALID_DEVICE"
        case -34: "CL_INVALID_CONTEXT"
        case -36: "CL_INVALID_COMMAND_QUEUE"
        case -38: "CL_INVALID_MEM_OBJECT"
        case -42: "CL_INVALID_BINARY"
        case -43: "CL_INVALID_BUILD_OPTIONS"
        case -44: "CL_INVALID_PROGRAM"
        case -45: "CL_INVALID_PROGRAM_EXECUTABLE"
        case -46: "CL_INVALID_KERNEL_NAME"
        case -48: "CL_INVALID_KERNEL"
        case -49: "CL_INVALID_ARG_INDEX"
        case -50: "CL_INVALID_ARG_VALUE"
        case -51: "CL_INVALID_ARG_SIZE"
        case -52: "CL_INVALID_KERNEL_ARGS"
        case -53: "CL_INVALID_WORK_DIMENSION"
        case -54: "CL_INVALID_WORK_GROUP_SIZE"
        case -55: "CL_INVALID_WORK_ITEM_SIZE"
        case -59: "CL_INVALID_OPERATION"
        case -61: "CL_INVALID_BUFFER_SIZE"
        case -63: "CL_INVALID_GLOBAL_WORK_SIZE"
        case -1001: "CL_PLATFORM_NOT_FOUND_KHR"
        default: nil
        }
    }
}
