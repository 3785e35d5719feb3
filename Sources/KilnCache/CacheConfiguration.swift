import KilnCore

/// Where the cache store lives — the JIT cache's `jit` folder and the build cache's `build` —
/// and how large each may grow, from the environment.
public struct CacheConfiguration: Sendable, Equatable {
    /// The cache's root folder; entries go in `ROOT/jit`.
    public var root: String
    /// A read-only second layer (`KILN_CACHE_READONLY`), consulted after the local one.
    public var readOnlyRoot: String?
    /// The size bound of the JIT cache's local layer, and of the build cache's folder, each, in
    /// bytes (`KILN_CACHE_MAX_BYTES`).
    public var maximumBytes: Int64

    /// The default bound: 2 GiB.
    public static let defaultMaximumBytes: Int64 = 2 << 30

    /// Creates a configuration.
    public init(root: String, readOnlyRoot: String? = nil, maximumBytes: Int64 = defaultMaximumBytes) {
        self.root = root
        self.readOnlyRoot = readOnlyRoot
        self.maximumBytes = maximumBytes
    }

    /// Reads `KILN_CACHE_DIR` (default `$XDG_CACHE_HOME/kiln`, else `~/.cache/kiln`),
    /// `KILN_CACHE_READONLY` and `KILN_CACHE_MAX_BYTES` (bytes, or with a K, M or G suffix).
    ///
    /// - Throws: `KilnError.invalidArgument` for a size that is not one.
    public init(environment: [String: String]) throws(KilnError) {
        let root: String
        if let dir = environment["KILN_CACHE_DIR"], !dir.isEmpty {
            root = dir
        } else if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty {
            root = xdg + "/kiln"
        } else {
            root = (environment["HOME"] ?? "/tmp") + "/.cache/kiln"
        }
        var maximum = Self.defaultMaximumBytes
        if let text = environment["KILN_CACHE_MAX_BYTES"], !text.isEmpty {
            guard let bytes = Self.parseSize(text) else {
                throw KilnError(.invalidArgument, "KILN_CACHE_MAX_BYTES='\(text)' is not a size — write bytes, or a number with K, M or G (e.g. 512M)")
            }
            maximum = bytes
        }
        let readOnly = environment["KILN_CACHE_READONLY"].flatMap { $0.isEmpty ? nil : $0 }
        self.init(root: root, readOnlyRoot: readOnly, maximumBytes: maximum)
    }

    /// Parses `1048576`, `512K`, `64M`, `2G`.
    package static func parseSize(_ text: String) -> Int64? {
        let trimmed = text.trimmingWhitespace().uppercased()
        let multipliers: [Character: Int64] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
        if let last = trimmed.last, let multiplier = multipliers[last] {
            return Int64(trimmed.dropLast()).flatMap { $0 >= 0 ? $0.multipliedReportingOverflow(by: multiplier) : nil }
                .flatMap { $0.overflow ? nil : $0.partialValue }
        }
        return Int64(trimmed).flatMap { $0 >= 0 ? $0 : nil }
    }
}
