import KilnCore

/// The public half of a bundle-signing key: an Ed25519 key of 32 bytes, named in messages by its
/// fingerprint.
///
/// Its file (`kiln keygen` writes `KEY.pub`) is two lines of text:
/// ```
/// kiln-ed25519-public-key
/// <the 32 raw key bytes in base64>
/// ```
public struct SigningPublicKey: Sendable, Hashable, CustomStringConvertible {
    /// The first line of a public key file.
    public static let fileHeader = "kiln-ed25519-public-key"

    /// The 32 raw bytes of the Ed25519 key (RFC 8032).
    public let rawBytes: [UInt8]

    /// A key from its 32 raw bytes.
    ///
    /// 32 bytes that are no point of the curve make a key that no signature matches.
    ///
    /// - Parameter rawBytes: The key's 32 bytes (RFC 8032's public key).
    /// - Throws: `KilnError.invalidArgument` unless there are 32 bytes.
    public init(rawBytes: [UInt8]) throws(KilnError) {
        guard rawBytes.count == 32 else {
            throw KilnError(.invalidArgument, "an Ed25519 public key is 32 bytes; this one is \(rawBytes.count)")
        }
        self.rawBytes = rawBytes
    }

    /// `ed25519:` and the first 16 hexadecimal digits of the SHA-256 of the raw key: how messages
    /// name the key (`ed25519:3f9a0c1e5b7d2468`).
    public var fingerprint: String {
        "ed25519:" + Digest.hex(Array(Digest.sha256(rawBytes).prefix(8)))
    }

    public var description: String { fingerprint }

    /// The key file's text.
    public var fileText: String {
        "\(Self.fileHeader)\n\(Base64.encode(rawBytes))\n"
    }

    /// Reads a key from its file's text.
    ///
    /// - Parameter name: What the text is, for messages (its path).
    /// - Throws: `KilnError.invalidArgument` naming the file and what is wrong with it.
    public init(fileText text: String, name: String) throws(KilnError) {
        self = try SigningPublicKey(rawBytes: Self.body(text, header: Self.fileHeader, name: name, what: "public key"))
    }

    /// Reads a key file.
    ///
    /// - Throws: `KilnError.io` if it cannot be read; `.invalidArgument` if it is not a public key file.
    public init(file path: String) throws(KilnError) {
        let bytes = try InputFile.bytes(path, what: "public key")
        try self.init(fileText: String(decoding: bytes, as: UTF8.self), name: path)
    }

    /// The decoded base64 line of a key file whose first line is `header`.
    static func body(_ text: String, header: String, name: String, what: String) throws(KilnError) -> [UInt8] {
        let lines = text.split(whereSeparator: \.isNewline).map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
        guard lines.count == 2, lines[0] == header else {
            let other = header == Self.fileHeader ? SigningKey.fileHeader : Self.fileHeader
            let hint = lines.first == other ? " (it is a \(what == "public key" ? "private key" : "public key"); give the \(what == "public key" ? "'.pub' file" : "file without '.pub'"))" : ""
            throw KilnError(.invalidArgument,
                "'\(name)' is not a Kiln \(what) file: it should be the line '\(header)' and one line of base64\(hint) — make one with `kiln keygen`")
        }
        guard let bytes = Base64.decode(lines[1]), bytes.count == 32 else {
            throw KilnError(.invalidArgument, "'\(name)': the \(what) is not 32 bytes of base64 — the file is damaged; make a new key with `kiln keygen`")
        }
        return bytes
    }

    /// Checks an Ed25519 signature of a message.
    ///
    /// - Throws: `KilnError.io` if OpenSSL fails to check it (rather than calling it a mismatch).
    func isValidSignature(_ signature: [UInt8], for message: [UInt8]) throws(KilnError) -> Bool {
        try Ed25519.isValid(signature, of: message, publicKey: rawBytes)
    }
}
