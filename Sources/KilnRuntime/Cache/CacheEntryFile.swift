import KilnBundle
import KilnCore

/// The bytes of one cache entry file: a header that carries the payload's length and
/// SHA-256 and the key's text, then the payload. A reader checks all of it.
///
/// ```
/// "KILNJIT1" | u32 key-text length | u64 payload length | 32-byte SHA-256 of the payload | key text | payload
/// ```
enum CacheEntryFile {
    static let magic = Array("KILNJIT1".utf8)
    static let headerSize = 8 + 4 + 8 + 32

    /// The file's bytes for a key and payload.
    static func encode(key: JITCacheKey, payload: [UInt8]) -> [UInt8] {
        let text = Array(key.canonicalText.utf8)
        var out = magic
        withUnsafeBytes(of: UInt32(text.count).littleEndian) { out += $0 }
        withUnsafeBytes(of: UInt64(payload.count).littleEndian) { out += $0 }
        out += hexBytes(SHA256Digest.hex(of: payload))
        return out + text + payload
    }

    /// What a well-formed entry holds.
    struct Decoded {
        var keyText: String
        var payload: [UInt8]
    }

    /// Decodes and checks an entry file; nil if it is truncated, damaged or for another key.
    static func decode(_ bytes: [UInt8], expectedKey: JITCacheKey? = nil) -> Decoded? {
        guard bytes.count >= headerSize, Array(bytes[0..<8]) == magic else { return nil }
        let textLength = bytes[8..<12].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let payloadLength = bytes[12..<20].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        let digest = Array(bytes[20..<52])
        guard textLength <= bytes.count - headerSize,
              UInt64(bytes.count - headerSize - textLength) == payloadLength else { return nil }
        let textEnd = headerSize + textLength
        guard let text = String(validating: bytes[headerSize..<textEnd], as: UTF8.self) else { return nil }
        let payload = Array(bytes[textEnd...])
        guard hexBytes(SHA256Digest.hex(of: payload)) == digest else { return nil }
        if let expectedKey, expectedKey.canonicalText != text { return nil }
        return Decoded(keyText: text, payload: payload)
    }

    static func hexBytes(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var iterator = hex.utf8.makeIterator()
        func nibble(_ c: UInt8) -> UInt8 { c >= 97 ? c - 87 : c - 48 }
        while let high = iterator.next(), let low = iterator.next() { out.append(nibble(high) << 4 | nibble(low)) }
        return out
    }
}
