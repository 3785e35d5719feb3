#if canImport(Glibc)
import Glibc
#endif
import KilnCore

/// Where the remote cache is and how it is reached, from the environment (`KILN_REMOTE_CACHE`
/// and its companions) or from `kiln.json`'s `remoteCache`.
///
/// The store is an HTTP server in the Bazel HTTP-cache layout (`BASE/ac/…`, `BASE/cas/…`):
/// nginx with WebDAV PUT, bazel-remote and others serve it. A token, if the store wants one,
/// comes from a file (sent as `Authorization: Bearer …`), never from the command line or the URL.
public struct RemoteCacheConfiguration: Sendable, Hashable {
    /// The store's base URL, without a trailing slash: `http://cache.example:8080/kiln`.
    public var url: String
    /// Whether this process only reads (`KILN_REMOTE_CACHE_READONLY=1`): the fleet reads what CI wrote.
    public var readOnly: Bool
    /// The file holding the bearer token (`KILN_REMOTE_CACHE_TOKEN_FILE`), if any.
    public var tokenFile: String?
    /// Seconds to connect, and to wait for each next byte (`KILN_REMOTE_CACHE_CONNECT_TIMEOUT`).
    /// Whole seconds (a fraction rounds up), as libcurl low-speed limit takes them.
    public var connectTimeout: Int
    /// Seconds one request may take in all (`KILN_REMOTE_CACHE_TIMEOUT`).
    public var totalTimeout: Int
    /// How many times a request that got a 5xx answer is tried again.
    public var retries: Int
    /// A PEM file of the certificate authorities an https:// store's certificate must chain to,
    /// instead of the system's (`KILN_REMOTE_CACHE_CA`): for a store with a private CA.
    public var certificateAuthorities: String?

    /// The default connect timeout: 2 seconds.
    public static let defaultConnectTimeout = 2
    /// The default total timeout: 60 seconds (an image can be tens of megabytes).
    public static let defaultTotalTimeout = 60

    /// A configuration for a store.
    ///
    /// - Parameters:
    ///   - url: The store's base URL.
    ///   - readOnly: Whether this process only reads.
    ///   - tokenFile: The file holding the bearer token, if any.
    ///   - connectTimeout: Seconds to connect, and to wait for each next byte.
    ///   - totalTimeout: Seconds one request may take in all.
    ///   - retries: How many times a request that got a 5xx answer is tried again.
    ///   - certificateAuthorities: A PEM file of the authorities to trust instead of the system's.
    ///   - setting: The name the URL came from, for errors.
    /// - Throws: `KilnError.invalidArgument` for a URL that is not `http://` or `https://` with a
    ///   host, or that carries a user name, password, query or fragment, and for authorities that
    ///   are not a readable file.
    public init(url: String, readOnly: Bool = false, tokenFile: String? = nil,
                connectTimeout: Int = defaultConnectTimeout, totalTimeout: Int = defaultTotalTimeout, retries: Int = 2,
                certificateAuthorities: String? = nil, setting: String = "KILN_REMOTE_CACHE") throws(KilnError) {
        if let file = certificateAuthorities {
            guard (try? FileStatus.of(file, followingLinks: true))??.kind == .regular, access(file, R_OK) == 0 else {
                throw KilnError(.invalidArgument, "KILN_REMOTE_CACHE_CA='\(file.terminalSafe())' is not a readable file — name the PEM file of the authority that signed the store's certificate, or unset it to trust the system's")
            }
        }
        self.certificateAuthorities = certificateAuthorities
        self.url = try Self.checkedURL(url, setting: setting)
        self.readOnly = readOnly
        self.tokenFile = tokenFile
        self.connectTimeout = max(1, connectTimeout)
        self.totalTimeout = max(self.connectTimeout, totalTimeout)
        self.retries = max(0, retries)
    }

