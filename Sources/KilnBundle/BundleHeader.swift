import KilnCore

/// The 160-byte header that starts every bundle (docs/FORMAT.md, "Header"), with every field
/// named: one decoder, ``init(bytes:fileSize:path:)``, that makes every check a reader makes of
/// a header, and one encoder, ``bytes``, that the writer and the signer use. The byte offsets
/// live only in ``Field``, so the reader and the writer cannot disagree on one.
struct BundleHeader: Sendable, Equatable {
    /// A region of the file: an absolute offset and a size in bytes.
    struct Region: Sendable, Equatable {
        var offset: UInt64
        var size: UInt64
    }

    /// The format version (1, 2 or 3: see ``BundleFormat/version``).
    var formatVersion: UInt32
    /// The Kiln version that wrote the file: at most 16 bytes of UTF-8, no NUL.
    var writerVersion: String
    /// The file's size in bytes, signature block included.
    var fileSize: UInt64
    /// The absolute offset of the image table.
    var tableOffset: UInt64
    /// The number of entries in the image table.
    var imageCount: UInt32
    /// The string table.
    var strings: Region
    /// The manifest as stored.
    var manifest: Region
    /// The data region, which holds every stored image.
    var data: Region
    /// The SHA-256 of the manifest's stored bytes.
    var manifestSHA256: [UInt8]
    /// How the manifest is stored: ``ImageCodec/none`` or ``ImageCodec/zstd``.
    var manifestCodec: ImageCodec
    /// The header's flags.
    var flags: BundleFlags
    /// The manifest's size after decompression; the writer records the stored size with
    /// ``ImageCodec/none``, and a reader then ignores it.
    var manifestRawSize: UInt64

    /// The byte size of the image table.
    var tableSize: UInt64 { UInt64(imageCount) * UInt64(BundleFormat.entrySize) }

    /// Where each field lies in the header: the only place that names a header offset.
    enum Field {
        static let magic = 0..<8
        static let formatVersion = 8
        static let headerSize = 12
        /// 16 bytes of UTF-8, NUL-padded, here in every format version.
        static let writerVersion = 16..<32
        static let fileSize = 32
        static let tableOffset = 40
        static let imageCount = 48
        static let entrySize = 52
        static let stringsOffset = 56
        static let stringsSize = 64
        static let manifestOffset = 72
        static let manifestSize = 80
        static let dataOffset = 88
        static let dataSize = 96
        static let manifestSHA256 = 104..<136
        static let manifestCodec = 136
        static let flags = 137
        /// Zero in every version so far.
        static let reserved = 138..<144
        static let manifestRawSize = 144
        /// The first 8 bytes of SHA-256(bytes 0..<152), little-endian.
        static let check = 152
    }

    /// The header's 160 bytes, its check computed over the first 152.
    var bytes: [UInt8] {
        var out = ByteWriter(bytes: [UInt8](repeating: 0, count: BundleFormat.headerSize))
        out.bytes.replaceSubrange(Field.magic, with: BundleFormat.magic)
        out.set(formatVersion, at: Field.formatVersion)
        out.set(UInt32(BundleFormat.headerSize), at: Field.headerSize)
        let writer = Array(writerVersion.utf8.prefix(Field.writerVersion.count))
        out.bytes.replaceSubrange(Field.writerVersion.lowerBound..<(Field.writerVersion.lowerBound + writer.count), with: writer)
        out.set(fileSize, at: Field.fileSize)
        out.set(tableOffset, at: Field.tableOffset)
        out.set(imageCount, at: Field.imageCount)
        out.set(UInt32(BundleFormat.entrySize), at: Field.entrySize)
        out.set(strings.offset, at: Field.stringsOffset)
        out.set(strings.size, at: Field.stringsSize)
        out.set(manifest.offset, at: Field.manifestOffset)
        out.set(manifest.size, at: Field.manifestSize)
        out.set(data.offset, at: Field.dataOffset)
        out.set(data.size, at: Field.dataSize)
        out.bytes.replaceSubrange(Field.manifestSHA256, with: manifestSHA256.prefix(Field.manifestSHA256.count))
        out.set(manifestCodec.rawValue, at: Field.manifestCodec)
        out.set(flags.rawValue, at: Field.flags)
        out.set(manifestRawSize, at: Field.manifestRawSize)
        out.set(Self.check(out.bytes), at: Field.check)
        return out.bytes
    }

    /// The header check of a header's bytes: over every byte before ``Field/check``.
    static func check(_ header: [UInt8]) -> UInt64 {
        header.withUnsafeBytes { Digest.check(UnsafeRawBufferPointer(rebasing: $0.prefix(Field.check))) }
    }
}

/// The flags of a bundle's header (byte 137).
struct BundleFlags: OptionSet, Sendable, Equatable {
    let rawValue: UInt8

    /// The file ends with a ``BundleSignature`` block.
    static let signed = BundleFlags(rawValue: 1)
    /// Every flag this Kiln knows.
    static let known: BundleFlags = [.signed]
}
