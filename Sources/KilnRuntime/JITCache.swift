import KilnBundle
import KilnCore

/// Where the runtime keeps device binaries it compiled from portable forms, so each is
/// compiled once. The on-disk cache implements this; ``NoJITCache`` keeps nothing.
///
/// Implementations check what they return (an entry's checksum) and never return half-written
/// bytes; a failed store is theirs to report, not the launch's.
public protocol JITCache: Sendable {
    /// The bytes stored under a key, or nil.
    ///
    /// - Parameter key: What the bytes were compiled from, for and by.
    /// - Returns: The stored bytes, checked; nil when there are none or they fail their check.
    func lookup(key: JITCacheKey) -> [UInt8]?
    /// Stores bytes under a key.
    ///
    /// - Parameters:
    ///   - key: What the bytes were compiled from, for and by.
    ///   - bytes: The device binary the compile made.
    func store(key: JITCacheKey, bytes: [UInt8])
    /// The bytes under a key, compiling and storing them if there are none. A cache shared
    /// between processes compiles each key once: the others wait, then read.
    ///
    /// - Parameters:
    ///   - key: What the bytes are compiled from, for and by.
    ///   - compile: Makes the bytes when the cache has none.
    /// - Returns: the bytes, and whether they came from the cache.
    /// - Throws: What `compile` throws; a cache may refuse a key it must not serve (`.cacheRefused`).
    func compileOnce(key: JITCacheKey, compile: () throws(KilnError) -> [UInt8]) throws(KilnError) -> (bytes: [UInt8], cached: Bool)
    /// Drops an entry that turned out unusable (a driver refused it).
    ///
    /// - Parameter key: The entry's key.
    func remove(key: JITCacheKey)
}

extension JITCache {
    public func compileOnce(key: JITCacheKey,
                            compile: () throws(KilnError) -> [UInt8]) throws(KilnError) -> (bytes: [UInt8], cached: Bool) {
        if let bytes = lookup(key: key) { return (bytes, true) }
        let bytes = try compile()
        store(key: key, bytes: bytes)
        return (bytes, false)
    }

    /// Keeps the entry: a cache that cannot drop one need not.
    ///
    /// - Parameter key: The entry's key.
    public func remove(key: JITCacheKey) {}
}

/// A cache that keeps nothing: every JIT compiles.
public struct NoJITCache: JITCache {
    /// Creates the cache.
    public init() {}

    /// Nothing is kept, so nothing is found.
    ///
    /// - Parameter key: The key asked for.
    /// - Returns: nil.
    public func lookup(key: JITCacheKey) -> [UInt8]? { nil }

    /// Keeps nothing.
    ///
    /// - Parameters:
    ///   - key: The key given.
    ///   - bytes: The bytes given.
    public func store(key: JITCacheKey, bytes: [UInt8]) {}
}

/// Everything that changes what a JIT makes, and nothing else (never a path).
public struct JITCacheKey: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The SHA-256 of the portable bytes, in hexadecimal.
    public var portableSHA256: String
    /// The portable form's target: `compute_80`, `spirv`, `source`.
    public var target: String
    /// The device it was compiled for: `sm_90`, an Intel IP version, a PoCL host string.
    public var device: String
    /// The compiler that made it and its version: `cuda-driver 13000`.
    public var compiler: String
    /// The compile options, in order.
    public var options: [String]

    /// Creates a key.
    public init(portableSHA256: String, target: String, device: String, compiler: String, options: [String] = []) {
        self.portableSHA256 = portableSHA256
        self.target = target
        self.device = device
        self.compiler = compiler
        self.options = options
    }

    /// The key as one line per field, the text that ``digest`` hashes.
    public var canonicalText: String {
        ["kiln-jit-key 1", "portable \(portableSHA256)", "target \(target)", "device \(device)",
         "compiler \(compiler)", "options \(options.joined(separator: " "))"].joined(separator: "\n")
    }

    /// The SHA-256 of ``canonicalText`` in hexadecimal: the name a cache files the entry under.
    public var digest: String { SHA256Digest.hex(of: canonicalText) }

    public var description: String { "\(target) → \(device) (\(compiler)), \(portableSHA256.prefix(12))" }
}
