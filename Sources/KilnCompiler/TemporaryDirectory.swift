#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import KilnCore

/// A private folder for one compile's files, removed when the body returns.
package enum TemporaryDirectory {
    /// Runs a body with a fresh folder under the system's temporary directory.
    ///
    /// - Throws: `KilnError.io` if the folder cannot be made; whatever the body throws.
    static func with<R>(prefix: String, _ body: (String) async throws(KilnError) -> R) async throws(KilnError) -> R {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: base, withIntermediateDirectories: false,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw KilnError(.io, "cannot make a temporary folder '\(base.path)': \(error) — check TMPDIR", cause: error)
        }
        defer { try? FileManager.default.removeItem(at: base) }
        return try await body(base.path)
    }

    /// Writes one of a compile's own files (its input, a worker's output) with no `fsync`.
    ///
    /// The compiler reads it back at once and the folder is removed after, so it needs no
    /// durability; Foundation's `Data.write(to:)` and `FileManager.createFile` sync each file,
    /// and on a loaded 2-core machine one such sync of a small source was seen to take over 90 s,
    /// holding one of Swift's two cooperative threads all the while.
    ///
    /// - Throws: `KilnError.io` naming the path, the system's reason and the fix.
    package static func write(_ bytes: [UInt8], to path: String) throws(KilnError) {
        let fd = open(path, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else {
            throw KilnError.system("cannot write a compile's temporary file", path, errno: errno, fix: "check TMPDIR and its permissions")
        }
        let code = writeAll(fd, bytes)
        close(fd)
        guard code == 0 else {
            throw KilnError.system("cannot write a compile's temporary file", path, errno: code, fix: "check that TMPDIR has room")
        }
    }
}
