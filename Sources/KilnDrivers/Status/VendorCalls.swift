import KilnCore

/// A vendor library's thin call layer (``CUDACalls``, ``OpenCLCalls``): functions that return
/// `Result<T, Status>`. Turning such a result into a value or a ``KilnCore/KilnError`` is
/// written once, here.
package protocol VendorCalls: Sendable {
    /// The library's status type.
    associatedtype Status: VendorStatus

    /// The status in words, as the loaded library says it where it can (`cuGetErrorString`).
    func describe(_ status: Status) -> String
}

extension VendorCalls {
    /// The status's own ``VendorStatus/description``, for a library that cannot say more.
    package func describe(_ status: Status) -> String { status.description }

    /// The error for a failed call: what was being done, the status in words, and a fix.
    ///
    /// - Parameters:
    ///   - status: What the call returned.
    ///   - what: What was being done, naming the input.
    ///   - fix: The fix, where the caller knows a better one than the status's remedy.
    ///   - function: The function that makes the error; leave it to the default.
    ///   - file: The file that makes the error; leave it to the default.
    ///   - line: The line that makes the error; leave it to the default.
    package func error(_ status: Status, _ what: String, fix: String? = nil,
                       function: String = #function, file: String = #fileID, line: Int = #line) -> KilnError {
        status.error(what, words: describe(status), fix: fix, function: function, file: file, line: line)
    }

    /// The value of a call, or the error that names what was being done.
    ///
    /// - Parameters:
    ///   - result: The call's result.
    ///   - what: What was being done, naming the input.
    ///   - fix: The fix, where the caller knows a better one than the status's remedy.
    ///   - function: The function that makes the error; leave it to the default.
    ///   - file: The file that makes the error; leave it to the default.
    ///   - line: The line that makes the error; leave it to the default.
    package func get<T>(_ result: Result<T, Status>, _ what: @autoclosure () -> String, fix: String? = nil,
                        function: String = #function, file: String = #fileID, line: Int = #line) throws(KilnError) -> T {
        switch result {
        case .success(let value): return value
        case .failure(let status): throw error(status, what(), fix: fix, function: function, file: file, line: line)
        }
    }
}
