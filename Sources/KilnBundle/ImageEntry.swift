import KilnCore

/// One row of a bundle's image table: where one module's image for one target is, and
/// how to check it.
public struct ImageEntry: Sendable, Equatable {
    /// The module's name.
    public var module: String
    /// The target's canonical name.
    public var target: String
    /// The toolchain and version that made the image.
    public var toolchain: String
    /// The image's format.
    public var format: ImageFormat
    /// How the bytes are stored.
    public var codec: ImageCodec
    /// The absolute offset of the stored bytes in the file.
    public var offset: UInt64
    /// The stored (compressed) size.
    public var storedSize: UInt64
    /// The size after decompression.
    public var rawSize: UInt64
    /// The SHA-256 of the raw bytes.
    public var sha256: [UInt8]
    /// With ``ImageCodec/zstdReferenced``, the position in the image table of the image whose
    /// raw bytes the frame was compressed against; nil for other codecs.
    public var reference: Int?
    /// How the raw bytes were rewritten before they were compressed.
    public var transform: ImageTransform = .none
    /// With a transform, the size of the rewritten bytes (what the frame decompresses to);
    /// nil without one.
    public var transformedSize: UInt64?

    /// The SHA-256 in hexadecimal.
    public var sha256Hex: String { Digest.hex(sha256) }
}
