import KilnCore

extension BundleReader {
    /// The signer's public key, not yet checked; nil for an unsigned bundle.
    public var signer: SigningPublicKey? { signature?.signer }

    /// Reads the signature block that the header's flags announce: the last 128 bytes of the
    /// file, which must start where the data region ends, rounded up to 64.
    ///
    /// - Throws: `KilnError.corruptBundle` for a damaged block.
    static func signatureBlock(header: BundleHeader, file: BundleFile, path: String) throws(KilnError) -> BundleSignature? {
        guard header.flags.contains(.signed) else { return nil }
        let data = header.data
        let blockOffset = UInt64(align(Int(data.offset + data.size), BundleFormat.alignment))
        guard file.size >= UInt64(BundleSignature.blockSize), blockOffset == file.size - UInt64(BundleSignature.blockSize) else {
            throw KilnError(.corruptBundle,
                "bundle '\(path)': its header says it is signed, but its signature block is not at the end of its data — the file is damaged or was edited; get it again")
        }
        return try BundleSignature(block: file.read(blockOffset, UInt64(BundleSignature.blockSize), subject: "bundle '\(path)'", "the signature block"),
                                   path: path)
    }

    /// Refuses the bundle unless one of the trusted keys signed it and no byte changed since:
    /// the signature is checked over a SHA-256 of the whole file before the signature block, and
    /// the image table is then taken from the bytes that were hashed, so every image read later
    /// is checked against a digest the signer vouched for.
    ///
    /// Checks once per reader; with no trusted keys it checks nothing.
    /// - Returns: The signer, or nil when `trusted` is empty.
    /// - Throws: `KilnError.untrustedBundle` naming the bundle and the key: unsigned, signed by a
    ///   key not trusted, or altered after signing; `.corruptBundle` or `.io` if it cannot be read.
    /// - Complexity: reads and hashes the whole file once (about 1.3 ms per MiB).
    @discardableResult
    public func requireSignature(trustedBy trusted: TrustedKeys) throws(KilnError) -> SigningPublicKey? {
        guard !trusted.isEmpty else { return nil }
        guard let signature else {
            throw KilnError(.untrustedBundle,
                "bundle '\(path)' is not signed, and only bundles signed by \(trusted.names) are trusted (\(TrustedKeys.environmentVariable) or --trust) — sign it with `kiln sign \(path) --key KEY`, or get a signed copy from its author")
        }
        let signer = signature.signer
        guard trusted.contains(signer) else {
            throw KilnError(.untrustedBundle,
                "bundle '\(path)' is signed by \(signer), which is not a trusted key (trusted: \(trusted.names)) — add that key's public key file to \(TrustedKeys.environmentVariable) if you trust its owner, or get a bundle signed by a trusted key")
        }
        if verifiedSigner.withLock({ $0 }) == signer { return signer }
        let end = file.size - UInt64(BundleSignature.blockSize)
        var tableBytes = [UInt8](repeating: 0, count: Int(header.tableSize))
        var stringBytes = [UInt8](repeating: 0, count: Int(header.strings.size))
        let headerBytes = header.bytes
        var hasher = try SHA256Hasher()
        var offset: UInt64 = 0
        while offset < end {
            let chunk = try file.read(offset, min(1 << 20, end - offset), subject: subject, "the signed bytes")
            if offset == 0, Array(chunk.prefix(BundleFormat.headerSize)) != headerBytes {
                throw KilnError(.untrustedBundle, "bundle '\(path)' changed while it was read — read it again when nothing is writing it")
            }
            do { try chunk.withUnsafeBytes { try hasher.update($0) } } catch {
                throw .wrapping(error, as: .io, "bundle '\(path)': cannot hash the signed bytes: \(error)")
            }
            Self.copy(chunk, at: offset, into: &tableBytes, from: header.tableOffset)
            Self.copy(chunk, at: offset, into: &stringBytes, from: header.strings.offset)
            offset += UInt64(chunk.count)
        }
        let message = BundleSignature.message(fileDigest: try hasher.finalize(), signedPart: signature.signedPart)
        guard try signer.isValidSignature(signature.signature, for: message) else {
            throw KilnError(.untrustedBundle,
                "bundle '\(path)' does not match its signature by \(signer): it was altered or damaged after it was signed — get the bundle again from its author")
        }
        let table = try ImageTable(entries: tableBytes, strings: stringBytes, count: imageCount, data: header.data, path: path,
                                   formatVersion: formatVersion)
        loadedTable.withLock { $0 = table }
        verifiedSigner.withLock { $0 = signer }
        return signer
    }

    /// Copies the part of `chunk` (which starts at file offset `at`) that falls in a region
    /// starting at `from` into that region's buffer.
    private static func copy(_ chunk: [UInt8], at: UInt64, into region: inout [UInt8], from: UInt64) {
        let low = max(at, from), high = min(at + UInt64(chunk.count), from + UInt64(region.count))
        guard low < high else { return }
        region.replaceSubrange(Int(low - from)..<Int(high - from), with: chunk[Int(low - at)..<Int(high - at)])
    }
}
