/// A status code of the CUDA driver API (`CUresult`), with Swift names for the codes Kiln
/// meets; any other code is kept by its number.
public struct CUDAResult: VendorStatus {
    /// The driver's number for the status.
    public let rawValue: Int32

    /// Creates a status from the driver's number.
    public init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    /// An argument was outside the range the call accepts.
    ///
    /// The corresponding C constant is `CUDA_ERROR_INVALID_VALUE`.
    public static let invalidValue = CUDAResult(rawValue: 1)

    /// The device could not allocate the memory asked for.
    ///
    /// The corresponding C constant is `CUDA_ERROR_OUT_OF_MEMORY`.
    public static let outOfMemory = CUDAResult(rawValue: 2)

    /// The driver has not been initialized with `cuInit`, or initialization failed.
    ///
    /// The corresponding C constant is `CUDA_ERROR_NOT_INITIALIZED`.
    public static let notInitialized = CUDAResult(rawValue: 3)

    /// The driver is shutting down.
    ///
    /// The corresponding C constant is `CUDA_ERROR_DEINITIALIZED`.
    public static let deinitialized = CUDAResult(rawValue: 4)

    /// The library loaded is the toolkit's stub, not the real driver.
    ///
    /// The corresponding C constant is `CUDA_ERROR_STUB_LIBRARY`.
    public static let stubLibrary = CUDAResult(rawValue: 34)

    /// The installed driver is older than the CUDA version asked for.
    ///
    /// The corresponding C constant is `CUDA_ERROR_INSUFFICIENT_DRIVER`.
    public static let insufficientDriver = CUDAResult(rawValue: 35)

    /// The device is busy or unavailable (exclusive-process mode, or lost).
    ///
    /// The corresponding C constant is `CUDA_ERROR_DEVICE_UNAVAILABLE`.
    public static let deviceUnavailable = CUDAResult(rawValue: 46)

    /// The driver found no CUDA-capable device.
    ///
    /// The corresponding C constant is `CUDA_ERROR_NO_DEVICE`.
    public static let noDevice = CUDAResult(rawValue: 100)

    /// The device ordinal does not name a device.
    ///
    /// The corresponding C constant is `CUDA_ERROR_INVALID_DEVICE`.
    public static let invalidDevice = CUDAResult(rawValue: 101)

    /// The image is not a valid module.
    ///
    /// The corresponding C constant is `CUDA_ERROR_INVALID_IMAGE`.
    public static let invalidImage = CUDAResult(rawValue: 200)

    /// No context, or an invalid one, is current on the calling thread.
    ///
    /// The corresponding C constant is `CUDA_ERROR_INVALID_CONTEXT`.
    public static let invalidContext = CUDAResult(rawValue: 201)

    /// The image holds no code that runs on this device.
    ///
    /// The corresponding C constant is `CUDA_ERROR_NO_BINARY_FOR_GPU`.
    public static let noBinaryForGPU = CUDAResult(rawValue: 209)

    /// An uncorrectable ECC error was detected.
    ///
    /// The corresponding C constant is `CUDA_ERROR_ECC_UNCORRECTABLE`.
    public static let eccUncorrectable = CUDAResult(rawValue: 214)

    /// The driver's PTX compiler rejected the PTX.
    ///
    /// The corresponding C constant is `CUDA_ERROR_INVALID_PTX`.
    public static let invalidPTX = CUDAResult(rawValue: 218)

    /// The driver's PTX JIT compiler library is missing.
    ///
    /// The corresponding C constant is `CUDA_ERROR_JIT_COMPILER_NOT_FOUND`.
    public static let jitCompilerNotFound = CUDAResult(rawValue: 221)

    /// The PTX was written in an ISA version newer than the driver accepts.
    ///
    /// The corresponding C constant is `CUDA_ERROR_UNSUPPORTED_PTX_VERSION`.
    public static let unsupportedPTXVersion = CUDAResult(rawValue: 222)

    /// PTX JIT compilation is disabled (`CUDA_DISABLE_PTX_JIT`).
    ///
    /// The corresponding C constant is `CUDA_ERROR_JIT_COMPILATION_DISABLED`.
    public static let jitCompilationDisabled = CUDAResult(rawValue: 223)

    /// The source is invalid.
    ///
    /// The corresponding C constant is `CUDA_ERROR_INVALID_SOURCE`.
    public static let invalidSource = CUDAResult(rawValue: 300)

    /// The file was not found.
    ///
    /// The corresponding C constant is `CUDA_ERROR_FILE_NOT_FOUND`.
    public static let fileNotFound = CUDAResult(rawValue: 301)

    /// A symbol of a shared object could not be resolved.
    ///
    /// The corresponding C constant is `CUDA_ERROR_SHARED_OBJECT_SYMBOL_NOT_FOUND`.
    public static let sharedObjectSymbolNotFound = CUDAResult(rawValue: 302)

