#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import KilnBundle
import KilnCore
import KilnRuntime

/// Compiled images kept between builds, so that an unchanged module and target are not
/// compiled again. Keyed by a SHA-256 of everything that changes the output; entries are
/// written to a temporary file and renamed, and checked against their SHA-256 when read.
public struct BuildCache: Sendable {
    /// The folder holding the entries.
    public let directory: String

    /// A cache in a folder, created when first written.
    public init(directory: String) {
        self.directory = directory
    }

    /// The default folder: `build` in the cache root (`KILN_CACHE_DIR`, else `$XDG_CACHE_HOME/kiln`,
    /// else `~/.cache/kiln`), beside the JIT cache's `jit`.
    public static func defaultDirectory(environment: [String: String]) throws -> String {
        try CacheConfiguration(environment: environment).root + "/build"
    }

    /// The key of one compile: the toolchain, its invocation and salt, and the source text.
    public static func key(toolchain: any Toolchain, module: SourceModule, target: Target) -> String {
        let parts = [KilnVersion.current, toolchain.identity, toolchain.invocation(for: module, target: target),
                     toolchain.cacheSalt(for: module), module.text]
        return SHA256Digest.hex(of: parts.joined(separator: "\u{0}"))
    }

    private struct Metadata: Codable {
        var sha256: String
        var log: String
        var ptxISAVersion: String?
        var symbols: [String: String]
        var hostString: String?
    }

    /// The image stored under a key, if there is one and it is intact.
    public func lookup(_ key: String) -> CompiledImage? {
        let base = URL(fileURLWithPath: directory).appendingPathComponent(key)
        guard let metadata = try? JSONDecoder().decode(Metadata.self, from: Data(contentsOf: base.appendingPathExtension("json"))),
              let bytes = try? Data(contentsOf: base.appendingPathExtension("bin")),
              SHA256Digest.hex(of: Array(bytes)) == metadata.sha256
        else { return nil }
        return CompiledImage(bytes: Array(bytes), log: metadata.log, ptxISAVersion: metadata.ptxISAVersion,
                             symbols: metadata.symbols, hostString: metadata.hostString)
    }

    /// Stores an image under a key; a failure to write only costs a recompile next time.
    public func store(_ image: CompiledImage, key: String) {
        let base = URL(fileURLWithPath: directory).appendingPathComponent(key)
        let metadata = Metadata(sha256: SHA256Digest.hex(of: image.bytes), log: image.log,
                                ptxISAVersion: image.ptxISAVersion, symbols: image.symbols,
                                hostString: image.hostString)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try Data(image.bytes).write(to: base.appendingPathExtension("bin"), options: .atomic)
            try JSONEncoder().encode(metadata).write(to: base.appendingPathExtension("json"), options: .atomic)
        } catch {
            // Uncached is still correct.
        }
    }
}
