import Dispatch
import KilnBundle
import KilnCore
import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A shared cache on an HTTP store, read through by the JIT cache and the build cache after
/// their local folder and before a compile, in the Bazel HTTP-cache layout:
///
/// - `BASE/cas/DIGEST`: an entry's bytes, DIGEST being their SHA-256;
/// - `BASE/ac/KEY`: a record (`RemoteEntryRecord`) naming KEY and the DIGEST and size of its bytes,
///   KEY being the SHA-256 of the entry's key text (the same digest the local file is named by).
///
/// Nothing it fetches is used unless the record names the key it was fetched under, the body has
/// the record's size and its SHA-256 equals its address; the caller then checks the bytes as it
/// checks a local entry's. Anything else is dropped (counted as rejected) and compiled again,
/// and the fresh result is uploaded over it.
///
/// A process that misses claims the key (`BASE/claims/KEY/`, made with WebDAV MKCOL, which a store
/// makes once) before it compiles, and drops the claim once its upload is done; a process that
/// finds the key claimed waits for the entry instead of compiling it too, so a fleet that starts
/// together compiles each key once. A store without MKCOL gives no claims: each machine compiles.
///
/// Uploads run in the background and never fail a run: a short-lived process (`kiln build`)
/// waits for them with ``finishUploads(timeout:)``. A dead, hanging or erroring store costs one
/// timeout, then the process compiles locally, with one warning (`HTTPStore`).
public final class RemoteCache: Sendable {
    /// How it was configured.
    public let configuration: RemoteCacheConfiguration
    package let store: HTTPStore
    private let uploads = UploadQueue(width: 4)
    /// Bodies found damaged at their address, which an upload replaces rather than skips.
    private let damaged = Mutex<Set<String>>([])
    /// Keys whose entry this process found damaged (and compiles again).
    private let rejectedKeys = Mutex<Set<String>>([])
    /// Keys this process has claimed and not yet released.
    private let claimed = Mutex<Set<String>>([])

    /// Opens the remote cache of a configuration.
    ///
    /// - Throws: `KilnError.invalidArgument` for an unsafe or malformed token file.
    public init(configuration: RemoteCacheConfiguration) throws(KilnError) {
        self.configuration = configuration
        store = try HTTPStore.shared(configuration, maximumBody: Int(CacheFolder.maximumEntryBytes))
    }

    /// Opens the remote cache the environment names (`KILN_REMOTE_CACHE` and companions), or nil.
    ///
    /// - Parameters:
    ///   - environment: The process's environment.
    ///   - url: The store when `KILN_REMOTE_CACHE` is unset (`kiln.json`'s `remoteCache`).
    /// - Throws: `KilnError.invalidArgument` for a malformed setting or an unsafe token file.
    public static func fromEnvironment(_ environment: [String: String], url: String? = nil) throws(KilnError) -> RemoteCache? {
        try RemoteCacheConfiguration(environment: environment, url: url).map { (configuration) throws(KilnError) in try RemoteCache(configuration: configuration) }
    }

    /// What a fetch found.
    public enum Fetched {
        /// Bytes that passed every check, and how many bytes were transferred.
        case hit([UInt8], transferred: Int)
        case miss
        /// An entry that failed a check (truncated, swapped, tampered): not used.
        case rejected(String)
        /// The store is not used (it failed, or failed earlier in this process).
        case unavailable
    }

    /// Fetches and checks the entry of a key text.
    public func fetch(keyText: String) -> Fetched {
        let key = SHA256Digest.hex(of: keyText)
        let recordBytes: [UInt8]
        switch store.get("ac/\(key)") {
        case .body(let bytes): recordBytes = bytes
        case .missing: return .miss
        case .unavailable: return .unavailable
        }
        guard let record = RemoteEntryRecord(bytes: recordBytes, expectedKey: key, maximumSize: store.maximumBody) else {
            rejectedKeys.withLock { _ = $0.insert(key) }
            return .rejected("the record at ac/\(key) is malformed or names another key")
        }
        switch store.get("cas/\(record.cas)") {
        case .body(let body):
            guard body.count == record.size, SHA256Digest.hex(of: body) == record.cas else {
                damaged.withLock { _ = $0.insert(record.cas) }
                rejectedKeys.withLock { _ = $0.insert(key) }
                return .rejected("the body at cas/\(record.cas) is \(body.count) bytes and does not match its SHA-256 (the record says \(record.size))")
            }
            return .hit(body, transferred: recordBytes.count + body.count)
        case .missing: return .miss
        case .unavailable: return .unavailable
        }
    }

