import KilnCore

/// A result code of nvJitLink (`nvJitLinkResult`), in the style of swift-system's `Errno`.
package struct NVJitLinkResult: VendorStatus {
    /// The raw `nvJitLinkResult` value.
    package let rawValue: Int32

    /// Wraps a raw `nvJitLinkResult` value.
    package init(rawValue: Int32) { self.rawValue = rawValue }

    /// The library's name in messages.
    package static let library = "nvJitLink"

    /// An option nvJitLink does not know. `NVJITLINK_ERROR_UNRECOGNIZED_OPTION` (1)
    package static let unrecognizedOption = NVJitLinkResult(rawValue: 1)
    /// No `-arch=sm_NN` was given. `NVJITLINK_ERROR_MISSING_ARCH` (2)
    package static let missingArch = NVJitLinkResult(rawValue: 2)
    /// An input was not valid. `NVJITLINK_ERROR_INVALID_INPUT` (3)
    package static let invalidInput = NVJitLinkResult(rawValue: 3)
    /// The PTX did not compile. `NVJITLINK_ERROR_PTX_COMPILE` (4)
    package static let ptxCompile = NVJitLinkResult(rawValue: 4)
    /// The `-arch` value is not one nvJitLink knows. `NVJITLINK_ERROR_UNRECOGNIZED_ARCH` (16)
    package static let unrecognizedArch = NVJitLinkResult(rawValue: 16)
    /// The `-arch` value is known but not supported. `NVJITLINK_ERROR_UNSUPPORTED_ARCH` (17)
    package static let unsupportedArch = NVJitLinkResult(rawValue: 17)

    /// The C constant's name (`NVJITLINK_ERROR_PTX_COMPILE`), or nil for a code this table lacks.
    package var constantName: String? {
        Self.names.indices.contains(Int(rawValue)) ? "NVJITLINK_" + Self.names[Int(rawValue)] : nil
    }

    /// The C constants without their `NVJITLINK_` prefix, in the order of `nvJitLinkResult` in
    /// nvJitLink.h (CUDA 13.0; they count up from 0).
    private static let names = [
        "SUCCESS", "ERROR_UNRECOGNIZED_OPTION", "ERROR_MISSING_ARCH", "ERROR_INVALID_INPUT",
        "ERROR_PTX_COMPILE", "ERROR_NVVM_COMPILE", "ERROR_INTERNAL", "ERROR_THREADPOOL",
        "ERROR_UNRECOGNIZED_INPUT", "ERROR_FINALIZE", "ERROR_NULL_INPUT", "ERROR_INCOMPATIBLE_OPTIONS",
        "ERROR_INCORRECT_INPUT_TYPE", "ERROR_ARCH_MISMATCH", "ERROR_OUTDATED_LIBRARY", "ERROR_MISSING_FATBIN",
        "ERROR_UNRECOGNIZED_ARCH", "ERROR_UNSUPPORTED_ARCH", "ERROR_LTO_NOT_ENABLED",
    ]

    /// A link that failed is a `.compilationFailed`; the status is its cause.
    package var errorCode: KilnError.Code { .compilationFailed }

    /// What to do about this status, for the end of an error message.
    package var remedy: String {
        switch self {
        case .unrecognizedArch, .unsupportedArch, .missingArch:
            "leave the architecture out of the device list, or install a newer nvJitLink (\(NVRTCLocator.nvJitLinkInstall))"
        default: "this is a Kiln or clang bug; report it with the kernel"
        }
    }
}
