#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import Crypto
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

    private let key: Curve25519.Signing.PrivateKey

    /// A new random key.
    public init() {
        key = Curve25519.Signing.PrivateKey()
    }

    /// A key from its 32-byte seed.
    ///
    /// - Throws: `KilnError.invalidArgument` unless there are 32 bytes.
    public init(seed: [UInt8]) throws {
        guard seed.count == 32, let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: seed) else {
            throw KilnError(.invalidArgument, "an Ed25519 private key is a 32-byte seed; this one is \(seed.count) bytes")
        }
        self.key = key
    }

    /// The key that checks this key's signatures.
    public var publicKey: SigningPublicKey {
        // A key made by swift-crypto always has a 32-byte public key.
        try! SigningPublicKey(rawBytes: Array(key.publicKey.rawRepresentation))
    }

    /// The key file's text.
    public var fileText: String {
        "\(Self.fileHeader)\n\(key.rawRepresentation.base64EncodedString())\n"
    }

    /// Reads a key from its file's text.
    ///
    /// - Throws: `KilnError.invalidArgument` naming the file and what is wrong with it.
    public init(fileText text: String, name: String) throws {
        try self.init(seed: SigningPublicKey.body(text, header: Self.fileHeader, name: name, what: "private key"))
    }

    /// Reads a key file, refusing one that others can read or write (as ssh does).
    ///
    /// - Throws: `KilnError.io` if it cannot be read; `.invalidArgument` if it is not a private key
    ///   file or its mode lets group or others at it.
    public init(file path: String) throws {
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
    func signature(for message: [UInt8]) throws -> [UInt8] {
        do {
            return Array(try key.signature(for: message))
        } catch {
            throw KilnError(.io, "signing failed: \(error)")
        }
    }

    /// Writes a new key pair: the private key to `path` (mode 0600) and the public key to
    /// `path.pub`; an existing file at either is refused rather than replaced.
    ///
    /// - Throws: `KilnError.invalidArgument` if either file exists; `.io` if one cannot be written.
    public func write(to path: String) throws {
        for file in [path, path + ".pub"] where (try FileStatus.of(file, followingLinks: false)) != nil {
            throw KilnError(.invalidArgument, "'\(file)' exists — Kiln does not replace keys; remove it or give another path")
        }
        try OutputFile.write(Array(fileText.utf8), to: path, inputs: [], what: "private key", mode: 0o600)
        try OutputFile.write(Array(publicKey.fileText.utf8), to: path + ".pub", inputs: [], what: "public key")
    }
}
