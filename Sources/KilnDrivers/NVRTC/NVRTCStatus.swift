import KilnCore

/// A result code of the NVRTC C API (`nvrtcResult`), in the style of swift-system's `Errno`.
package struct NVRTCStatus: VendorStatus {
    /// The raw `nvrtcResult` value.
    package let rawValue: Int32

    /// Wraps a raw `nvrtcResult` value.
    package init(rawValue: Int32) { self.rawValue = rawValue }

    /// The library's name in messages.
    package static let library = "NVRTC"

    /// Out of memory. `NVRTC_ERROR_OUT_OF_MEMORY` (1)
    package static let outOfMemory = NVRTCStatus(rawValue: 1)
    /// The program could not be created. `NVRTC_ERROR_PROGRAM_CREATION_FAILURE` (2)
    package static let programCreationFailure = NVRTCStatus(rawValue: 2)
    /// A null or malformed argument. `NVRTC_ERROR_INVALID_INPUT` (3)
    package static let invalidInput = NVRTCStatus(rawValue: 3)
    /// The program handle is not valid. `NVRTC_ERROR_INVALID_PROGRAM` (4)
    package static let invalidProgram = NVRTCStatus(rawValue: 4)
    /// An unknown option or bad option value, e.g. `-arch=sm_70` on 13.0. `NVRTC_ERROR_INVALID_OPTION` (5)
    package static let invalidOption = NVRTCStatus(rawValue: 5)
    /// The source did not compile; the program log says why. `NVRTC_ERROR_COMPILATION` (6)
    package static let compilation = NVRTCStatus(rawValue: 6)
    /// libnvrtc-builtins could not be loaded. `NVRTC_ERROR_BUILTIN_OPERATION_FAILURE` (7)
    package static let builtinOperationFailure = NVRTCStatus(rawValue: 7)
    /// Name expression added after compiling. `NVRTC_ERROR_NO_NAME_EXPRESSIONS_AFTER_COMPILATION` (8)
    package static let noNameExpressionsAfterCompilation = NVRTCStatus(rawValue: 8)
    /// Lowered name asked before compiling. `NVRTC_ERROR_NO_LOWERED_NAMES_BEFORE_COMPILATION` (9)
    package static let noLoweredNamesBeforeCompilation = NVRTCStatus(rawValue: 9)
    /// The name expression was not registered or is invalid. `NVRTC_ERROR_NAME_EXPRESSION_NOT_VALID` (10)
    package static let nameExpressionNotValid = NVRTCStatus(rawValue: 10)
    /// An NVRTC internal error. `NVRTC_ERROR_INTERNAL_ERROR` (11)
    package static let internalError = NVRTCStatus(rawValue: 11)
    /// The `--time` output file could not be written. `NVRTC_ERROR_TIME_FILE_WRITE_FAILED` (12)
    package static let timeFileWriteFailed = NVRTCStatus(rawValue: 12)
    /// No precompiled-header creation was attempted. `NVRTC_ERROR_NO_PCH_CREATE_ATTEMPTED` (13)
    package static let noPCHCreateAttempted = NVRTCStatus(rawValue: 13)
    /// The precompiled-header heap is exhausted. `NVRTC_ERROR_PCH_CREATE_HEAP_EXHAUSTED` (14)
    package static let pchCreateHeapExhausted = NVRTCStatus(rawValue: 14)
    /// Precompiled-header creation failed. `NVRTC_ERROR_PCH_CREATE` (15)
    package static let pchCreate = NVRTCStatus(rawValue: 15)
    /// A flow callback cancelled the compile. `NVRTC_ERROR_CANCELLED` (16)
    package static let cancelled = NVRTCStatus(rawValue: 16)
    /// The `--fdevice-time-trace` file could not be written. `NVRTC_ERROR_TIME_TRACE_FILE_WRITE_FAILED` (17)
    package static let timeTraceFileWriteFailed = NVRTCStatus(rawValue: 17)

    /// The C constant's name (`NVRTC_ERROR_COMPILATION`), or nil for a code this table lacks.
    package var constantName: String? {
        Self.names.indices.contains(Int(rawValue)) ? Self.names[Int(rawValue)] : nil
    }

    /// The C constants, in the order of `nvrtcResult` in nvrtc.h (they count up from 0).
    private static let names = [
        "NVRTC_SUCCESS",
        "NVRTC_ERROR_OUT_OF_MEMORY",
        "NVRTC_ERROR_PROGRAM_CREATION_FAILURE",
        "NVRTC_ERROR_INVALID_INPUT",
        "NVRTC_ERROR_INVALID_PROGRAM",
        "NVRTC_ERROR_INVALID_OPTION",
        "NVRTC_ERROR_COMPILATION",
        "NVRTC_ERROR_BUILTIN_OPERATION_FAILURE",
        "NVRTC_ERROR_NO_NAME_EXPRESSIONS_AFTER_COMPILATION",
        "NVRTC_ERROR_NO_LOWERED_NAMES_BEFORE_COMPILATION",
        "NVRTC_ERROR_NAME_EXPRESSION_NOT_VALID",
        "NVRTC_ERROR_INTERNAL_ERROR",
        "NVRTC_ERROR_TIME_FILE_WRITE_FAILED",
        "NVRTC_ERROR_NO_PCH_CREATE_ATTEMPTED",
        "NVRTC_ERROR_PCH_CREATE_HEAP_EXHAUSTED",
        "NVRTC_ERROR_PCH_CREATE",
        "NVRTC_ERROR_CANCELLED",
        "NVRTC_ERROR_TIME_TRACE_FILE_WRITE_FAILED",
    ]
}

extension NVRTCStatus {
    /// An NVRTC call that failed is a `.compilationFailed`; the status is its cause.
    package var errorCode: KilnError.Code { .compilationFailed }

    /// What to do about this status, for the end of an error message.
    package var remedy: String {
        switch self {
        case .outOfMemory: "free host memory, or compile fewer modules at once (--jobs)"
        case .invalidOption: "drop or fix the option; `kiln targets` lists the architectures this NVRTC accepts"
        case .compilation: "fix the kernel source; the program log says where"
        case .builtinOperationFailure: "libnvrtc-builtins must sit next to libnvrtc; reinstall NVRTC (\(NVRTCLocator.nvrtcInstall))"
        default: "this is a Kiln or NVRTC bug; report it with the kernel"
        }
    }
}
