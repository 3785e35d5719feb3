import CZstd
import KilnCore

/// zstd compression of single images, one frame each.
enum Zstd {
    /// The zstd library's version, e.g. `1.5.4`.
    static var version: String { String(cString: ZSTD_versionString()) }

    /// Compresses bytes into one frame that records its content size.
    static func compress(_ source: [UInt8], level: Int32) -> [UInt8] {
        let bound = ZSTD_compressBound(source.count)
        var out = [UInt8](repeating: 0, count: bound)
        let written = source.withUnsafeBytes { src in
            out.withUnsafeMutableBytes { dst in
                ZSTD_compress(dst.baseAddress, bound, src.baseAddress, src.count, level)
            }
        }
        // Compressing into a buffer of ZSTD_compressBound bytes cannot fail.
        precondition(ZSTD_isError(written) == 0, "zstd: \(String(cString: ZSTD_getErrorName(written)))")
        out.removeSubrange(written...)
        return out
    }

    /// Decompresses one frame whose content size must equal `rawSize`.
    ///
    /// - Throws: `KilnError.corruptBundle` if the frame is damaged or its size differs,
    ///   before allocating anything when the frame header disagrees.
    static func decompress(_ frame: UnsafeRawBufferPointer, rawSize: Int, what: String) throws -> [UInt8] {
        let declared = ZSTD_getFrameContentSize(frame.baseAddress, frame.count)
        guard declared == UInt64(rawSize) else {
            throw KilnError(.corruptBundle, "\(what): its zstd frame declares \(declared) bytes, the image table \(rawSize) — the bundle is damaged; rebuild it")
        }
        var out = [UInt8](repeating: 0, count: rawSize)
        let written = out.withUnsafeMutableBytes { dst in
            ZSTD_decompress(dst.baseAddress, rawSize, frame.baseAddress, frame.count)
        }
        guard ZSTD_isError(written) == 0, written == rawSize else {
            let reason = ZSTD_isError(written) != 0 ? String(cString: ZSTD_getErrorName(written)) : "\(written) bytes"
            throw KilnError(.corruptBundle, "\(what): zstd could not decompress it (\(reason)) — the bundle is damaged; rebuild it")
        }
        return out
    }
}
