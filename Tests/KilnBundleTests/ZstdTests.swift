@testable import KilnBundle
import KilnCore
import KilnTestSupport
import Testing

/// Both decoding paths — one call up to 16 MiB, streaming above — with and without a prefix.
@Suite("zstd frames")
struct ZstdTests {
    static func data(_ size: Int, seed: UInt64) -> [UInt8] {
        var generator = SplitMix64(seed: seed)
        // Runs of noise, so the frame is small but not trivial.
        var out: [UInt8] = []
        out.reserveCapacity(size)
        while out.count < size {
            let byte = UInt8(truncatingIfNeeded: generator.next())
            out += repeatElement(byte, count: min(size - out.count, 1 + Int(generator.next() % 300)))
        }
        return out
    }

    @Test("a frame reads back on either path, with and without a prefix",
          arguments: [(4096, false), (4096, true), (17 << 20, false), (17 << 20, true)])
    func roundTrip(_ size: Int, _ withPrefix: Bool) throws {
        // Noise, so only the prefix makes it small.
        var generator = SplitMix64(seed: 1)
        let raw = (0..<size).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        var prefix: [UInt8]? = nil
        if withPrefix {
            var near = raw
            near[size / 2] ^= 0xFF
            prefix = near
        }
        let frame = Zstd.compress(raw, level: 3, prefix: prefix)
        if withPrefix { #expect(frame.count < 2000, "a near copy as prefix leaves almost nothing to store: \(frame.count)") }
        #expect(try Zstd.decompress(frame, rawSize: UInt64(size), limit: 1 << 30, what: "t", prefix: prefix) == raw)
        if withPrefix {
            // Without its prefix, or with another, the frame does not give the bytes back.
            #expect(throws: KilnError.self) { try Zstd.decompress(frame, rawSize: UInt64(size), limit: 1 << 30, what: "t") }
        }
    }

    @Test("a kept decompression context carries nothing from one frame to the next: a prefix, a failure, either path")
    func keptContexts() throws {
        let contexts = Zstd.DecompressionContexts()
        var generator = SplitMix64(seed: 7)
        let base = (0..<4096).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        var near = base
        near[100] ^= 0xFF
        let referenced = Zstd.compress(near, level: 3, prefix: base)
        let alone = Zstd.compress(near, level: 3)
        let large = Self.data(17 << 20, seed: 3)
        let largeFrame = Zstd.compress(large, level: 3)
        for _ in 0..<3 {
            #expect(try Zstd.decompress(referenced, rawSize: 4096, limit: 1 << 30, what: "t", prefix: base, contexts: contexts) == near)
            // The prefix was for that frame only: without it the same frame fails, and a frame
            // stored alone reads back whole.
            #expect(throws: KilnError.self) { try Zstd.decompress(referenced, rawSize: 4096, limit: 1 << 30, what: "t", contexts: contexts) }
            #expect(try Zstd.decompress(alone, rawSize: 4096, limit: 1 << 30, what: "t", contexts: contexts) == near)
            #expect(throws: KilnError.self) { try Zstd.decompress(Array(largeFrame.dropLast(9)), rawSize: UInt64(large.count), limit: 1 << 30, what: "t", contexts: contexts) }
            #expect(try Zstd.decompress(largeFrame, rawSize: UInt64(large.count), limit: 1 << 30, what: "t", contexts: contexts) == large)
        }
    }

    @Test("trailing bytes, a cut frame or a wrong size are refused on either path", arguments: [4096, 17 << 20])
    func refused(_ size: Int) throws {
        let raw = Self.data(size, seed: 2)
        let frame = Zstd.compress(raw, level: 3)
        for (bytes, rawSize) in [(frame + [0], size), (Array(frame.dropLast(3)), size), (frame, size - 1), (frame, size + 1)] {
            let error = try #require(throws: KilnError.self) {
                try Zstd.decompress(bytes, rawSize: UInt64(rawSize), limit: 1 << 30, what: "t")
            }
            #expect(error.code == .corruptBundle)
        }
    }
}
