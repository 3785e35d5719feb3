#if canImport(Glibc)
import Glibc
#endif

/// Writes to the standard error stream without Foundation, unbuffered; callers escape names
/// (``Swift/StringProtocol/terminalSafe(multiline:)``).
package enum StandardError {
    package static func write(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }
}
