import KilnCore

/// A status code that a vendor library returns (`CUresult`, `cl_int`, `nvrtcResult`,
/// `nvJitLinkResult`): its number, the C constant's name, and what a failure with it becomes
/// as a ``KilnCore/KilnError``. Every vendor says success with 0.
///
/// A conforming type gives ``library``, ``constantName``, ``errorCode`` and ``remedy``;
/// checking a status, its description and the error it makes are written once, here.
public protocol VendorStatus: RawRepresentable, Error, Hashable, Sendable, CustomStringConvertible
where RawValue == Int32 {
    /// The library that returns the status, for messages (`"CUDA driver"`, `"OpenCL"`).
    static var library: String { get }

    /// Creates a status from the library's number.
    ///
    /// - Parameter rawValue: The number the C call returned.
    init(rawValue: Int32)

    /// The C constant's name (`CUDA_ERROR_NO_BINARY_FOR_GPU`), or nil for a number Kiln's table lacks.
    var constantName: String? { get }

    /// The code of the ``KilnCore/KilnError`` that a call failing with this status throws.
    var errorCode: KilnError.Code { get }

    /// What to do about this status, for the end of an error message.
    var remedy: String { get }
}

extension VendorStatus {
    /// The call succeeded (0 for every vendor).
    public static var success: Self { Self(rawValue: 0) }

    /// Whether the status says the call succeeded.
    public var isSuccess: Bool { rawValue == 0 }

    /// The status in words: `CUDA_ERROR_NO_BINARY_FOR_GPU (209)`, or `OpenCL status -9999` for a
    /// number Kiln's table lacks.
    public var description: String {
        constantName.map { "\($0) (\(rawValue))" } ?? "\(Self.library) status \(rawValue)"
    }

    /// Success, or the status as the failure: the one way a C call's number becomes a `Result`.
    ///
    /// - Parameter rawValue: The number the C call returned.
    /// - Returns: `.success` for 0, else `.failure` with the status.
    public static func check(_ rawValue: Int32) -> Result<Void, Self> {
        let status = Self(rawValue: rawValue)
        return status.isSuccess ? .success(()) : .failure(status)
    }

    /// The ``KilnCore/KilnError`` for a call that failed with this status: what was being done,
    /// the status in words, and the fix; the status is kept as the cause.
    ///
    /// - Parameters:
    ///   - what: What was being done, naming the input (`"loading module 'gemm' on GPU 0"`).
    ///   - words: The status in words, where the library can say more than ``description`` (its own error string).
    ///   - fix: The fix, where the caller knows a better one than ``remedy``.
    ///   - function: The function that makes the error; leave it to the default.
    ///   - file: The file that makes the error; leave it to the default.
    ///   - line: The line that makes the error; leave it to the default.
    /// - Returns: An error of ``errorCode``.
    public func error(_ what: String, words: String? = nil, fix: String? = nil,
                      function: String = #function, file: String = #fileID, line: Int = #line) -> KilnError {
        KilnError(errorCode, "\(what): \(words ?? description) — \(fix ?? remedy)", cause: self,
                  function: function, file: file, line: line)
    }
}
