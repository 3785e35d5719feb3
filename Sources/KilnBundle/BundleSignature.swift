import KilnCore

/// The signature block that ends a signed bundle: an Ed25519 signature, by one key, of every
/// byte before the block (docs/FORMAT.md, "Signatures").
///
/// A signed bundle is its unsigned bytes with bit 0 of the header's flags set, the file size and
/// header check updated, zero padding to a multiple of 64, and this 128-byte block:
///
/// | offset | size | field |
/// | --- | --- | --- |
/// | 0 | 8 | magic `KILNSIG1` |
/// | 8 | 4 | algorithm: 1 Ed25519 |
/// | 12 | 4 | block size (128) |
/// | 16 | 32 | the signer's public key |
/// | 48 | 64 | the signature |
/// | 112 | 16 | reserved, zero |
///
/// The signed message is the domain string `kiln bundle signature v1` and a newline, the SHA-256
/// of the file up to the block, and the block's first 48 bytes. Signing is a function of the
/// unsigned bytes and the key alone, so signing again gives the same file, and a tool that
/// rewrites a bundle (a future `kiln merge`) strips the block (``unsigned(_:)``), rewrites, and
/// signs its output.
public struct BundleSignature: Sendable, Equatable {
    /// The size of the block.
    public static let blockSize = 128
    static let magic: [UInt8] = Array("KILNSIG1".utf8)
    static let ed25519: UInt32 = 1
    static let domain: [UInt8] = Array("kiln bundle signature v1\n".utf8)

    /// The key that made the signature (not yet checked: ``BundleReader/requireSignature(trustedBy:)`` checks it).
    public let signer: SigningPublicKey
    /// The 64 signature bytes.
    let signature: [UInt8]
    /// The block's first 48 bytes, which the signature covers.
    let signedPart: [UInt8]

    /// Parses a block.
    ///
    /// - Throws: `KilnError.corruptBundle` if it is not a version-1 Ed25519 block.
    init(block: [UInt8], path: String) throws(KilnError) {
        let r = ByteReader(bytes: block, subject: "bundle '\(path)'")
        guard block.count == Self.blockSize, Array(block[0..<8]) == Self.magic else {
            throw KilnError(.corruptBundle, "bundle '\(path)': its header says it is signed, but it does not end with a signature block — the file is damaged; get it again")
        }
        let algorithm: UInt32 = try r.integer(at: 8, "the signature algorithm")
        let size: UInt32 = try r.integer(at: 12, "the signature block size")
        guard algorithm == Self.ed25519, size == UInt32(Self.blockSize), block[112..<128].allSatisfy({ $0 == 0 }) else {
            throw KilnError(.corruptBundle, "bundle '\(path)': its signature block (algorithm \(algorithm), \(size) bytes) is not one this Kiln reads — the file is damaged, or a newer Kiln signed it")
        }
        do {
            signer = try SigningPublicKey(rawBytes: Array(block[16..<48]))
        } catch {
            throw KilnError(.corruptBundle, "bundle '\(path)': its signature block holds no valid Ed25519 key — the file is damaged; get it again", cause: error)
        }
        signature = Array(block[48..<112])
        signedPart = Array(block[0..<48])
    }

    /// What is signed: the domain string, the SHA-256 of the file before the block, the block's first 48 bytes.
    static func message(fileDigest: [UInt8], signedPart: [UInt8]) -> [UInt8] {
        domain + fileDigest + signedPart
    }

    /// Signs a bundle's bytes; a signed bundle is first stripped of its signature, so signing
    /// again with the same key gives the same bytes and another key replaces the signer.
    ///
    /// - Throws: `KilnError.corruptBundle` if the bytes are not a bundle (magic, version, header
    ///   check, file size).
    /// - Complexity: one SHA-256 of the bundle.
    public static func sign(_ bundle: [UInt8], with key: SigningKey) throws(KilnError) -> [UInt8] {
        let plain = try unsigned(bundle)
        var header = try Self.header(of: plain)
        var out = ByteWriter(bytes: plain)
        out.pad(to: BundleFormat.alignment)
        header.flags.insert(.signed)
        header.fileSize = UInt64(out.bytes.count + blockSize)
        out.bytes.replaceSubrange(0..<BundleFormat.headerSize, with: header.bytes)
        var block = ByteWriter()
        block.append(magic)
        block.append(ed25519)
        block.append(UInt32(blockSize))
        block.append(key.publicKey.rawBytes)
        let signature = try key.signature(for: message(fileDigest: Digest.sha256(out.bytes), signedPart: block.bytes))
        block.append(signature)
        block.append(repeatElement(0, count: 16))
        out.append(block.bytes)
        return out.bytes
    }

    /// A bundle's bytes without its signature: as the writer wrote them. Unsigned bytes are returned as they are.
    ///
    /// - Throws: `KilnError.corruptBundle` if the bytes are not a bundle.
    public static func unsigned(_ bundle: [UInt8]) throws(KilnError) -> [UInt8] {
        var header = try Self.header(of: bundle)
        guard header.flags.contains(.signed) else { return bundle }
        header.flags.remove(.signed)
        header.fileSize = header.data.offset + header.data.size
        guard header.fileSize >= UInt64(BundleFormat.headerSize) else {
            throw KilnError(.corruptBundle, "the bundle's data region lies inside its header — the file is damaged; rebuild it")
        }
        return header.bytes + bundle[BundleFormat.headerSize..<Int(header.fileSize)]
    }

    /// The checked header of a whole bundle's bytes.
    ///
    /// - Throws: `KilnError.corruptBundle` if the bytes are not a whole bundle.
    private static func header(of bundle: [UInt8]) throws(KilnError) -> BundleHeader {
        do {
            return try BundleHeader(bytes: Array(bundle.prefix(BundleFormat.headerSize)), fileSize: UInt64(bundle.count),
                                    path: "(bytes to sign)")
        } catch {
            throw KilnError(.corruptBundle, "these bytes are not a whole Kiln bundle (magic, version, size or header check) — sign a bundle that `kiln build` wrote", cause: error)
        }
    }
}
