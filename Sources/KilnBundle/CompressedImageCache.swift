/// Compressed frames kept between builds, so that writing a bundle whose images did not
/// change compresses nothing: zstd at level 19 costs seconds, reading a frame back costs
/// milliseconds.
///
/// A frame is found by a ``CompressionKey``. The writer never trusts what a cache returns: it
/// decompresses the frame (against its reference) and compares the result with the raw bytes
/// before using it, and compresses again when they differ.
public protocol CompressedImageCache: Sendable {
    /// The frame stored under a key, or nil.
    func frame(for key: CompressionKey) -> [UInt8]?
    /// Stores a frame under a key; a failure to store only costs a compression next time.
    func store(_ frame: [UInt8], for key: CompressionKey)
}

/// What a compressed frame depends on: its content (an image's raw or coded bytes), the zstd
/// level, its prefix (a reference's bytes, raw or coded the same way), and the zstd library's version.
public struct CompressionKey: Sendable, Hashable {
    /// The SHA-256 of the frame's content: an image's raw bytes, or their coding.
    public var rawSHA256: [UInt8]
    /// The zstd level.
    public var level: Int32
    /// The SHA-256 of the frame's prefix (a reference's bytes as the frame was compressed
    /// against them), or nil for a frame without one.
    public var referenceSHA256: [UInt8]?
    /// The zstd library that compresses (its output may change between versions).
    public var zstdVersion: String

    /// A key for raw bytes at a level, against a reference or none, with this zstd.
    public init(rawSHA256: [UInt8], level: Int32, referenceSHA256: [UInt8]?) {
        self.rawSHA256 = rawSHA256
        self.level = level
        self.referenceSHA256 = referenceSHA256
        zstdVersion = Zstd.version
    }

    /// The key as text, one field a line: what a cache binds an entry to.
    public var text: String {
        "kiln-zstd 1\nraw \(Digest.hex(rawSHA256))\nlevel \(level)\nreference \(referenceSHA256.map(Digest.hex) ?? "none")\nzstd \(zstdVersion)"
    }
}
