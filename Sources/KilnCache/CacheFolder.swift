#if canImport(Glibc)
import Glibc
#endif
import KilnBundle
import KilnCore

/// One folder of cache entries — the JIT cache's `jit`, a read-only layer's `jit`, the build
/// cache's `build` — and the one trust and integrity scheme every cache shares.
///
/// - Trust: the folder (and the folders it is guarded by) must belong to this user or root
///   and be writable by no one else; an entry must be a regular file (opened with
///   `O_NOFOLLOW`, so no symlink leads out of the cache) with the same owner rule.
/// - Integrity: an entry is a `CacheEntryFile` named after the SHA-256 of its key text and
///   holding that text, so a valid entry copied under another key is refused; its payload is
///   checked against its SHA-256; it is written to a temporary file, locked while written,
///   and renamed into place.
/// - Locks: a per-key `flock` on `DIGEST.lock`; a lock file is removed only by a process that
///   holds it, and a waiter that wakes on a removed lock file opens the new one.
public struct CacheFolder: Sendable {
    /// The folder of the entries.
    public let path: String
    /// What the folder is, for messages: `JIT cache`, `build cache`.
    public let name: String
    /// The setting that moves it, for messages: `KILN_CACHE_DIR`.
    public let setting: String
    /// Folders checked with it, outermost first (the cache root), then `path`.
    package let guarded: [String]
    /// The entries' file extension, with the dot: `.kjit`.
    package let fileExtension: String
    /// Whether this process writes to it (a read-only layer is shared: its fix is `chmod go-w`).
    package let writable: Bool

    /// The largest entry a reader accepts: the largest image, plus its header and key.
    package static let maximumEntryBytes: Int64 = Int64(BundleFormat.maximumImageSize) + (1 << 20)

    /// A cache folder.
    ///
    /// - Parameters:
    ///   - path: the folder of the entries.
    ///   - root: a folder above it that must be as safe (the cache root), if any.
    ///   - name: what the folder is, for messages: `JIT cache`, `build cache`.
    ///   - setting: the setting that moves it, for messages: `KILN_CACHE_DIR`.
    ///   - fileExtension: the entries' file extension, with the dot: `.kjit`.
    ///   - writable: whether this process writes to it; false for a read-only layer.
    public init(path: String, root: String? = nil, name: String, setting: String, fileExtension: String, writable: Bool = true) {
        self.path = path
        self.name = name
        self.setting = setting
        self.fileExtension = fileExtension
        self.writable = writable
        guarded = (root.map { [$0] } ?? []) + [path]
    }

    /// Whether a file or folder's owner can be trusted: this user, or root (who could replace it anyway).
    package static func trustedOwner(_ uid: uid_t) -> Bool { uid == geteuid() || uid == 0 }

    /// Why the folder must not be used, or nil if it is safe (or does not exist yet: it is then
    /// created with mode 0700).
    public func trustProblem() -> KilnError? {
        for folder in guarded {
            var link = stat(), info = stat()
            guard lstat(folder, &link) == 0 else { continue }
            if (link.st_mode & S_IFMT) == S_IFLNK, !Self.trustedOwner(link.st_uid) {
                return refusal(folder, owner: link.st_uid)
            }
            guard stat(folder, &info) == 0 else { continue }
            if let problem = problem(folder, info) { return problem }
        }
        return nil
    }

    private func problem(_ item: String, _ info: stat) -> KilnError? {
        if !Self.trustedOwner(info.st_uid) { return refusal(item, owner: info.st_uid) }
        let mode = info.st_mode & 0o777
        guard mode & 0o022 == 0 else {
            let fix = writable ? "chmod 700 \(item)" : "chmod go-w \(item)"
            return KilnError(.cacheRefused,
                "\(name) '\(item)' can be written by other users (mode \(String(mode, radix: 8))) — they could make you run their code; fix it with `\(fix)`, or set \(setting) to a private folder")
        }
        return nil
    }

    private func refusal(_ item: String, owner: uid_t) -> KilnError {
        KilnError(.cacheRefused,
            "\(name) '\(item)' belongs to another user (uid \(owner)) — using it would run code they can replace; fix it with `chown -h \(geteuid()) \(item)` (as root), or set \(setting) to a folder of your own")
    }

    /// The file of a key: `DIGEST.ext`, the digest being the SHA-256 of the key text.
    public func entryPath(_ digest: String) -> String { "\(path)/\(digest)\(fileExtension)" }

    /// What reading an entry found.
    public enum Read {
        case missing
        case entry([UInt8])
        /// Truncated, damaged, too large, or for another key: safe to delete.
        case damaged(String)
        /// Not a regular file, or a file another user owns or can write.
        case untrusted(KilnError)
    }

