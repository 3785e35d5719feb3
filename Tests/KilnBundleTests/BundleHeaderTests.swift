@testable import KilnBundle
import KilnCore
import KilnTestSupport
import Testing

/// The header's one decoder and one encoder: what one writes the other reads, field for field,
/// and every damaged field is refused by name.
@Suite("Bundle header")
struct BundleHeaderTests {
    /// A header whose every field holds a distinct value with no zero byte where the field has
    /// room for one, so a field written over another's bytes cannot go unseen.
    static func header(version: UInt32, codec: ImageCodec = .zstd, flags: BundleFlags = []) -> BundleHeader {
        BundleHeader(
            formatVersion: version, writerVersion: "kiln 9.87.6-rc.1", fileSize: 0x0102_0304_0506,
            tableOffset: 192, imageCount: 0x0203,
            strings: .init(offset: 0x0001_1111, size: 0x0000_2222),
            manifest: .init(offset: 0x0002_3333, size: 0x0000_4444),
            data: .init(offset: 0x0003_5555, size: 0x0001_6666),
            manifestSHA256: (1...32).map { UInt8($0 * 7) }, manifestCodec: codec, flags: flags,
            manifestRawSize: 0x0001_7777)
    }

    @Test("decode(encode(header)) gives the header back, for every format version, codec and flag",
          arguments: [1, 2, 3] as [UInt32], [ImageCodec.none, .zstd])
    func roundTrip(version: UInt32, codec: ImageCodec) throws {
        for flags in [[], BundleFlags.signed] as [BundleFlags] {
            let header = Self.header(version: version, codec: codec, flags: flags)
            let bytes = header.bytes
            #expect(bytes.count == BundleFormat.headerSize)
            #expect(Array(bytes[BundleHeader.Field.magic]) == BundleFormat.magic)
            let decoded = try BundleHeader(bytes: bytes, fileSize: header.fileSize, path: "h.kiln")
            #expect(decoded == header)
            #expect(decoded.bytes == bytes)
        }
    }

    @Test("a written bundle's header decodes to its fields and encodes to the same bytes, in versions 1, 2 and 3")
    func writtenHeaders() throws {
        let bundles: [(UInt32, [UInt8])] = [
            (1, try SyntheticBundle.bytes(modules: ["gemm"], deviceList: "pvc,sm_90,cpu", imageSize: 2048)),
            (2, try SyntheticBundle.relatedWriter(modules: ["gemm", "saxpy"], deviceList: "pvc,sm_80,sm_90,cpu", imageSize: 2048).serialize()),
            (3, try BundleSignature.sign(try InputFile.bytes(try PTXOperandCodingTests.bundle(ptx: PTXOperandCodingTests.ptx()), what: "test bundle"),
                                         with: BundleSignatureTests.key)),
        ]
        for (version, bytes) in bundles {
            let header = try BundleHeader(bytes: Array(bytes.prefix(BundleFormat.headerSize)), fileSize: UInt64(bytes.count), path: "b.kiln")
            #expect(header.formatVersion == version)
            #expect(header.writerVersion == KilnVersion.current)
            #expect(header.fileSize == UInt64(bytes.count))
            #expect(header.flags == (version == 3 ? .signed : []))
            #expect(header.data.offset + header.data.size <= header.fileSize)
            #expect(header.bytes == Array(bytes.prefix(BundleFormat.headerSize)))
        }
    }

    /// Each damage, applied to a valid header's fields or bytes, and the words its refusal names.
    static let damages: [(String, KilnError.Code, String)] = [
        ("magic", .corruptBundle, "is not a Kiln bundle"),
        ("format version", .unsupportedBundleVersion, "format version 5"),
        ("header size", .corruptBundle, "header size 161"),
        ("header check", .corruptBundle, "header's checksum"),
        ("file size", .corruptBundle, "its header says"),
        ("entry size", .corruptBundle, "entry size 127"),
        ("image table", .corruptBundle, "the image table"),
        ("string table", .corruptBundle, "the string table"),
        ("manifest", .corruptBundle, "the manifest (bytes"),
        ("data region", .corruptBundle, "the data region"),
        ("manifest codec", .corruptBundle, "manifest codec 2"),
        ("manifest raw size", .corruptBundle, "its manifest claims"),
        ("writer version", .corruptBundle, "the writer's version"),
        ("flags", .unsupportedBundleVersion, "header flags (2)"),
        ("reserved", .unsupportedBundleVersion, "header flags"),
    ]

    @Test("a damaged field of each kind is refused, naming it", arguments: damages)
    func damagedField(_ damage: (field: String, code: KilnError.Code, words: String)) throws {
        var header = Self.header(version: 3)
        header.fileSize = 0x0005_0000
        #expect(throws: Never.self) { try BundleHeader(bytes: header.bytes, fileSize: header.fileSize, path: "h.kiln") }
        typealias Field = BundleHeader.Field
        var patch: (inout [UInt8]) -> Void = { _ in }
        func resealed(_ edit: @escaping (inout [UInt8]) -> Void) -> (inout [UInt8]) -> Void {
            { bytes in edit(&bytes); var out = ByteWriter(bytes: bytes); out.set(BundleHeader.check(bytes), at: Field.check); bytes = out.bytes }
        }
        switch damage.field {
        case "magic": patch = { $0[Field.magic.lowerBound + 7] = UInt8(ascii: "X") }
        case "format version": header.formatVersion = BundleFormat.version + 1
        case "header size": patch = resealed { var out = ByteWriter(bytes: $0); out.set(UInt32(161), at: Field.headerSize); $0 = out.bytes }
        case "header check": patch = { $0[Field.check] ^= 1 }
        case "file size": header.fileSize += 1
        case "entry size": patch = resealed { var out = ByteWriter(bytes: $0); out.set(UInt32(127), at: Field.entrySize); $0 = out.bytes }
        case "image table": header.imageCount = UInt32.max
        case "string table": header.strings.size = header.fileSize
        case "manifest": header.manifest.offset = UInt64.max - 1
        case "data region": header.data.size = header.fileSize
        case "manifest codec": header.manifestCodec = .zstdReferenced
        case "manifest raw size": header.manifestRawSize = BundleFormat.maximumManifestSize + 1
        case "writer version": patch = resealed { $0[Field.writerVersion.upperBound - 1] = 1; $0[Field.writerVersion.upperBound - 2] = 0 }
        case "flags": header.flags = BundleFlags(rawValue: 2)
        default: patch = resealed { $0[Field.reserved.lowerBound] = 1 }
        }
        var bytes = header.bytes
        patch(&bytes)
        let error = try #require(throws: KilnError.self) { try BundleHeader(bytes: bytes, fileSize: 0x0005_0000, path: "h.kiln") }
        #expect(error.code == damage.code)
        #expect(error.message.contains(damage.words), "\(damage.field): \(error.message)")
        #expect(error.message.contains("h.kiln"))
    }

    @Test("a file shorter than a header is refused at every length")
    func shortHeader() throws {
        let bytes = Self.header(version: 1).bytes
        for length in [0, 7, 8, 11, 12, 31, 32, 159] {
            let error = try #require(throws: KilnError.self) {
                try BundleHeader(bytes: Array(bytes.prefix(length)), fileSize: UInt64(length), path: "short.kiln")
            }
            #expect(error.code == .corruptBundle)
            #expect(error.message.contains("short.kiln"))
        }
    }
}
