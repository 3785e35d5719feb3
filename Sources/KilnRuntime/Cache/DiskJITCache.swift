#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import KilnCore
import Logging
import Synchronization

/// The JIT cache on disk, shared by every process of a user: entries keyed by ``JITCacheKey``
/// (never a path), written to a temporary file and renamed into place, checked against their
/// SHA-256 before use, locked per key so N processes compile once, bounded in size with the
/// least recently used out first, and refused in a folder that other users can write to.
///
/// A cache that cannot be written (a full disk, a read-only folder) still lets every JIT
/// work, uncached, with one warning.
public final class DiskJITCache: JITCache {
    /// The configuration it was opened with.
    public let configuration: CacheConfiguration
    /// The folder of the local layer's entries: `ROOT/jit`.
    public let directory: String

    private let warned = Mutex<Set<String>>([])
    private let logger = Logger(label: "kiln.cache")

    /// Opens the cache; the folder is created (mode 0700) on first write.
    ///
    /// - Throws: `KilnError.cacheRefused` if the folder, or its `jit` folder, exists and other
    ///   users can write to it or another user owns it, saying how to fix the permissions.
    public init(configuration: CacheConfiguration) throws {
        self.configuration = configuration
        directory = configuration.root + "/jit"
        for folder in [configuration.root, directory] {
            try Self.checkOwnership(folder)
        }
    }

    /// Opens the cache the environment names (`KILN_CACHE_DIR`, `KILN_CACHE_READONLY`, `KILN_CACHE_MAX_BYTES`).
    public convenience init(environment: [String: String]) throws {
        try self.init(configuration: CacheConfiguration(environment: environment))
    }

    /// The cache this process's environment names.
    public static func fromEnvironment() throws -> DiskJITCache {
        try DiskJITCache(environment: ProcessInfo.processInfo.environment)
    }

    static func checkOwnership(_ folder: String) throws {
        var info = stat()
        guard stat(folder, &info) == 0 else { return }  // created later, with 0700
        let mode = info.st_mode & 0o777
        if info.st_uid != geteuid() {
            throw KilnError(.cacheRefused,
                "JIT cache folder '\(folder)' belongs to another user (uid \(info.st_uid)) — using it would run code they can replace; set KILN_CACHE_DIR to a folder of your own")
        }
        if mode & 0o022 != 0 {
            throw KilnError(.cacheRefused,
                "JIT cache folder '\(folder)' can be written by other users (mode \(String(mode, radix: 8))) — they could make you run their code; fix it with `chmod 700 \(folder)`, or set KILN_CACHE_DIR to a private folder")
        }
    }

    func path(_ key: JITCacheKey, in folder: String) -> String { "\(folder)/\(key.digest).kjit" }

    public func lookup(key: JITCacheKey) -> [UInt8]? {
        let local = path(key, in: directory)
        if let bytes = Self.read(local) {
            if let entry = CacheEntryFile.decode(bytes, expectedKey: key) {
                _ = utimes(local, nil)  // least recently used goes first
                return entry.payload
            }
            unlink(local)
            warn("damaged", "dropped a damaged JIT cache entry (\(local)); it is compiled again")
        }
        if let readOnly = configuration.readOnlyRoot,
           let bytes = Self.read(path(key, in: readOnly + "/jit")),
           let entry = CacheEntryFile.decode(bytes, expectedKey: key) {
            return entry.payload
        }
        return nil
    }