    /// Reads the entry of a key, checking the file's type, owner and mode, then the key text it
    /// holds (before its payload is read), then the payload's SHA-256.
    public func read(keyText: String) -> Read {
        let file = entryPath(SHA256Digest.hex(of: keyText))
        let fd = open(file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT || errno == ENOTDIR { return .missing }  // no entry, or no cache folder at all
            if errno == ELOOP { return .untrusted(KilnError(.cacheRefused, "\(name) entry '\(file)' is a symbolic link — remove it")) }
            return .damaged("cannot open it: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return .damaged("cannot stat it") }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            return .untrusted(KilnError(.cacheRefused, "\(name) entry '\(file)' is not a regular file — remove it"))
        }
        if let problem = problem(file, info) { return .untrusted(problem) }
        guard Int64(info.st_size) <= Self.maximumEntryBytes else { return .damaged("\(info.st_size) bytes, over the limit") }
        switch CacheEntryFile.read(fd: fd, size: UInt64(info.st_size), expectedKeyText: keyText) {
        case .success(let payload): return .entry(payload)
        case .failure(let reason): return .damaged(reason.text)
        }
    }

    /// What ``take(keyText:)`` found.
    public enum Taken {
        /// An intact entry, bound to the key: its payload. Its time of use is now.
        case hit([UInt8])
        /// No entry.
        case miss
        /// An entry that was damaged (truncated, failing its SHA-256, another key's): removed.
        case dropped(String)
        /// An entry that is not safe to use (not a regular file, another user's): removed.
        case refused(KilnError)

        /// The payload of a hit.
        public var payload: [UInt8]? {
            if case .hit(let payload) = self { return payload }
            return nil
        }
    }

    /// The warning for an entry ``take(keyText:)`` removed — its kind, to give it once, and its
    /// text — or nil.
    ///
    /// - Parameter taken: What ``take(keyText:)`` found.
    public func warning(_ taken: Taken) -> (kind: String, message: String)? {
        switch taken {
        case .dropped(let reason):
            ("damaged", "dropped a damaged entry of the \(name) (\(reason.terminalSafe())); it is compiled again")
        case .refused(let problem):
            ("untrusted-entry", "dropped an entry of the \(name) that is not safe to use: \(problem.message); it is compiled again")
        case .hit, .miss:
            nil
        }
    }

    /// Reads the entry of a key as ``read(keyText:)`` does, and acts on what it finds, the same
    /// for every cache: an intact entry is marked used now (eviction takes the least recently
    /// used first); a damaged or unsafe one is removed, so it is never used and the key is
    /// compiled again. A writer's temporary file is never read: only the renamed entry is.
    ///
    /// - Parameter keyText: The key's text; the entry's file is named after its SHA-256.
    /// - Returns: The payload, or why there is none.
    public func take(keyText: String) -> Taken {
        let file = entryPath(SHA256Digest.hex(of: keyText))
        switch read(keyText: keyText) {
        case .entry(let payload):
            _ = utimes(file, nil)
            return .hit(payload)
        case .missing:
            return .miss
        case .damaged(let reason):
            unlink(file)
            return .dropped("\(file): \(reason)")
        case .untrusted(let problem):
            unlink(file)
            return .refused(problem)
        }
    }

    /// Writes an entry (``write(keyText:payload:)``), then evicts the least recently used
    /// others until the folder fits a bound.
    ///
    /// - Parameters:
    ///   - keyText: The key's text; the entry's file is named after its SHA-256.
    ///   - payload: The bytes to keep.
    ///   - maximumBytes: The folder's bound (`KILN_CACHE_MAX_BYTES`).
    /// - Throws: `KilnError.io` if the folder cannot be created or the file written.
    public func store(keyText: String, payload: [UInt8], maximumBytes: Int64) throws(KilnError) {
        try write(keyText: keyText, payload: payload)
        evict(maximumBytes: maximumBytes, keeping: entryPath(SHA256Digest.hex(of: keyText)))
    }

    /// Writes an entry: a temporary file, locked while it is written so `prune` can tell it
    /// from a killed writer's, flushed, then renamed into place.
    ///
    /// - Throws: `KilnError.io` if the folder cannot be created or the file written.
    public func write(keyText: String, payload: [UInt8]) throws(KilnError) {
        try createFolder()
        let digest = SHA256Digest.hex(of: keyText)
        let temporary = "\(path)/.\(digest).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        let bytes = CacheEntryFile.encode(keyText: keyText, payload: payload)
        let fd = open(temporary, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw KilnError(.io, "cannot create '\(temporary)': \(String(cString: strerror(errno)))") }
        _ = flock(fd, LOCK_EX)
        var failure = writeAll(fd, bytes)
        if failure == 0, fsync(fd) != 0 { failure = errno }
        if failure == 0, rename(temporary, entryPath(digest)) != 0 { failure = errno }
        if failure != 0 { unlink(temporary) }
        close(fd)
        if failure != 0 {
            throw KilnError(.io, "cannot write '\(entryPath(digest))': \(String(cString: strerror(failure)))")
        }
    }

    /// Creates the folder (mode 0700) if it is missing.
    package func createFolder() throws(KilnError) {
        var made = ""
        for component in path.split(separator: "/", omittingEmptySubsequences: false) {
            made += made.isEmpty && component.isEmpty ? "/" : (made.hasSuffix("/") || made.isEmpty ? "" : "/") + component
            guard !component.isEmpty, mkdir(made, 0o700) != 0, errno != EEXIST else { continue }
            throw KilnError(.io, "cannot make the folder '\(made)': \(String(cString: strerror(errno)))")
        }
        var status = stat()
        guard stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else {
            throw KilnError(.io, "cannot make the folder '\(path)': \(String(cString: strerror(status.st_mode == 0 ? errno : ENOTDIR)))")
        }
    }

    /// A held per-key lock; released when the object goes.
    package final class KeyLock {
        private let fd: Int32
        package init(fd: Int32) { self.fd = fd }
        deinit {
            flock(fd, LOCK_UN)
            close(fd)
        }
    }

    /// Takes the lock of a key, waiting for its holder; nil if no lock file can be made.
    ///
    /// A lock file can be removed (by `prune` or `clear`, which hold it while they remove it)
    /// between this process's `open` and its `flock`; the lock is then on a file no one else
    /// will open, so after locking it checks that the path still names the file it holds,
    /// and starts again if not.
    /// - Parameter betweenOpenAndLock: for tests, run after the open and before the `flock`.
    package func lock(digest: String, betweenOpenAndLock: () -> Void = {}) -> KeyLock? {
        try? createFolder()
        let file = "\(path)/\(digest).lock"
        for _ in 0..<1000 {
            let fd = open(file, O_CREAT | O_RDWR | O_NOFOLLOW | O_CLOEXEC, 0o600)
            guard fd >= 0 else { return nil }
            betweenOpenAndLock()
            while flock(fd, LOCK_EX) != 0 && errno == EINTR {}
            var held = stat(), named = stat()
            if fstat(fd, &held) == 0, stat(file, &named) == 0, held.st_dev == named.st_dev, held.st_ino == named.st_ino {
                return KeyLock(fd: fd)
            }
            close(fd)
        }
        return nil
    }

    /// One file of the folder.
    package struct Item {
        package var name: String
        package var path: String
        package var bytes: Int64
        package var lastUsed: Double
    }

    /// The folder's entries, and its other files: temporary files (of live or killed writers)
    /// and anything else that is neither an entry nor a lock.
    package func list() -> (entries: [Item], leftovers: [Item]) {
        guard let names = directoryEntries(path) else { return ([], []) }
        var entries: [Item] = [], leftovers: [Item] = []
        for name in names where !name.hasSuffix(".lock") && name != CacheCounters.fileName {
            let file = path + "/" + name
            var info = stat()
            guard lstat(file, &info) == 0 else { continue }
            let item = Item(name: name, path: file, bytes: Int64(info.st_size),
                            lastUsed: Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9)
            if name.hasSuffix(fileExtension), !name.hasPrefix("."), (info.st_mode & S_IFMT) == S_IFREG {
                entries.append(item)
            } else {
                leftovers.append(item)
            }
        }
        return (entries, leftovers)
    }

    /// Removes a file if no live process holds an `flock` on it (a lock no one holds, a
    /// temporary file whose writer died), holding the lock while it removes it.
    /// - Returns: whether it was removed.
    @discardableResult
    package func removeIfUnheld(_ file: String) -> Bool {
        let fd = open(file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            // A symlink or special file that is not ours to lock: nothing holds it.
            return errno == ELOOP && unlink(file) == 0
        }
        defer { close(fd) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { return false }
        var held = stat(), named = stat()
        guard fstat(fd, &held) == 0, lstat(file, &named) == 0, held.st_ino == named.st_ino, held.st_dev == named.st_dev else { return false }
        if (held.st_mode & S_IFMT) == S_IFDIR { return false }
        return unlink(file) == 0
    }

    /// Removes every leftover and lock file that no live process holds.
    /// - Returns: how many files it removed.
    @discardableResult
    public func removeLeftovers() -> Int {
        var removed = list().leftovers.filter { removeIfUnheld($0.path) }.count
        let locks = directoryEntries(path)?.filter { $0.hasSuffix(".lock") } ?? []
        removed += locks.filter { removeIfUnheld(path + "/" + $0) }.count
        return removed
    }

    /// Deletes leftovers of killed writers, then the least recently used entries, until the
    /// folder (entries and leftovers together) fits `maximumBytes`.
    /// - Returns: how many entries it evicted.
    @discardableResult
    public func evict(maximumBytes: Int64, keeping newest: String = "") -> Int {
        var (entries, leftovers) = list()
        var total = (entries + leftovers).reduce(Int64(0)) { $0 + $1.bytes }
        guard total > maximumBytes else { return 0 }
        for leftover in leftovers where total > maximumBytes && removeIfUnheld(leftover.path) {
            total -= leftover.bytes
        }
        var evicted = 0
        entries.sort { $0.lastUsed < $1.lastUsed }
        for entry in entries where total > maximumBytes && entry.path != newest {
            if unlink(entry.path) == 0 {
                total -= entry.bytes
                evicted += 1
            }
        }
        return evicted
    }

    /// Whether an entry file is whole and bound to the key its name says (its key text hashes
    /// to its name), without reading a payload that fails that.
    package func isIntact(_ item: Item) -> Bool {
        let fd = open(item.path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, problem(item.path, info) == nil,
              Int64(info.st_size) <= Self.maximumEntryBytes else { return false }
        let digest = String(item.name.dropLast(fileExtension.count))
        guard let text = CacheEntryFile.keyText(fd: fd, size: UInt64(info.st_size)),
              SHA256Digest.hex(of: text) == digest else { return false }
        if case .success = CacheEntryFile.read(fd: fd, size: UInt64(info.st_size), expectedKeyText: text) { return true }
        return false
    }

    /// The key text an entry holds, or nil if it cannot be read.
    package func keyText(_ item: Item) -> String? {
        let fd = open(item.path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return CacheEntryFile.keyText(fd: fd, size: UInt64(info.st_size))
    }

    /// What `prune` did to a folder.
    public struct Pruned: Sendable, Encodable {
        /// Entries removed as damaged, or not bound to the key their name says.
        public var damaged: Int
        /// Leftovers of killed writers and locks no one held.
        public var leftovers: Int
        /// Entries evicted to fit the bound.
        public var evicted: Int
    }

    /// A folder's totals.
    public struct Totals: Sendable, Encodable {
        /// The folder.
        public var directory: String
        /// Its entries.
        public var entries: Int
        /// Entries and leftovers together: what counts against the bound.
        public var bytes: Int64
        /// Temporary files of writers, live or killed, and other files that are not entries.
        public var leftovers: Int
        /// Their bytes.
        public var leftoverBytes: Int64
    }

    /// Drops entries that are damaged or not bound to the key their name says, leftovers and
    /// locks no live process holds, then evicts to a bound.
    public func prune(maximumBytes: Int64) -> Pruned {
        var damaged = 0
        for entry in list().entries where !isIntact(entry) {
            if unlink(entry.path) == 0 { damaged += 1 }
        }
        let leftovers = removeLeftovers()
        return Pruned(damaged: damaged, leftovers: leftovers, evicted: evict(maximumBytes: maximumBytes))
    }

    /// Deletes every entry, and every leftover and lock no live process holds.
    /// - Returns: how many entries.
    @discardableResult
    public func clear() -> Int {
        let entries = list().entries
        for entry in entries { unlink(entry.path) }
        removeLeftovers()
        return entries.count
    }

    /// What the folder's users found, counted across processes (``CacheCounters``).
    public func counters() -> CacheCounters { CacheCounters.read(folder: path) }

    /// Adds to the folder's counters, if it is safe to write; best effort.
    package func count(_ update: (inout CacheCounters) -> Void) {
        guard writable, trustProblem() == nil, (try? createFolder()) != nil else { return }
        var delta = CacheCounters()
        update(&delta)
        CacheCounters.add(delta, folder: path)
    }

    /// The folder's totals; `bytes` counts entries and leftovers, as the bound does.
    public func totals() -> Totals {
        let (entries, leftovers) = list()
        let leftoverBytes = leftovers.reduce(Int64(0)) { $0 + $1.bytes }
        return Totals(directory: path, entries: entries.count, bytes: entries.reduce(Int64(0)) { $0 + $1.bytes } + leftoverBytes,
                      leftovers: leftovers.count, leftoverBytes: leftoverBytes)
    }
}