    /// A shared object failed to initialize.
    ///
    /// The corresponding C constant is `CUDA_ERROR_SHARED_OBJECT_INIT_FAILED`.
    public static let sharedObjectInitFailed = CUDAResult(rawValue: 303)

    /// An operating-system call failed.
    ///
    /// The corresponding C constant is `CUDA_ERROR_OPERATING_SYSTEM`.
    public static let operatingSystem = CUDAResult(rawValue: 304)

    /// A handle (stream, module, function) was invalid.
    ///
    /// The corresponding C constant is `CUDA_ERROR_INVALID_HANDLE`.
    public static let invalidHandle = CUDAResult(rawValue: 400)

    /// A resource was not in a state the call allows.
    ///
    /// The corresponding C constant is `CUDA_ERROR_ILLEGAL_STATE`.
    public static let illegalState = CUDAResult(rawValue: 401)

    /// A named symbol (a kernel, a driver entry point) was not found.
    ///
    /// The corresponding C constant is `CUDA_ERROR_NOT_FOUND`.
    public static let notFound = CUDAResult(rawValue: 500)

    /// Work issued earlier has not completed yet.
    ///
    /// The corresponding C constant is `CUDA_ERROR_NOT_READY`.
    public static let notReady = CUDAResult(rawValue: 600)

    /// A kernel accessed memory at an illegal address; the context is unusable afterwards.
    ///
    /// The corresponding C constant is `CUDA_ERROR_ILLEGAL_ADDRESS`.
    public static let illegalAddress = CUDAResult(rawValue: 700)

    /// The launch asked for more resources (registers, threads) than the device has.
    ///
    /// The corresponding C constant is `CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES`.
    public static let launchOutOfResources = CUDAResult(rawValue: 701)

    /// A kernel ran past the watchdog's time limit.
    ///
    /// The corresponding C constant is `CUDA_ERROR_LAUNCH_TIMEOUT`.
    public static let launchTimeout = CUDAResult(rawValue: 702)

    /// A kernel overflowed its call stack.
    ///
    /// The corresponding C constant is `CUDA_ERROR_HARDWARE_STACK_ERROR`.
    public static let hardwareStackError = CUDAResult(rawValue: 714)

    /// A kernel executed an illegal instruction.
    ///
    /// The corresponding C constant is `CUDA_ERROR_ILLEGAL_INSTRUCTION`.
    public static let illegalInstruction = CUDAResult(rawValue: 715)

    /// A kernel accessed memory at a misaligned address.
    ///
    /// The corresponding C constant is `CUDA_ERROR_MISALIGNED_ADDRESS`.
    public static let misalignedAddress = CUDAResult(rawValue: 716)

    /// A kernel used an address in the wrong address space.
    ///
    /// The corresponding C constant is `CUDA_ERROR_INVALID_ADDRESS_SPACE`.
    public static let invalidAddressSpace = CUDAResult(rawValue: 717)

    /// A kernel's program counter became invalid.
    ///
    /// The corresponding C constant is `CUDA_ERROR_INVALID_PC`.
    public static let invalidPC = CUDAResult(rawValue: 718)

    /// A kernel failed while running; the context is unusable afterwards.
    ///
    /// The corresponding C constant is `CUDA_ERROR_LAUNCH_FAILED`.
    public static let launchFailed = CUDAResult(rawValue: 719)

    /// The operation is not permitted.
    ///
    /// The corresponding C constant is `CUDA_ERROR_NOT_PERMITTED`.
    public static let notPermitted = CUDAResult(rawValue: 800)

    /// The device does not support the operation.
    ///
    /// The corresponding C constant is `CUDA_ERROR_NOT_SUPPORTED`.
    public static let notSupported = CUDAResult(rawValue: 801)

    /// The system is not ready for CUDA (a fabric manager or driver service is not running).
    ///
    /// The corresponding C constant is `CUDA_ERROR_SYSTEM_NOT_READY`.
    public static let systemNotReady = CUDAResult(rawValue: 802)

    /// The user-mode driver library and the kernel module are of different versions.
    ///
    /// The corresponding C constant is `CUDA_ERROR_SYSTEM_DRIVER_MISMATCH`.
    public static let systemDriverMismatch = CUDAResult(rawValue: 803)

    /// The forward-compatibility driver does not support this device.
    ///
    /// The corresponding C constant is `CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE`.
    public static let compatNotSupportedOnDevice = CUDAResult(rawValue: 804)

    /// An unknown internal error occurred.
    ///
    /// The corresponding C constant is `CUDA_ERROR_UNKNOWN`.
    public static let unknown = CUDAResult(rawValue: 999)

    /// The library's name in messages.
    public static let library = "CUDA driver"

    /// The C constant's name (`CUDA_ERROR_NO_BINARY_FOR_GPU`), or nil for a code this table lacks.
    public var constantName: String? {
        Self.table[rawValue]?.name
    }

    /// What the status means, in a sentence; nil for a code this table lacks.
    public var meaning: String? {
        Self.table[rawValue]?.meaning
    }

