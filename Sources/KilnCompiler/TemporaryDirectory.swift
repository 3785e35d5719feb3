#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import KilnCore

/// A private folder for one compile's files, removed when the body returns.
enum TemporaryDirectory {
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
}
