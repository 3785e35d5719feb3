#if canImport(Glibc)
import Glibc
#endif
import KilnBundle
import KilnCore

/// The bytes of one cache entry file: a header that carries the payload's length and
/// SHA-256 and the key's text, then the payload. A reader checks all of it.
///
/// ```
/// "KILNJIT1" | u32 key-text length | u64 payload length | 32-byte SHA-256 of the payload | key text | payload
/// ```
/// The JIT cache and the build cache both use it; the file is named after the SHA-256 of the
/// key text, so an entry is bound to its key.
package enum CacheEntryFile {
    package static let magic = Array("KILNJIT1".utf8)
    package static let headerSize = 8 + 4 + 8 + 32
    /// The longest key text a reader accepts.
    package static let maximumKeyText = 1 << 16

    /// Why an entry file was refused.
    package struct Failure: Error {
        package var text: String
    }

    /// The file's bytes for a key and payload.
    package static func encode(keyText: String, payload: [UInt8]) -> [UInt8] {
        let text = Array(keyText.utf8)
        var out = magic
        withUnsafeBytes(of: UInt32(text.count).littleEndian) { out += $0 }
        withUnsafeBytes(of: UInt64(payload.count).littleEndian) { out += $0 }
        out += hexBytes(SHA256Digest.hex(of: payload))
        return out + text + payload
    }

    /// Reads `count` bytes at an offset of an open file; nil on a short read.
    package static func pread(_ fd: Int32, _ offset: UInt64, _ count: Int) -> [UInt8]? {
        var ok = true
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var done = 0
            while done < count {
                let n = Glibc.pread(fd, buffer.baseAddress! + done, count - done, off_t(offset) + off_t(done))
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { ok = false; break }
                done += n
            }
            initialized = done
        }
        return ok ? bytes : nil
    }

    /// The header's fields, checked against the file's size: nil if they do not fit it.
    private static func header(fd: Int32, size: UInt64) -> (textLength: Int, payloadLength: UInt64, digest: [UInt8])? {
        guard size >= UInt64(headerSize), let head = pread(fd, 0, headerSize), Array(head[0..<8]) == magic else { return nil }
        let textLength = head[8..<12].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let payloadLength = head[12..<20].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard textLength <= maximumKeyText, UInt64(headerSize + textLength) <= size,
              size - UInt64(headerSize + textLength) == payloadLength else { return nil }
        return (textLength, payloadLength, Array(head[20..<52]))
    }

    /// The key text of an entry file, read without its payload; nil if the header is damaged.
    package static func keyText(fd: Int32, size: UInt64) -> String? {
        guard let header = header(fd: fd, size: size),
              let text = pread(fd, UInt64(headerSize), header.textLength) else { return nil }
        return String(validating: text, as: UTF8.self)
    }

    /// Reads and checks an entry file: its header against its size, its key text against the
    /// expected one (before the payload is read), then the payload against its SHA-256.
    package static func read(fd: Int32, size: UInt64, expectedKeyText: String) -> Result<[UInt8], Failure> {
        guard let header = header(fd: fd, size: size) else { return .failure(Failure(text: "its header is damaged or it is truncated")) }
        guard let text = pread(fd, UInt64(headerSize), header.textLength), text.elementsEqual(expectedKeyText.utf8) else {
            return .failure(Failure(text: "it holds another key's entry"))
        }
        guard let payload = pread(fd, UInt64(headerSize + header.textLength), Int(header.payloadLength)),
              hexBytes(SHA256Digest.hex(of: payload)) == header.digest else {
            return .failure(Failure(text: "its payload fails its SHA-256"))
        }
        return .success(payload)
    }

    package static func hexBytes(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var iterator = hex.utf8.makeIterator()
        func nibble(_ c: UInt8) -> UInt8 { c >= 97 ? c - 87 : c - 48 }
        while let high = iterator.next(), let low = iterator.next() { out.append(nibble(high) << 4 | nibble(low)) }
        return out
    }
}
