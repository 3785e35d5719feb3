import KilnCore

/// The keys whose signatures a run accepts: under any, a bundle that is unsigned, signed by
/// another key, or altered after signing is refused before any image reaches a driver.
///
/// An empty set asks nothing of bundles (Kiln's behaviour without `KILN_TRUSTED_KEYS`).
public struct TrustedKeys: Sendable, Equatable {
    /// The environment variable that names trusted public key files, separated by `:`.
    public static let environmentVariable = "KILN_TRUSTED_KEYS"

    /// The keys.
    public let keys: [SigningPublicKey]

    /// No trusted keys: bundles are not required to be signed.
    public static let none = TrustedKeys(keys: [])

    /// A set of keys.
    public init(keys: [SigningPublicKey]) {
        var seen = Set<SigningPublicKey>()
        self.keys = keys.filter { seen.insert($0).inserted }
    }

    /// The keys in public key files.
    ///
    /// - Throws: `KilnError.io` or `.invalidArgument` naming a file that cannot be read as a public key.
    public init(files: [String]) throws(KilnError) {
        self.init(keys: try files.map { (file) throws(KilnError) in try SigningPublicKey(file: file) })
    }

    /// The keys that `KILN_TRUSTED_KEYS` names: public key files separated by `:`; none when it is
    /// unset or empty. A file that cannot be read is an error, never a silent pass.
    ///
    /// - Throws: `KilnError` naming the variable and the file.
    public init(environment: [String: String]) throws(KilnError) {
        let files = (environment[Self.environmentVariable] ?? "").split(separator: ":").map(String.init).filter { !$0.isEmpty }
        do throws(KilnError) {
            try self.init(files: files)
        } catch {
            throw KilnError(error.code, "\(Self.environmentVariable): \(error.message)", cause: error)
        }
    }

    /// True when no key is trusted, so nothing is checked.
    public var isEmpty: Bool { keys.isEmpty }

    /// The keys' fingerprints, for messages: `ed25519:3f9a…, ed25519:0c1e…`.
    public var names: String { keys.map(\.fingerprint).joined(separator: ", ") }

    /// True when the key is one of these.
    public func contains(_ key: SigningPublicKey) -> Bool { keys.contains(key) }
}
