import CZstd
import KilnCore
import Synchronization

/// zstd compression of single images, one frame each.
enum Zstd {
    /// The zstd library's version, e.g. `1.5.4`.
    static var version: String { String(cString: ZSTD_versionString()) }

    /// Compresses bytes into one frame that records its content size.
    ///
    /// - Parameter prefix: raw bytes the frame may refer back to (zstd's raw-content prefix,
    ///   `ZSTD_CCtx_refPrefix`); the same bytes must be given to ``decompress(_:rawSize:limit:what:prefix:)``.
    static func compress(_ source: [UInt8], level: Int32, prefix: [UInt8]? = nil) -> [UInt8] {
        let bound = ZSTD_compressBound(source.count)
        var out = [UInt8](repeating: 0, count: bound)
        let written = source.withUnsafeBytes { src in
            out.withUnsafeMutableBytes { dst in
                guard let prefix else { return ZSTD_compress(dst.baseAddress, bound, src.baseAddress, src.count, level) }
                guard let context = ZSTD_createCCtx() else { return Int.max }
                defer { ZSTD_freeCCtx(context) }
                // The window must reach back over the whole prefix, or a large image only half
                // uses its reference; readers accept windows up to 2^27 (zstd's default limit).
                // Long-distance matching finds matches that far back (as `zstd --patch-from` does).
                let reach = prefix.count + source.count
                let windowLog = reach > 1 << 23 ? min(27, Int32(Int.bitWidth - (reach - 1).leadingZeroBitCount)) : 0
                return prefix.withUnsafeBytes { dictionary in
                    for status in [ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level),
                                   ZSTD_CCtx_setParameter(context, ZSTD_c_windowLog, windowLog),
                                   ZSTD_CCtx_setParameter(context, ZSTD_c_enableLongDistanceMatching, windowLog > 0 ? 1 : 0),
                                   ZSTD_CCtx_setParameter(context, ZSTD_c_contentSizeFlag, 1),
                                   ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 0),
                                   ZSTD_CCtx_refPrefix(context, dictionary.baseAddress, dictionary.count)]
                    where ZSTD_isError(status) != 0 { return status }
                    return ZSTD_compress2(context, dst.baseAddress, bound, src.baseAddress, src.count)
                }
            }
        }
        // Compressing into a buffer of ZSTD_compressBound bytes cannot fail (but for memory).
        precondition(written != Int.max && ZSTD_isError(written) == 0, "zstd: out of memory or \(String(cString: ZSTD_getErrorName(written)))")
        out.removeSubrange(written...)
        return out
    }

    /// Decompression contexts one owner (a bundle reader) keeps between images: making one costs
    /// about what decoding a small image does (a twentieth of reading a bundle's every image).
    /// Each is used by one caller at a time; a few are kept for callers on several threads.
    final class DecompressionContexts: Sendable {
        private struct Context: @unchecked Sendable { let pointer: OpaquePointer }
        private let idle = Mutex<[Context]>([])
        private static let kept = 4

        init() {}

        /// A context with no parameters or prefix set, or nil when there is no memory for one.
        func take() -> OpaquePointer? {
            idle.withLock { $0.popLast()?.pointer } ?? ZSTD_createDCtx()
        }

        /// Takes back a context from ``take()``, cleared for its next use.
        func give(_ context: OpaquePointer) {
            ZSTD_DCtx_reset(context, ZSTD_reset_session_and_parameters)
            let kept = idle.withLock { idle in
                guard idle.count < Self.kept else { return false }
                idle.append(Context(pointer: context))
                return true
            }
            if !kept { ZSTD_freeDCtx(context) }
        }

        deinit {
            for context in idle.withLock({ $0 }) { ZSTD_freeDCtx(context.pointer) }
        }
    }

    /// Frames that declare at most this many bytes (16 MiB) are decoded in one call into a
    /// buffer of the declared size — a bounded cost, and no window buffer, no copy; larger ones
    /// are streamed into a buffer that grows only with what they produce.
    static let oneShotLimit: UInt64 = 16 << 20

    /// Decodes one whole frame (and nothing after it) into exactly `rawSize` bytes.
    private static func decompressOnce(_ frame: [UInt8], rawSize: Int, context: OpaquePointer, prefix: [UInt8]?,
                                       damaged: (String) -> KilnError) throws(KilnError) -> [UInt8] {
        var failure: String? = nil
        let out: [UInt8]
        do { out = try [UInt8](unsafeUninitializedCapacity: rawSize) { buffer, initialized in
            try (prefix ?? []).withUnsafeBytes { dictionary in try frame.withUnsafeBytes { source in
                let length = ZSTD_findFrameCompressedSize(source.baseAddress, source.count)
                if ZSTD_isError(length) != 0 { throw damaged(String(cString: ZSTD_getErrorName(length))) }
                guard length == source.count else { throw damaged("bytes follow the frame") }
                if prefix != nil {
                    let status = ZSTD_DCtx_refPrefix(context, dictionary.baseAddress, dictionary.count)
                    if ZSTD_isError(status) != 0 { throw damaged(String(cString: ZSTD_getErrorName(status))) }
                }
                let written = ZSTD_decompressDCtx(context, buffer.baseAddress, rawSize, source.baseAddress, source.count)
                if ZSTD_isError(written) != 0 {
                    failure = String(cString: ZSTD_getErrorName(written))
                } else {
                    initialized = written
                }
            } }
        } } catch { throw .wrapping(error, as: .corruptBundle, damaged("\(error)").message) }
        if let failure { throw damaged(failure) }
        guard out.count == rawSize else { throw damaged("\(out.count) bytes, not \(rawSize)") }
        return out
    }

    /// Decompresses one frame whose content size must equal `rawSize`.
    ///
    /// Up to ``oneShotLimit`` declared bytes it is decoded in one call into a buffer of that
    /// size. Above, nothing is allocated in proportion to the declared size: the frame is
    /// streamed, the output grows only as the frame actually produces bytes, and stops the
    /// moment it would pass `rawSize`. A frame that declares 1 GiB and is cut short costs what
    /// its own bytes decode to, not 1 GiB.
    /// - Parameters:
    ///   - rawSize: the size the container declares; the frame must declare the same, and
    ///     must decode to exactly that many bytes.
    ///   - limit: the largest size accepted at all.
    ///   - prefix: the raw bytes the frame was compressed against (its reference image), or nil.
    ///   - contexts: where to take the decompression context from and give it back; by default
    ///     a pool of this call's own, so the context is made and freed here.
    /// - Throws: `KilnError.corruptBundle` if the frame is damaged, truncated, followed by other
    ///   bytes, or its size differs from `rawSize` or passes `limit`.
    static func decompress(_ frame: [UInt8], rawSize: UInt64, limit: UInt64, what: String,
                           prefix: [UInt8]? = nil, contexts: DecompressionContexts = DecompressionContexts()) throws(KilnError) -> [UInt8] {
        func damaged(_ reason: String) -> KilnError {
            KilnError(.corruptBundle, "\(what): zstd could not decompress it (\(reason)) — the bundle is damaged; rebuild it")
        }
        guard rawSize <= limit else {
            throw KilnError(.corruptBundle, "\(what) claims \(rawSize) bytes, over the limit of \(limit) — the bundle is damaged or hostile; rebuild it")
        }
        let declared = frame.withUnsafeBytes { ZSTD_getFrameContentSize($0.baseAddress, $0.count) }
        guard declared == rawSize else {
            throw KilnError(.corruptBundle, "\(what): its zstd frame declares \(declared) bytes, the bundle \(rawSize) — the bundle is damaged; rebuild it")
        }
        guard let stream = contexts.take() else { throw damaged("out of memory") }
        defer { contexts.give(stream) }
        if rawSize <= oneShotLimit {
            return try decompressOnce(frame, rawSize: Int(rawSize), context: stream, prefix: prefix, damaged: damaged)
        }
        var out: [UInt8] = []
        out.reserveCapacity(Int(min(rawSize, 1 << 20)))
        var chunk = [UInt8](repeating: 0, count: ZSTD_DStreamOutSize())
        // The prefix is referenced, not copied: it must stay in place until the frame ends.
        do { try (prefix ?? []).withUnsafeBytes { dictionary in try frame.withUnsafeBytes { source in
            if prefix != nil {
                let status = ZSTD_DCtx_refPrefix(stream, dictionary.baseAddress, dictionary.count)
                if ZSTD_isError(status) != 0 { throw damaged(String(cString: ZSTD_getErrorName(status))) }
            }
            var input = ZSTD_inBuffer(src: source.baseAddress, size: source.count, pos: 0)
            while true {
                let (result, produced) = chunk.withUnsafeMutableBytes { target in
                    var output = ZSTD_outBuffer(dst: target.baseAddress, size: target.count, pos: 0)
                    let result = ZSTD_decompressStream(stream, &output, &input)
                    return (result, output.pos)
                }
                if ZSTD_isError(result) != 0 { throw damaged(String(cString: ZSTD_getErrorName(result))) }
                guard UInt64(out.count + produced) <= rawSize else { throw damaged("it decodes to more than \(rawSize) bytes") }
                out.append(contentsOf: chunk[0..<produced])
                if result == 0 { break }  // the frame is complete
                if input.pos == input.size && produced < chunk.count { throw damaged("the frame is cut short") }
            }
            guard input.pos == input.size else { throw damaged("bytes follow the frame") }
        } } } catch { throw .wrapping(error, as: .corruptBundle, damaged("\(error)").message) }
        guard UInt64(out.count) == rawSize else { throw damaged("\(out.count) bytes, not \(rawSize)") }
        return out
    }
}
