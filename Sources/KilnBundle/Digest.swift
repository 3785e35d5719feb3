/// SHA-256, the checksum of every image, of the manifest, and (truncated) of the header and entries.
enum Digest {
    /// The SHA-256 of a byte region.
    ///
    /// Traps if OpenSSL cannot hash, which it does only when memory runs out (its SHA-256 is built
    /// in, in a library context of Kiln's own): the digests of bundles and caches have no error path,
    /// as Swift has none for memory either.
    static func sha256(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        do {
            var hasher = try SHA256Hasher()
            try hasher.update(bytes)
            return try hasher.finalize()
        } catch {
            fatalError("\(error)")
        }
    }

    /// The SHA-256 of an array.
    static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBytes { sha256($0) }
    }

    /// The first eight bytes of the SHA-256, as a little-endian integer: the check of a header or entry.
    static func check(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        sha256(bytes).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self).littleEndian }
    }

    /// Lowercase hexadecimal.
    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
