#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import KilnBundle
import KilnCore
import Synchronization
import KilnCache

/// Compiled images kept between builds, so that an unchanged module and target are not
/// compiled again. Keyed by a SHA-256 of everything that changes the output.
///
/// It shares the JIT cache's scheme (``CacheFolder``): one entry file per key, written to a
/// temporary file and renamed, bound to its key and checked against its SHA-256 when read,
/// bounded in size (least recently used out first) and pruned by `kiln cache prune`. A folder
/// or entry that another user owns or can write to is not used — a build then compiles
/// everything, with one warning that says how to fix the folder — so no one else's image is
/// ever embedded as "reused".
///
/// With a remote cache (`KILN_REMOTE_CACHE`, `kiln.json`'s `remoteCache`), a key the folder
/// misses is fetched from it — checked as the remote cache checks every entry, then decoded as a
/// local entry is, then kept in the folder — and a fresh image is uploaded in the background:
/// a second machine's build reuses the first one's images. ``finishUploads(timeout:)`` waits
/// for the uploads before a short-lived build exits.
public struct BuildCache: Sendable {
    /// The folder holding the entries.
    public let directory: String
    /// The size bound, in bytes.
    public let maximumBytes: Int64
    /// The remote cache, if one is configured.
    public let remote: RemoteCache?
    let folder: CacheFolder
    private let warned = Warned()

    /// A cache in a folder, created (mode 0700) when first written.
    ///
    /// - Parameter remote: a shared cache to read through to, and upload to.
    public init(directory: String, maximumBytes: Int64 = CacheConfiguration.defaultMaximumBytes, remote: RemoteCache? = nil) {
        self.directory = directory
        self.maximumBytes = maximumBytes
        self.remote = remote
        folder = CacheFolder(path: directory, name: "build cache folder", setting: "--build-cache or KILN_CACHE_DIR",
                             fileExtension: ".kbuild")
    }

    /// The default folder: `build` in the cache root (`KILN_CACHE_DIR`, else `$XDG_CACHE_HOME/kiln`,
    /// else `~/.cache/kiln`), beside the JIT cache's `jit`.
    public static func defaultDirectory(environment: [String: String]) throws(KilnError) -> String {
        try CacheConfiguration(environment: environment).root + "/build"
    }

    /// The key of one compile: the toolchain, its invocation and salt, and the source text.
    public static func key(toolchain: any Toolchain, module: SourceModule, target: Target) -> String {
        let parts = [KilnVersion.current, toolchain.identity, toolchain.invocation(for: module, target: target),
                     toolchain.cacheSalt(for: module), module.text]
        return SHA256Digest.hex(of: parts.joined(separator: "\u{0}"))
    }

    /// The text an entry is bound to; the entry's file is named after its SHA-256.
    static func keyText(_ key: String) -> String { "kiln-build-key 1\nkey \(key)" }

    /// What an entry holds besides the image's bytes.
    private struct Metadata: Codable {
        var log: String
        var ptxISAVersion: String?
        var symbols: [String: String]
        var hostString: String?
        var kernelNames: [String]?
    }

    /// Why the folder must not be used, or nil if it is safe.
    public func trustProblem() -> KilnError? { folder.trustProblem() }

    /// The image stored under a key, if there is one, it is intact and bound to the key, and
    /// the folder and entry are safe to use; else the remote cache's, checked the same way.
    /// A damaged or unsafe entry is removed, and the image compiled again.
    public func lookup(_ key: String) -> CompiledImage? {
        guard usable() else { return nil }
        if let payload = take(keyText: Self.keyText(key)), let image = Self.decode(payload) {
            folder.count { $0.localHits += 1 }
            return image
        }
        folder.count { $0.localMisses += 1 }
        guard let remote, let payload = folder.fetch(from: remote, keyText: Self.keyText(key), check: { Self.decode($0) != nil }) else {
            return nil
        }
        return Self.decode(payload)
    }

    /// Stores an image under a key; a failure to write only costs a recompile next time.
    public func store(_ image: CompiledImage, key: String) {
        let metadata = Metadata(log: image.log, ptxISAVersion: image.ptxISAVersion, symbols: image.symbols, hostString: image.hostString,
                                kernelNames: image.kernelNames)
        guard let json = try? JSONEncoder().encode(metadata) else { return }
        var payload: [UInt8] = []
        withUnsafeBytes(of: UInt32(json.count).littleEndian) { payload += $0 }
        put(keyText: Self.keyText(key), payload: payload + Array(json) + image.bytes)
    }

    /// The local entry of a key (``CacheFolder/take(keyText:)``), warning once about one it dropped.
    func take(keyText: String) -> [UInt8]? {
        let taken = folder.take(keyText: keyText)
        if let warning = folder.warning(taken) { warn(warning.kind, warning.message) }
        return taken.payload
    }

    /// Writes an entry, evicting to the bound, and uploads it; a failure to write only warns.
    func put(keyText: String, payload: [UInt8]) {
        guard usable() else { return }
        do {
            try folder.store(keyText: keyText, payload: payload, maximumBytes: maximumBytes)
        } catch {
            warn("unwritable", "cannot write the build cache in '\(directory)' (\(error.message)); images are not cached")
        }
        if let remote { folder.upload(to: remote, keyText: keyText, payload: payload) }
    }

    /// The entries, most recently used first.
    public func entries() -> [CacheFolder.Entry] { folder.entries() }

    /// Waits for the remote uploads in flight, at most `timeout` seconds; true if none is left.
    @discardableResult
    public func finishUploads(timeout: Double) -> Bool {
        remote?.finishUploads(timeout: timeout) ?? true
    }

    /// Hits, misses and bytes, local and remote, counted across processes.
    public func counters() -> CacheCounters { folder.counters() }

    /// Drops damaged entries, leftovers of killed writers and unheld locks, then evicts to the bound.
    public func prune() -> CacheFolder.Pruned {
        folder.prune(maximumBytes: maximumBytes)
    }

    /// Deletes every entry; returns how many.
    @discardableResult
    public func clear() -> Int { folder.clear() }

    /// The entries, their bytes with leftovers, and the leftovers (temporary files of writers).
    public func totals() -> CacheFolder.Totals { folder.totals() }

    private static func decode(_ payload: [UInt8]) -> CompiledImage? {
        guard payload.count >= 4 else { return nil }
        let length = payload[0..<4].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        guard length <= payload.count - 4,
              let metadata = try? JSONDecoder().decode(Metadata.self, from: Data(payload[4..<(4 + length)])) else { return nil }
        return CompiledImage(bytes: Array(payload[(4 + length)...]), log: metadata.log, ptxISAVersion: metadata.ptxISAVersion,
                             symbols: metadata.symbols, hostString: metadata.hostString, kernelNames: metadata.kernelNames)
    }

    func usable() -> Bool {
        guard let problem = folder.trustProblem() else { return true }
        warn("untrusted", "\(problem.message); the build cache is not used, everything is compiled")
        return false
    }

    func warn(_ kind: String, _ message: String) {
        guard warned.first(kind) else { return }
        let bytes = Array("kiln: warning: \(message)\n".utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }
}

/// The kinds of warning already given.
private final class Warned: Sendable {
    private let kinds = Mutex<Set<String>>([])
    func first(_ kind: String) -> Bool { kinds.withLock { $0.insert(kind).inserted } }
}