    /// Reads `KILN_REMOTE_CACHE` (nil when it is unset or empty), `KILN_REMOTE_CACHE_READONLY`,
    /// `KILN_REMOTE_CACHE_TOKEN_FILE`, `KILN_REMOTE_CACHE_CONNECT_TIMEOUT`, `KILN_REMOTE_CACHE_TIMEOUT`
    /// and `KILN_REMOTE_CACHE_CA`.
    ///
    /// - Parameters:
    ///   - environment: The process's environment.
    ///   - fallback: The store when `KILN_REMOTE_CACHE` is unset (`kiln.json`'s `remoteCache`).
    /// - Throws: `KilnError.invalidArgument` naming the variable that is malformed.
    public init?(environment: [String: String], url fallback: String? = nil) throws(KilnError) {
        let given = environment["KILN_REMOTE_CACHE"].flatMap { $0.isEmpty ? nil : $0 }
        guard let url = given ?? fallback else { return nil }
        let readOnly: Bool
        switch environment["KILN_REMOTE_CACHE_READONLY"]?.lowercased() ?? "" {
        case "", "0", "false", "no": readOnly = false
        case "1", "true", "yes": readOnly = true
        case let other:
            throw KilnError(.invalidArgument, "KILN_REMOTE_CACHE_READONLY='\(other.terminalSafe())' is not a switch — set it to 1 (only read the remote cache) or 0")
        }
        func seconds(_ name: String, _ fallback: Int) throws(KilnError) -> Int {
            guard let text = environment[name], !text.isEmpty else { return fallback }
            guard let value = Double(text), value > 0, value <= 3600 else {
                throw KilnError(.invalidArgument, "\(name)='\(text.terminalSafe())' is not a number of seconds — write e.g. 2 (whole seconds, 1 to 3600)")
            }
            return Int(value.rounded(.up))
        }
        let token = environment["KILN_REMOTE_CACHE_TOKEN_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        try self.init(url: url, readOnly: readOnly, tokenFile: token,
                      connectTimeout: try seconds("KILN_REMOTE_CACHE_CONNECT_TIMEOUT", Self.defaultConnectTimeout),
                      totalTimeout: try seconds("KILN_REMOTE_CACHE_TIMEOUT", Self.defaultTotalTimeout),
                      certificateAuthorities: environment["KILN_REMOTE_CACHE_CA"].flatMap { $0.isEmpty ? nil : $0 },
                      setting: given == nil ? "remoteCache" : "KILN_REMOTE_CACHE")
    }

    /// Checks a base URL, naming `setting` in errors; returns it without a trailing slash.
    ///
    /// - Throws: `KilnError.invalidArgument` saying what is wrong and what to write.
    package static func checkedURL(_ text: String, setting: String) throws(KilnError) -> String {
        let shown = text.terminalSafe()
        let lower = text.lowercased()
        guard let scheme = ["http://", "https://"].first(where: { lower.hasPrefix($0) }) else {
            throw KilnError(.invalidArgument, "\(setting)='\(shown)' is not an http:// or https:// URL — write e.g. http://cache.example:8080/kiln")
        }
        let rest = text.dropFirst(scheme.count)
        let authority = rest.prefix { $0 != "/" }
        guard !authority.isEmpty else {
            throw KilnError(.invalidArgument, "\(setting)='\(shown)' names no host — write e.g. http://cache.example:8080/kiln")
        }
        guard !authority.contains("@") else {
            throw KilnError(.invalidArgument, "\(setting) carries a user name or password — remove it from the URL and put a token in a file named by KILN_REMOTE_CACHE_TOKEN_FILE")
        }
        guard !text.contains("?"), !text.contains("#"), !text.contains(where: { $0.isWhitespace || $0.asciiValue.map { $0 < 0x20 } ?? false }) else {
            throw KilnError(.invalidArgument, "\(setting)='\(shown)' has a query, fragment or blank — give the store's base URL only, e.g. http://cache.example:8080/kiln")
        }
        var url = text
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }

    /// Reads the token file: it must be a regular file of this user (or root) that no one else
    /// can read or write, as ssh and ``SigningKey`` require of a secret.
    ///
    /// - Throws: `KilnError.invalidArgument` for a file others can read or write, another user's,
    ///   an empty one or one that is not one line of text; `KilnError.io` if it cannot be read.
    package func token() throws(KilnError) -> String? {
        guard let path = tokenFile else { return nil }
        var info = stat()
        if lstat(path, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFREG else {
                throw KilnError(.invalidArgument, "KILN_REMOTE_CACHE_TOKEN_FILE '\(path.terminalSafe())' is not a regular file — name the token file itself")
            }
            guard info.st_uid == geteuid() || info.st_uid == 0 else {
                throw KilnError(.invalidArgument, "KILN_REMOTE_CACHE_TOKEN_FILE '\(path.terminalSafe())' belongs to another user (uid \(info.st_uid)) — use a token file of your own")
            }
            guard info.st_mode & 0o077 == 0 else {
                throw KilnError(.invalidArgument, "KILN_REMOTE_CACHE_TOKEN_FILE '\(path.terminalSafe())' can be read or written by others (mode \(String(info.st_mode & 0o777, radix: 8))) — run `chmod 600 \(path.terminalSafe())`, and get a new token if others may have read it")
            }
        }
        let text = try InputFile.text(path, what: "remote cache token file (KILN_REMOTE_CACHE_TOKEN_FILE)").trimmingWhitespace()
        guard !text.isEmpty, text.utf8.count <= 8192, !text.contains(where: { $0.isNewline || $0 == "\r" }),
              text.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F }) else {
            throw KilnError(.invalidArgument, "KILN_REMOTE_CACHE_TOKEN_FILE '\(path.terminalSafe())' must hold one line: the token, printable ASCII")
        }
        return text
    }
}
