import KilnCore

/// The constants of the `.kiln` format; docs/FORMAT.md is the specification.
public enum BundleFormat {
    /// The eight bytes every bundle starts with.
    public static let magic: [UInt8] = Array("KILNBNDL".utf8)
    /// The newest format version this Kiln writes: when an image is coded before compression
    /// (an ``ImageTransform``) and stored against a reference. A bundle without one is written as
    /// version 3 when an image is coded, else 2 when an image is stored against a reference
    /// (``ImageCodec/zstdReferenced``), else 1, so that older readers read what they can.
    public static let version: UInt32 = 4
    /// The format versions this Kiln reads.
    public static let readableVersions: ClosedRange<UInt32> = 1...4
    /// The first format version with ``ImageCodec/zstdReferenced``.
    static let referencesVersion: UInt32 = 2
    /// The first format version with an ``ImageTransform`` other than none (with ``ImageCodec/zstd``).
    static let transformsVersion: UInt32 = 3
    /// The first format version with a coded image stored against a reference.
    static let codedReferencesVersion: UInt32 = 4
    /// The size of the version-1 header.
    public static let headerSize = 160
    /// The size of one version-1 image-table entry.
    public static let entrySize = 128
    /// The alignment of the image table, the string table, the manifest and every image.
    public static let alignment = 64
    /// The largest image, raw or stored, that a reader accepts (1 GiB).
    public static let maximumImageSize: UInt64 = 1 << 30
    /// The largest manifest, stored or decompressed, that a reader accepts (64 MiB).
    public static let maximumManifestSize: UInt64 = 64 << 20
    /// The most JSON objects and arrays a manifest may hold (2^19, about 50,000 kernels of ten
    /// parameters), counted before it is decoded, so a small hostile manifest cannot cost minutes.
    public static let maximumManifestContainers = 1 << 19
}

/// How an image's bytes are stored.
public enum ImageCodec: UInt8, Sendable, Codable, CustomStringConvertible {
    /// Stored as is.
    case none = 0
    /// One zstd frame.
    case zstd = 1
    /// One zstd frame compressed against the raw bytes of another image of the bundle (its
    /// reference, named by the entry) as zstd's raw-content prefix. The reference is itself
    /// stored with ``none`` or ``zstd``, never against a third image (format version 2). The
    /// frame may hold the image coded by its ``ImageTransform`` (format version 4); the prefix is
    /// then the reference coded the same way (`ImageTransform.prefix(coding:)`).
    case zstdReferenced = 2

    public var description: String {
        switch self {
        case .none: "none"
        case .zstd: "zstd"
        case .zstdReferenced: "zstd+ref"
        }
    }
}

/// How an image's raw bytes are rewritten, losslessly, before they are compressed (format
/// version 3; against a reference, version 4). The entry's SHA-256 and raw size are of the bytes
/// before the rewrite.
public enum ImageTransform: UInt8, Sendable, CustomStringConvertible {
    /// Compressed as they are.
    case none = 0
    /// PTX whose register and label numbers are written relative to the ones before
    /// (`PTXOperandCoding`); only in PTX images.
    case ptxOperands = 1
    /// A cubin whose section-header and symbol tables are written as differences, the header
    /// table column by column (`CubinTableCoding`); only in cubins.
    case cubinTables = 2

    public var description: String {
        switch self {
        case .none: "none"
        case .ptxOperands: "ptx-operands"
        case .cubinTables: "cubin-tables"
        }
    }
}

extension ImageFormat {
    /// The code of a format in the image table.
    var code: UInt8 {
        switch self {
        case .cubin: 1
        case .ptx: 2
        case .zebin: 3
        case .spirv: 4
        case .poclBinary: 5
        case .source: 6
        }
    }

    /// The format with this code, or nil.
    init?(code: UInt8) {
        guard let format = ImageFormat.allCases.first(where: { $0.code == code }) else { return nil }
        self = format
    }
}
