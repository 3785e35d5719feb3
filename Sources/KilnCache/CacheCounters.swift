#if canImport(Glibc)
import Glibc
#endif

/// What a cache folder's users found, counted across processes in the folder's
/// `counters.kstat` file: local hits and misses, and the remote cache's hits, misses, rejected
/// entries, errors and bytes. `kiln cache stats` shows them.
///
/// The file is read, added to and rewritten under an `flock`, so processes that count at once
/// lose nothing. Counting is best effort: a folder that cannot be written counts nothing.
public struct CacheCounters: Sendable, Equatable, Encodable {
    /// Lookups the local folder answered.
    public var localHits: Int64 = 0
    /// Lookups it did not.
    public var localMisses: Int64 = 0
    /// Entries fetched from the remote cache, checked and used.
    public var remoteHits: Int64 = 0
    /// Keys the remote cache did not hold.
    public var remoteMisses: Int64 = 0
    /// Remote entries that failed a check (truncated, swapped, tampered) and were not used.
    public var remoteRejected: Int64 = 0
    /// Bytes fetched from the remote cache for hits.
    public var remoteBytesDownloaded: Int64 = 0
    /// Entries uploaded to the remote cache.
    public var remoteUploads: Int64 = 0
    /// Bytes uploaded.
    public var remoteBytesUploaded: Int64 = 0

    /// The counters, all zero.
    public init() {}

    /// The file name in a cache folder.
    package static let fileName = "counters.kstat"

    private static var fields: [(String, WritableKeyPath<CacheCounters, Int64>)] { [
        ("local-hits", \.localHits), ("local-misses", \.localMisses), ("remote-hits", \.remoteHits),
        ("remote-misses", \.remoteMisses), ("remote-rejected", \.remoteRejected),
        ("remote-bytes-downloaded", \.remoteBytesDownloaded), ("remote-uploads", \.remoteUploads),
        ("remote-bytes-uploaded", \.remoteBytesUploaded),
    ] }

    /// The counters as the file's text: one `name value` line each.
    package var text: String { Self.fields.map { "\($0.0) \(self[keyPath: $0.1])\n" }.joined() }

    /// Parses the file's text; unknown or malformed lines are skipped.
    package init(text: String) {
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard parts.count == 2, let value = Int64(parts[1]), value >= 0,
                  let field = Self.fields.first(where: { $0.0 == parts[0] }) else { continue }
            self[keyPath: field.1] = value
        }
    }

    /// The sum of two sets of counters (saturating).
    package static func + (a: CacheCounters, b: CacheCounters) -> CacheCounters {
        var sum = a
        for (_, path) in fields {
            let (value, overflow) = a[keyPath: path].addingReportingOverflow(b[keyPath: path])
            sum[keyPath: path] = overflow ? .max : value
        }
        return sum
    }

    /// The counters of a folder; zero if it has none.
    package static func read(folder: String) -> CacheCounters {
        let fd = open("\(folder)/\(fileName)", O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return CacheCounters() }
        defer { close(fd) }
        _ = flock(fd, LOCK_SH)
        return CacheCounters(text: readAll(fd))
    }

    /// Adds to a folder's counters (which the caller has checked is safe to write).
    package static func add(_ delta: CacheCounters, folder: String) {
        let fd = open("\(folder)/\(fileName)", O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, flock(fd, LOCK_EX) == 0 else { return }
        let text = Array((CacheCounters(text: readAll(fd)) + delta).text.utf8)
        guard ftruncate(fd, 0) == 0 else { return }
        _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }

    private static func readAll(_ fd: Int32) -> String {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1024)
        var offset: off_t = 0
        while bytes.count < 16 << 10 {
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, offset) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            bytes += buffer[0..<n]
            offset += off_t(n)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
