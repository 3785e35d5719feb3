import KilnCore
import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One HTTP store as the remote cache sees it: GET, HEAD and PUT of whole bodies through
/// libcurl (`Curl`, opened on first use), with a connect timeout and a total one,
/// bounded retries and a circuit breaker.
///
/// A request that fails to connect or times out opens the breaker at once: a dead or hanging
/// store costs one timeout. A 5xx (or 429) answer is tried again up to `retries` times, then
/// opens it; so does a refusal of a read (401, 403), a redirect (never followed, so a token
/// goes nowhere else) or any other answer the store should not give. Once open, every request
/// fails at once and the caller compiles locally; the process says so in one warning. A store
/// that refuses only writes (4xx to a PUT) is still read; uploads stop, with one warning. Stores are shared per configuration within a process, so the JIT cache and the
/// build cache trip one breaker. Without libcurl on the machine, the first request opens the breaker.
package final class HTTPStore: Sendable {
    /// What a GET or HEAD found.
    package enum Answer {
        case body([UInt8])
        case missing
        /// The store is not used any more in this process (the breaker is open).
        case unavailable
    }

    package let configuration: RemoteCacheConfiguration
    /// The largest body a GET accepts; a longer one is cut off and counts as a failure.
    package let maximumBody: Int
    private let token: String?
    private let brokenReason = Mutex<String?>(nil)
    private let refusedWrites = Mutex<String?>(nil)
    private let logger = Logger(label: "kiln.remote")

    private static let shared = Mutex<[RemoteCacheConfiguration: HTTPStore]>([:])

    /// The store of a configuration, made once per process.
    ///
    /// - Throws: `KilnError.invalidArgument` for a token file that is unsafe or malformed.
    package static func shared(_ configuration: RemoteCacheConfiguration, maximumBody: Int) throws(KilnError) -> HTTPStore {
        if let store = shared.withLock({ $0[configuration] }) { return store }
        let store = try HTTPStore(configuration: configuration, maximumBody: maximumBody)
        return shared.withLock { stores in
            if let existing = stores[configuration] { return existing }
            stores[configuration] = store
            return store
        }
    }

    package init(configuration: RemoteCacheConfiguration, maximumBody: Int) throws(KilnError) {
        self.configuration = configuration
        self.maximumBody = maximumBody
        token = try configuration.token()
    }

    /// Why the breaker is open, or nil while the store is used.
    package var unavailableReason: String? { brokenReason.withLock { $0 } }

    /// GETs a path under the base URL.
    package func get(_ path: String) -> Answer { fetch("GET", path) }

    /// HEADs a path under the base URL: `.body([])` if it exists.
    package func head(_ path: String) -> Answer { fetch("HEAD", path) }

    /// Why the store refuses uploads, or nil while it takes them.
    package var uploadsRefusedReason: String? { refusedWrites.withLock { $0 } }

    /// PUTs a body to a path under the base URL.
    /// - Returns: whether the store took it.
    package func put(_ path: String, _ body: [UInt8]) -> Bool {
        guard uploadsRefusedReason == nil else { return false }
        switch send("PUT", path, body: body) {
        case .answered(let status, _) where (200..<300).contains(status): return true
        case .answered(let status, _) where (400..<500).contains(status) && status != 429:
            refuseWrites("it answered HTTP \(status) to a PUT\(Self.hint(status))")
            return false
        case .answered(let status, _): trip("it answered HTTP \(status) to a PUT\(Self.hint(status))"); return false
        case .failed(let reason): trip(reason); return false
        case .skipped: return false
        }
    }

    /// What making a collection found.
    package enum Collection {
        /// This request made it.
        case made
        /// It exists already.
        case exists
        /// The store does not make collections (no WebDAV MKCOL), or could not answer.
        case unsupported
    }

    /// Makes a collection (WebDAV `MKCOL path/`; `""` is the base URL itself), which a store makes
    /// at most once: a claim that only one of many processes on many machines gets. Missing
    /// parents up to the base are made first. Never trips the breaker or refuses writes: a store
    /// that does not take MKCOL only loses claims.
    package func makeCollection(_ path: String, parentMade: Bool = false) -> Collection {
        guard uploadsRefusedReason == nil else { return .unsupported }
        let collection = path.isEmpty ? "" : path + "/"
        switch send("MKCOL", collection, body: nil) {
        case .answered(let status, _) where (200..<300).contains(status): return .made
        case .answered(409, _) where !path.isEmpty && !parentMade:  // a parent is missing: make it, then try once more
            let parent = path.split(separator: "/").dropLast().joined(separator: "/")
            guard makeCollection(parent) != .unsupported else { return .unsupported }
            return makeCollection(path, parentMade: true)
        case .answered(405, _):  // nginx: the collection exists — or MKCOL is not allowed, when it does not
            return exists(collection) == true ? .exists : .unsupported
        default: return .unsupported
        }
    }

    /// Whether a path exists (any answer but 404 to a HEAD, a folder's 403 included); nil when the
    /// store does not answer. Never trips the breaker.
    package func exists(_ path: String) -> Bool? {
        guard case .answered(let status, _) = send("HEAD", path, body: nil) else { return nil }
        return status != 404
    }

    /// Deletes a path (WebDAV `DELETE`), best effort.
    package func delete(_ path: String) {
        _ = send("DELETE", path, body: nil)
    }

    private func fetch(_ method: String, _ path: String) -> Answer {
        switch send(method, path, body: nil) {
        case .answered(let status, let body) where (200..<300).contains(status): return .body(body)
        case .answered(404, _): return .missing
        case .answered(let status, _): trip("it answered HTTP \(status) to a \(method)\(Self.hint(status))"); return .unavailable
        case .failed(let reason): trip(reason); return .unavailable
        case .skipped: return .unavailable
        }
    }

    private enum Outcome {
        case answered(Int, [UInt8])
        case failed(String)
        case skipped
    }

    /// Sends a request, trying a 5xx or 429 answer again up to `retries` times.
    private func send(_ method: String, _ path: String, body: [UInt8]?) -> Outcome {
        var attempt = 0
        while true {
            if unavailableReason != nil { return .skipped }
            let outcome = sendOnce(method, path, body: body)
            guard case .answered(let status, _) = outcome, status >= 500 || status == 429, attempt < configuration.retries else {
                return outcome
            }
            attempt += 1
            usleep(UInt32(100_000 << (attempt - 1)))
        }
    }

    private func sendOnce(_ method: String, _ path: String, body: [UInt8]?) -> Outcome {
        let curl: Curl
        switch Curl.shared {
        case .success(let opened): curl = opened
        case .failure(let error): return .failed(error.message)
        }
        var headers: [String] = []
        if let token { headers.append("Authorization: Bearer \(token)") }
        if body != nil { headers.append("Content-Type: application/octet-stream") }
        switch curl.send(method, configuration.url + "/" + path, headers: headers, body: body,
                         idleTimeout: configuration.connectTimeout, totalTimeout: configuration.totalTimeout,
                         maximumBody: maximumBody, certificateAuthorities: configuration.certificateAuthorities) {
        case .answered(let status, let body): return .answered(status, body)
        case .failed(let reason): return .failed(reason)
        }
    }

    private static func hint(_ status: Int) -> String {
        switch status {
        case 401, 403: return " — check the token in KILN_REMOTE_CACHE_TOKEN_FILE, or set KILN_REMOTE_CACHE_READONLY=1 if you may only read"
        case 405: return " — the store does not take PUT (nginx needs `dav_methods PUT`); set KILN_REMOTE_CACHE_READONLY=1 to only read"
        case 413: return " — the store refuses bodies this large (nginx: raise `client_max_body_size`)"
        default: return ""
        }
    }

    /// Stops uploads, reads going on; the first time, warns once for the process.
    private func refuseWrites(_ reason: String) {
        record(reason, in: refusedWrites, "refuses uploads: \(reason.terminalSafe()); it is still read, and nothing more is uploaded in this run")
    }

    /// Opens the breaker; the first time, warns once for the process.
    private func trip(_ reason: String) {
        record(reason, in: brokenReason, "is not used for the rest of this run: \(reason.terminalSafe()); Kiln compiles locally instead")
    }

    /// Keeps the first reason in a slot, and warns when it is the first.
    private func record(_ reason: String, in slot: borrowing Mutex<String?>, _ what: String) {
        let first = slot.withLock { current -> Bool in
            guard current == nil else { return false }
            current = reason
            return true
        }
        guard first else { return }
        let message = "remote cache \(configuration.url.terminalSafe()) \(what)"
        logger.warning("\(message)")
    }
}
