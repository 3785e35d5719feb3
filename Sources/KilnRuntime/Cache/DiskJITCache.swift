#if canImport(Glibc)
import Glibc
#endif
import KilnCore
import Logging
import Synchronization
import KilnCache

/// The JIT cache on disk, shared by every process of a user: entries keyed by ``JITCacheKey``
/// (never a path), written to a temporary file and renamed into place, checked against their
/// SHA-256 and their key before use, locked per key so N processes compile once, bounded in
/// size with the least recently used out first. `CacheFolder` (KilnCache) holds the scheme, which the
/// build cache shares.
///
/// Both layers — the local one and the read-only one (`KILN_CACHE_READONLY`) — are refused,
/// folder or entry, when another user owns them or can write to them. The check is made when
/// the cache is used, not when it is opened: a bundle that needs no JIT runs with one warning,
/// and only a module that must JIT fails, with the `chmod`/`chown` that fixes it.
///
/// A cache that cannot be written (a full disk, a read-only folder) still lets every JIT
/// work, uncached, with one warning.
///
/// With a remote cache (`KILN_REMOTE_CACHE`), a key the local layers miss is fetched from it —
/// checked, then kept locally — before anything is compiled, and a fresh compile is uploaded in
/// the background: N processes on N machines compile each key once between them.
public final class DiskJITCache: JITCache {
    /// The configuration it was opened with.
    public let configuration: CacheConfiguration
    /// The folder of the local layer's entries: `ROOT/jit`.
    public let directory: String
    /// The local layer.
    let local: CacheFolder
    /// The read-only layer, if one is configured.
    let readOnly: CacheFolder?
    /// The remote cache, if one is configured.
    public let remote: RemoteCache?

    private let warned = Mutex<Set<String>>([])
    private let logger = Logger(label: "kiln.cache")

    /// Opens the cache; the folder is created (mode 0700) on first write.
    ///
    /// An unsafe folder is not an error here — it warns once, and is an error for a module that
    /// must JIT (``compileOnce(key:compile:)``) or for ``requireTrusted()``.
    /// - Parameters:
    ///   - configuration: The folder and size bound.
    ///   - remote: A shared cache to read through to, and upload to.
    public init(configuration: CacheConfiguration, remote: RemoteCache? = nil) throws(KilnError) {
        self.configuration = configuration
        self.remote = remote
        directory = configuration.root + "/jit"
        local = CacheFolder(path: directory, root: configuration.root, name: "JIT cache folder",
                            setting: "KILN_CACHE_DIR", fileExtension: ".kjit")
        readOnly = configuration.readOnlyRoot.map {
            CacheFolder(path: $0 + "/jit", root: $0, name: "read-only JIT cache folder",
                        setting: "KILN_CACHE_READONLY", fileExtension: ".kjit", writable: false)
        }
        if let problem = trustProblem() {
            warn("untrusted", "\(problem.message); precompiled images still load, but a module that needs a JIT fails until it is fixed")
        }
    }

    /// Lets the remote uploads in flight finish when the cache goes (with its ``BundleSession``),
    /// so a program's JIT results reach the store without a line of its own; bounded by
    /// `KILN_REMOTE_CACHE_TIMEOUT`, and immediate once a dead store was given up on.
    deinit {
        if let remote { remote.finishUploads(timeout: Double(remote.configuration.totalTimeout)) }
    }

    /// Opens the cache the environment names (`KILN_CACHE_DIR`, `KILN_CACHE_READONLY`,
    /// `KILN_CACHE_MAX_BYTES`), with the remote cache of `KILN_REMOTE_CACHE` if it is set.
    ///
    /// - Parameter environment: The variables to read, as `ProcessEnvironment.current` gives them.
    /// - Throws: `KilnError.invalidArgument` for a malformed setting or an unsafe token file.
    public convenience init(environment: [String: String]) throws(KilnError) {
        try self.init(configuration: CacheConfiguration(environment: environment), remote: RemoteCache.fromEnvironment(environment))
    }

    /// The cache this process's environment names.
    ///
    /// - Throws: As ``init(environment:)``.
    public static func fromEnvironment() throws(KilnError) -> DiskJITCache {
        try DiskJITCache(environment: ProcessEnvironment.current)
    }

    /// Why a layer of the cache must not be used, or nil if both are safe.
    public func trustProblem() -> KilnError? {
        local.trustProblem() ?? readOnly?.trustProblem()
    }

    /// Throws unless both layers are safe to use.
    ///
    /// - Throws: `KilnError.cacheRefused`, saying how to fix the folder.
    public func requireTrusted() throws(KilnError) {
        if let problem = trustProblem() { throw problem }
    }

    func path(_ key: JITCacheKey, in folder: String) -> String { "\(folder)/\(key.digest).kjit" }

    public func lookup(key: JITCacheKey) -> [UInt8]? {
        if local.trustProblem() == nil {
            let taken = local.take(keyText: key.canonicalText)
            if let warning = local.warning(taken) { warn(warning.kind, warning.message) }
            if let payload = taken.payload { return payload }
        }
        if let readOnly {
            if let problem = readOnly.trustProblem() {
                warn("untrusted", "\(problem.message); the read-only layer is not used")
                return nil
            }
            switch readOnly.read(keyText: key.canonicalText) {
            case .entry(let payload): return payload
            case .untrusted(let problem): warn("untrusted-readonly", "\(problem.message); it is not used")
            case .damaged, .missing: break
            }
        }
        return nil
    }