    /// Each code Kiln names: the C constant and what it means.
    private static let table: [Int32: (name: String, meaning: String)] = [
        0: ("CUDA_SUCCESS", "The call succeeded."),
        1: ("CUDA_ERROR_INVALID_VALUE", "An argument was outside the range the call accepts."),
        2: ("CUDA_ERROR_OUT_OF_MEMORY", "The device could not allocate the memory asked for."),
        3: ("CUDA_ERROR_NOT_INITIALIZED", "The driver has not been initialized with `cuInit`, or initialization failed."),
        4: ("CUDA_ERROR_DEINITIALIZED", "The driver is shutting down."),
        34: ("CUDA_ERROR_STUB_LIBRARY", "The library loaded is the toolkit's stub, not the real driver."),
        35: ("CUDA_ERROR_INSUFFICIENT_DRIVER", "The installed driver is older than the CUDA version asked for."),
        46: ("CUDA_ERROR_DEVICE_UNAVAILABLE", "The device is busy or unavailable (exclusive-process mode, or lost)."),
        100: ("CUDA_ERROR_NO_DEVICE", "The driver found no CUDA-capable device."),
        101: ("CUDA_ERROR_INVALID_DEVICE", "The device ordinal does not name a device."),
        200: ("CUDA_ERROR_INVALID_IMAGE", "The image is not a valid module."),
        201: ("CUDA_ERROR_INVALID_CONTEXT", "No context, or an invalid one, is current on the calling thread."),
        209: ("CUDA_ERROR_NO_BINARY_FOR_GPU", "The image holds no code that runs on this device."),
        214: ("CUDA_ERROR_ECC_UNCORRECTABLE", "An uncorrectable ECC error was detected."),
        218: ("CUDA_ERROR_INVALID_PTX", "The driver's PTX compiler rejected the PTX."),
        221: ("CUDA_ERROR_JIT_COMPILER_NOT_FOUND", "The driver's PTX JIT compiler library is missing."),
        222: ("CUDA_ERROR_UNSUPPORTED_PTX_VERSION", "The PTX was written in an ISA version newer than the driver accepts."),
        223: ("CUDA_ERROR_JIT_COMPILATION_DISABLED", "PTX JIT compilation is disabled (`CUDA_DISABLE_PTX_JIT`)."),
        300: ("CUDA_ERROR_INVALID_SOURCE", "The source is invalid."),
        301: ("CUDA_ERROR_FILE_NOT_FOUND", "The file was not found."),
        302: ("CUDA_ERROR_SHARED_OBJECT_SYMBOL_NOT_FOUND", "A symbol of a shared object could not be resolved."),
        303: ("CUDA_ERROR_SHARED_OBJECT_INIT_FAILED", "A shared object failed to initialize."),
        304: ("CUDA_ERROR_OPERATING_SYSTEM", "An operating-system call failed."),
        400: ("CUDA_ERROR_INVALID_HANDLE", "A handle (stream, module, function) was invalid."),
        401: ("CUDA_ERROR_ILLEGAL_STATE", "A resource was not in a state the call allows."),
        500: ("CUDA_ERROR_NOT_FOUND", "A named symbol (a kernel, a driver entry point) was not found."),
        600: ("CUDA_ERROR_NOT_READY", "Work issued earlier has not completed yet."),
        700: ("CUDA_ERROR_ILLEGAL_ADDRESS", "A kernel accessed memory at an illegal address; the context is unusable afterwards."),
        701: ("CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES", "The launch asked for more resources (registers, threads) than the device has."),
        702: ("CUDA_ERROR_LAUNCH_TIMEOUT", "A kernel ran past the watchdog's time limit."),
        714: ("CUDA_ERROR_HARDWARE_STACK_ERROR", "A kernel overflowed its call stack."),
        715: ("CUDA_ERROR_ILLEGAL_INSTRUCTION", "A kernel executed an illegal instruction."),
        716: ("CUDA_ERROR_MISALIGNED_ADDRESS", "A kernel accessed memory at a misaligned address."),
        717: ("CUDA_ERROR_INVALID_ADDRESS_SPACE", "A kernel used an address in the wrong address space."),
        718: ("CUDA_ERROR_INVALID_PC", "A kernel's program counter became invalid."),
        719: ("CUDA_ERROR_LAUNCH_FAILED", "A kernel failed while running; the context is unusable afterwards."),
        800: ("CUDA_ERROR_NOT_PERMITTED", "The operation is not permitted."),
        801: ("CUDA_ERROR_NOT_SUPPORTED", "The device does not support the operation."),
        802: ("CUDA_ERROR_SYSTEM_NOT_READY", "The system is not ready for CUDA (a fabric manager or driver service is not running)."),
        803: ("CUDA_ERROR_SYSTEM_DRIVER_MISMATCH", "The user-mode driver library and the kernel module are of different versions."),
        804: ("CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE", "The forward-compatibility driver does not support this device."),
        999: ("CUDA_ERROR_UNKNOWN", "An unknown internal error occurred."),
    ]
}