    /// What claiming a key found.
    public enum Claim {
        /// This process holds the claim: it compiles, and its upload releases the claim.
        case mine
        /// Another process holds it and is compiling: wait for its entry (``waitForEntry(keyText:poll:)``).
        case elsewhere
        /// No claim (read-only, a store without MKCOL, a store not used): compile.
        case notClaimed
    }

    /// Claims a key before compiling it.
    public func claim(keyText: String) -> Claim {
        guard !configuration.readOnly, store.unavailableReason == nil else { return .notClaimed }
        let key = SHA256Digest.hex(of: keyText)
        switch store.makeCollection("claims/\(key)") {
        case .made:
            claimed.withLock { _ = $0.insert(key) }
            return .mine
        case .exists: return .elsewhere
        case .unsupported: return .notClaimed
        }
    }

    /// Releases a claim this process holds (after its upload, or when its compile failed).
    public func release(keyText: String) {
        release(key: SHA256Digest.hex(of: keyText))
    }

    private func release(key: String) {
        guard claimed.withLock({ $0.remove(key) != nil }) else { return }
        store.delete("claims/\(key)/")
    }

    /// Whether the store holds a record for a key that this process has not found damaged (not
    /// yet checked: ``fetch(keyText:)`` checks).
    public func hasEntry(keyText: String) -> Bool {
        let key = SHA256Digest.hex(of: keyText)
        return !rejectedKeys.withLock { $0.contains(key) } && store.exists("ac/\(key)") == true
    }

    /// Waits while another process holds a key's claim, at most KILN_REMOTE_CACHE_TIMEOUT
    /// seconds, and fetches the entry once its record is there.
    ///
    /// - Parameters:
    ///   - keyText: The key's canonical text.
    ///   - poll: Fetches and checks the entry (the caller's read-through); called only when the
    ///     record exists.
    /// - Returns: the entry's bytes, or nil when the claim went without an entry, the wait ran
    ///   out, or the store failed: then the caller compiles.
    public func waitForEntry(keyText: String, poll: () -> [UInt8]?) -> [UInt8]? {
        let key = SHA256Digest.hex(of: keyText)
        let deadline = DispatchTime.now() + .seconds(configuration.totalTimeout)
        while DispatchTime.now() < deadline, store.unavailableReason == nil {
            if hasEntry(keyText: keyText) { return poll() }
            guard store.exists("claims/\(key)/") == true else { return store.exists("ac/\(key)") == true ? poll() : nil }
            usleep(100_000)
        }
        return nil
    }

    /// Uploads an entry in the background: its body (unless the store has it intact), then its
    /// record. Does nothing when read-only or while the store is not used.
    ///
    /// - Parameters:
    ///   - keyText: The key's canonical text.
    ///   - payload: The entry's bytes.
    ///   - uploaded: Called with the bytes sent, once the store has taken both parts.
    public func upload(keyText: String, payload: [UInt8], uploaded: @escaping @Sendable (Int) -> Void = { _ in }) {
        let key = SHA256Digest.hex(of: keyText)
        guard !configuration.readOnly, store.unavailableReason == nil, store.uploadsRefusedReason == nil else { return release(key: key) }
        uploads.add { [self] in
            defer { release(key: key) }
            let cas = SHA256Digest.hex(of: payload)
            let record = RemoteEntryRecord(key: key, cas: cas, size: payload.count).encoded
            var sent = record.count
            let replace = damaged.withLock { $0.remove(cas) != nil }
            if replace || !isStored(cas: cas) {
                guard store.put("cas/\(cas)", payload) else { return }
                sent += payload.count
            }
            if store.put("ac/\(key)", record) { uploaded(sent) }
        }
    }

    private func isStored(cas: String) -> Bool {
        if case .body = store.head("cas/\(cas)") { return true }
        return false
    }

    /// Waits for the uploads in flight, at most `timeout` seconds.
    /// - Returns: whether they all finished.
    @discardableResult
    public func finishUploads(timeout: Double) -> Bool {
        uploads.wait(timeout: timeout)
    }

    /// Why the store is no longer used in this process, or nil while it is.
    public var unavailableReason: String? { store.unavailableReason }
}

extension RemoteCache {
    private static let rejectedWarned = Mutex(false)
    private static let logger = Logger(label: "kiln.remote")

    /// Says, once per process, that a remote entry failed its checks and was not used.
    package static func warnRejected(_ reason: String) {
        guard rejectedWarned.withLock({ warned in defer { warned = true }; return !warned }) else { return }
        let message = "dropped a remote cache entry that failed its checks (\(reason.terminalSafe())); it is compiled again and uploaded over it"
        logger.warning("\(message)")
    }
}
