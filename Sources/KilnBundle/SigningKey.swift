#if canImport(Glibc)
import Glibc
#endif
import KilnCore

/// A private key that signs bundles: Ed25519 (RFC 8032), whose signatures are deterministic — the
/// same key and bundle give the same bytes.
///
/// Its file (`kiln keygen` writes it with mode 0600) is two lines of text:
/// ```
/// kiln-ed25519-private-key
/// <the 32-byte seed in base64>
/// ```
public struct SigningKey: Sendable {
    /// The first line of a private key file.
    public static let fileHeader = "kiln-ed25519-private-key"

    /// The 32-byte seed: the private key as RFC 8032 gives it.
    private let seed: [UInt8]

    /// The key that checks this key's signatures.
    public let publicKey: SigningPublicKey

    /// A new random key.
    ///
    /// - Throws: `KilnError.io` if the system's random generator has nothing to give.
    public init() throws(KilnError) {
        try self.init(seed: Ed25519.randomSeed())
    }

    /// A key from its 32-byte seed.
    ///
    /// - Parameter seed: The private key's 32 bytes (RFC 8032's secret key).
    /// - Throws: `KilnError.invalidArgument` unless there are 32 bytes; `.io` if OpenSSL fails.
    public init(seed: [UInt8]) throws(KilnError) {
        guard seed.count == 32 else {
            throw KilnError(.invalidArgument, "an Ed25519 private key is a 32-byte seed; this one is \(seed.count) bytes")
        }
        self.seed = seed
        publicKey = try SigningPublicKey(rawBytes: Ed25519.publicKey(seed: seed))
    }

    /// The key file's text.
    public var fileText: String {
        "\(Self.fileHeader)\n\(Base64.encode(seed))\n"
    }

    /// Reads a key from its file's text.
    ///
    /// - Throws: `KilnError.invalidArgument` naming the file and what is wrong with it.
    public init(fileText text: String, name: String) throws(KilnError) {
        try self.init(seed: SigningPublicKey.body(text, header: Self.fileHeader, name: name, what: "private key"))
    }

    /// Reads a key file, refusing one that others can read or write (as ssh does).
    ///
    /// - Throws: `KilnError.io` if it cannot be read; `.invalidArgument` if it is not a private key
    ///   file or its mode lets group or others at it.
    public init(file path: String) throws(KilnError) {
        var info = stat()
        if stat(path, &info) == 0, info.st_mode & 0o077 != 0 {
            throw KilnError(.invalidArgument,
                "private key '\(path)' can be read or written by others (mode \(String(info.st_mode & 0o777, radix: 8))) — run `chmod 600 \(path)`, and make a new key if others may have read it")
        }
        let bytes = try InputFile.bytes(path, what: "private key")
        try self.init(fileText: String(decoding: bytes, as: UTF8.self), name: path)
    }

    /// Signs a message (RFC 8032 Ed25519: the same message gives the same 64 bytes).
    ///
    /// - Throws: `KilnError.io` if the crypto library fails, which it does not for a valid key.
    func signature(for message: [UInt8]) throws(KilnError) -> [UInt8] {
        try Ed25519.sign(message, seed: seed)
    }

    /// Writes a new key pair: the private key to `path` (mode 0600) and the public key to
    /// `path.pub`; an existing file at either is refused rather than replaced.
    ///
    /// - Throws: `KilnError.invalidArgument` if either file exists; `.io` if one cannot be written.
    public func write(to path: String) throws(KilnError) {
        for file in [path, path + ".pub"] where (try FileStatus.of(file, followingLinks: false)) != nil {
            throw KilnError(.invalidArgument, "'\(file)' exists — Kiln does not replace keys; remove it or give another path")
        }
        try OutputFile.write(Array(fileText.utf8), to: path, inputs: [], what: "private key", mode: 0o600)
        try OutputFile.write(Array(publicKey.fileText.utf8), to: path + ".pub", inputs: [], what: "public key")
    }
}