    public func store(key: JITCacheKey, bytes: [UInt8]) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            try Self.writeAtomically(CacheEntryFile.encode(key: key, payload: bytes), to: path(key, in: directory),
                                     temporary: "\(directory)/.\(key.digest).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp")
            evict(keeping: path(key, in: directory))
        } catch {
            warn("unwritable", "cannot write the JIT cache in '\(directory)' (\(error)); JIT results are not cached — free disk space or set KILN_CACHE_DIR to a writable folder")
        }
    }

    public func remove(key: JITCacheKey) {
        unlink(path(key, in: directory))
    }

    /// Looks up, else takes the key's lock (an `flock` on `DIGEST.lock`), looks again — another
    /// process may have compiled it meanwhile — and only then compiles and stores.
    public func compileOnce(key: JITCacheKey, compile: () throws -> [UInt8]) throws -> (bytes: [UInt8], cached: Bool) {
        if let bytes = lookup(key: key) { return (bytes, true) }
        _ = try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        let fd = open(directory + "/\(key.digest).lock", O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        if fd >= 0 {
            while flock(fd, LOCK_EX) != 0 && errno == EINTR {}
        }
        defer {
            if fd >= 0 {
                flock(fd, LOCK_UN)
                close(fd)
            }
        }
        if fd >= 0, let bytes = lookup(key: key) { return (bytes, true) }
        let bytes = try compile()
        store(key: key, bytes: bytes)
        return (bytes, false)
    }

    /// Deletes the least recently used entries until the local layer fits its bound.
    func evict(keeping newest: String) {
        var entries = listEntries()
        var total = entries.reduce(Int64(0)) { $0 + $1.bytes }
        guard total > configuration.maximumBytes else { return }
        entries.sort { $0.lastUsed < $1.lastUsed }
        for entry in entries where total > configuration.maximumBytes && entry.path != newest {
            if unlink(entry.path) == 0 { total -= entry.bytes }
        }
    }

    /// One entry of the local layer.
    public struct Entry: Sendable, Encodable {
        /// The key's digest: the entry's file name.
        public var digest: String
        /// The file.
        public var path: String
        /// Its size on disk.
        public var bytes: Int64
        /// When it was last used (seconds since 1970).
        public var lastUsed: Double
        /// The key, as its canonical text lines: target, device, compiler, options; nil if unreadable.
        public var key: String?
    }

    /// The entries of the local layer, newest use first.
    public func entries() -> [Entry] {
        listEntries().map { entry in
            var entry = entry
            entry.key = Self.read(entry.path).flatMap { CacheEntryFile.decode($0)?.keyText }
            return entry
        }.sorted { $0.lastUsed > $1.lastUsed }
    }

    func listEntries() -> [Entry] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return names.filter { $0.hasSuffix(".kjit") }.compactMap { name in
            let file = directory + "/" + name
            var info = stat()
            guard stat(file, &info) == 0 else { return nil }
            return Entry(digest: String(name.dropLast(5)), path: file, bytes: Int64(info.st_size),
                         lastUsed: Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9, key: nil)
        }
    }

    /// Totals for `kiln cache stats`.
    public struct Stats: Sendable, Encodable {
        public var directory: String
        public var readOnlyDirectory: String?
        public var entries: Int
        public var bytes: Int64
        public var maximumBytes: Int64
    }

    /// The local layer's totals.
    public func stats() -> Stats {
        let entries = listEntries()
        return Stats(directory: directory, readOnlyDirectory: configuration.readOnlyRoot.map { $0 + "/jit" },
                     entries: entries.count, bytes: entries.reduce(0) { $0 + $1.bytes },
                     maximumBytes: configuration.maximumBytes)
    }

    /// Deletes every entry of the local layer; returns how many.
    @discardableResult
    public func clear() -> Int {
        let entries = listEntries()
        for entry in entries { unlink(entry.path) }
        removeLeftovers(olderThan: 0)
        return entries.count
    }

    /// What `prune` did.
    public struct PruneResult: Sendable, Encodable {
        public var damaged: Int
        public var leftovers: Int
        public var evicted: Int
    }

    /// Drops damaged entries and files left by killed writers, then evicts to the bound.
    public func prune() -> PruneResult {
        var damaged = 0
        for entry in listEntries() where Self.read(entry.path).flatMap({ CacheEntryFile.decode($0) }) == nil {
            if unlink(entry.path) == 0 { damaged += 1 }
        }
        let leftovers = removeLeftovers(olderThan: 600)
        let before = listEntries().count
        evict(keeping: "")
        return PruneResult(damaged: damaged, leftovers: leftovers, evicted: before - listEntries().count)
    }

    /// Removes files that are neither entries nor locks (a writer's temporary file whose
    /// process died), older than some seconds, and locks no one holds.
    @discardableResult
    func removeLeftovers(olderThan seconds: Double) -> Int {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return 0 }
        var removed = 0
        let now = Double(time(nil))
        for name in names where !name.hasSuffix(".kjit") {
            let file = directory + "/" + name
            var info = stat()
            guard stat(file, &info) == 0, now - Double(info.st_mtim.tv_sec) >= seconds else { continue }
            if name.hasSuffix(".lock") {
                let fd = open(file, O_RDWR | O_CLOEXEC)
                guard fd >= 0 else { continue }
                defer { close(fd) }
                guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { continue }
            }
            if unlink(file) == 0 { removed += 1 }
        }
        return removed
    }

    private func warn(_ kind: String, _ message: String) {
        let first = warned.withLock { $0.insert(kind).inserted }
        guard first else { return }
        logger.warning("\(message)")
        StandardError.write("kiln: warning: \(message)\n")
    }

    /// Writes bytes to a temporary file, flushes them, and renames the file into place, so a
    /// reader sees the whole entry or none; a writer killed midway leaves only the temporary file.
    static func writeAtomically(_ bytes: [UInt8], to path: String, temporary: String) throws {
        let fd = open(temporary, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw KilnError(.io, "cannot create '\(temporary)': \(String(cString: strerror(errno)))") }
        var failure: Int32 = 0
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = write(fd, raw.baseAddress! + offset, min(1 << 20, raw.count - offset))
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                offset += written
            }
        }
        if failure == 0, fsync(fd) != 0 { failure = errno }
        close(fd)
        if failure == 0, rename(temporary, path) != 0 { failure = errno }
        if failure != 0 {
            unlink(temporary)
            throw KilnError(.io, "cannot write '\(path)': \(String(cString: strerror(failure)))")
        }
    }

    static func read(_ path: String) -> [UInt8]? {
        (try? Data(contentsOf: URL(fileURLWithPath: path))).map(Array.init)
    }
}