    /// Stores bytes under a key locally, and uploads them to the remote cache in the background.
    public func store(key: JITCacheKey, bytes: [UInt8]) {
        guard local.trustProblem() == nil else { return }
        storeLocally(key: key, bytes: bytes)
        if let remote { local.upload(to: remote, keyText: key.canonicalText, payload: bytes) }
    }

    private func storeLocally(key: JITCacheKey, bytes: [UInt8]) {
        do {
            try local.store(keyText: key.canonicalText, payload: bytes, maximumBytes: configuration.maximumBytes)
        } catch {
            warn("unwritable", "cannot write the JIT cache in '\(directory)' (\(error.message)); JIT results are not cached — free disk space or set KILN_CACHE_DIR to a writable folder")
        }
    }

    public func remove(key: JITCacheKey) {
        unlink(path(key, in: directory))
    }

    /// Looks up, else takes the key's lock (an `flock` on `DIGEST.lock`), looks again — another
    /// process may have compiled it meanwhile — then asks the remote cache, and only then
    /// compiles, stores and uploads.
    ///
    /// - Parameters:
    ///   - key: What the bytes are compiled from, for and by.
    ///   - compile: Makes the bytes when no layer (nor the remote cache) has them.
    /// - Returns: The bytes, and whether they came from a cache.
    /// - Throws: `KilnError.cacheRefused` if a layer is unsafe to use (the module must JIT, and
    ///   its result would be read from, or left in, a folder others control); what `compile` throws.
    public func compileOnce(key: JITCacheKey,
                            compile: () throws(KilnError) -> [UInt8]) throws(KilnError) -> (bytes: [UInt8], cached: Bool) {
        try requireTrusted()
        if let bytes = lookup(key: key) {
            local.count { $0.localHits += 1 }
            return (bytes, true)
        }
        let lock = local.lock(digest: key.digest)
        defer { withExtendedLifetime(lock) {} }
        if lock != nil, let bytes = lookup(key: key) {
            local.count { $0.localHits += 1 }
            return (bytes, true)
        }
        local.count { $0.localMisses += 1 }
        if let remote {
            if let bytes = local.fetch(from: remote, keyText: key.canonicalText) ?? claimOrWait(remote, key) {
                _ = utimes(path(key, in: directory), nil)
                return (bytes, true)
            }
        }
        let bytes: [UInt8]
        do { bytes = try compile() } catch {
            remote?.release(keyText: key.canonicalText)
            throw error
        }
        store(key: key, bytes: bytes)  // its upload releases the claim
        return (bytes, false)
    }

    /// Claims a key in the remote cache before this process compiles it; when another process
    /// (on any machine) holds the claim, waits for its entry instead. Nil: compile here.
    private func claimOrWait(_ remote: RemoteCache, _ key: JITCacheKey) -> [UInt8]? {
        let text = key.canonicalText
        switch remote.claim(keyText: text) {
        case .elsewhere:
            return remote.waitForEntry(keyText: text) { local.fetch(from: remote, keyText: text) }
        case .mine:
            // Another process may have compiled, uploaded and released between the first look
            // and this claim: look once more before compiling.
            guard remote.hasEntry(keyText: text), let bytes = local.fetch(from: remote, keyText: text) else { return nil }
            remote.release(keyText: text)
            return bytes
        case .notClaimed:
            return nil
        }
    }

    /// One entry of the local layer.
    public typealias Entry = CacheFolder.Entry

    /// The entries of the local layer, newest use first.
    public func entries() -> [Entry] { local.entries() }

    /// Waits for the remote uploads in flight, at most `timeout` seconds; true if none is left.
    @discardableResult
    public func finishUploads(timeout: Double) -> Bool {
        remote?.finishUploads(timeout: timeout) ?? true
    }

    /// Totals for `kiln cache stats`.
    public struct Stats: Sendable, Encodable {
        public var directory: String
        public var readOnlyDirectory: String?
        public var entries: Int
        /// Entries and leftovers together: what counts against the bound.
        public var bytes: Int64
        public var maximumBytes: Int64
        /// Temporary files of writers, live or killed, and other files that are not entries.
        public var leftovers: Int
        public var leftoverBytes: Int64
        /// The remote cache's base URL, if one is configured.
        public var remote: String?
        /// Hits, misses and bytes, local and remote, counted across processes.
        public var counters: CacheCounters
    }

    /// The local layer's totals.
    public func stats() -> Stats {
        let totals = local.totals()
        return Stats(directory: directory, readOnlyDirectory: readOnly?.path, entries: totals.entries, bytes: totals.bytes,
                     maximumBytes: configuration.maximumBytes, leftovers: totals.leftovers, leftoverBytes: totals.leftoverBytes,
                     remote: remote?.configuration.url, counters: local.counters())
    }

    /// Deletes every entry of the local layer, and every leftover and lock file no live process
    /// holds; returns how many entries.
    @discardableResult
    public func clear() -> Int {
        local.clear()
    }

    /// What `prune` did.
    public typealias PruneResult = CacheFolder.Pruned

    /// Drops damaged entries (and entries not bound to the key their name says), files left by
    /// killed writers and locks no one holds, then evicts to the bound.
    public func prune() -> PruneResult {
        local.prune(maximumBytes: configuration.maximumBytes)
    }

    /// Removes leftover files and lock files that no live process holds.
    @discardableResult
    func removeLeftovers() -> Int {
        local.removeLeftovers()
    }

    private func warn(_ kind: String, _ message: String) {
        let first = warned.withLock { $0.insert(kind).inserted }
        guard first else { return }
        logger.warning("\(message)")
    }
}
