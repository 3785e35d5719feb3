@testable import KilnBundle
import KilnCore
import KilnTestSupport
import Testing

/// The image-table entry's one decoder and one encoder, and the table's checks of what they
/// decode: every damaged field is refused by name.
@Suite("Image table entry layout")
struct ImageEntryLayoutTests {
    typealias Layout = ImageEntry.Layout

    /// The string table of the test tables: `m`, `sm_80`, `sm_90`, `t`, then a byte that is not UTF-8.
    static let strings = Array("msm_80sm_90t".utf8) + [0xFF]
    static let data = BundleHeader.Region(offset: 4096, size: 8192)

    /// An entry of module `m`, toolchain `t`, for sm_80 (position 0) or sm_90 (position 1), stored alone.
    static func layout(_ index: Int) -> Layout {
        Layout(module: .init(offset: 0, length: 1), target: .init(offset: index == 0 ? 1 : 6, length: 5),
               toolchain: .init(offset: 11, length: 1), format: ImageFormat.cubin.code, codec: ImageCodec.none.rawValue,
               transform: ImageTransform.none.rawValue, offset: 4096 + UInt64(index) * 256, storedSize: 100, rawSize: 100,
               sha256: Array(repeating: UInt8(index + 1), count: 32), reference: 0, codedSize: 0, check: 0)
    }

    /// The module, target and toolchain bytes that an entry's check covers.
    static func names(_ layout: Layout) -> [UInt8] {
        [layout.module, layout.target, layout.toolchain].flatMap { strings[Int($0.offset)..<Int($0.offset + $0.length)] }
    }

    /// The table of two entries, sealed, read back through ``ImageTable``.
    static func table(_ entries: [Layout], version: UInt32) throws(KilnError) -> ImageTable {
        try ImageTable(entries: entries.flatMap { $0.bytes(names: names($0)) }, strings: strings, count: entries.count,
                       data: data, path: "t.kiln", formatVersion: version)
    }

    @Test("decode(encode(entry)) gives the entry back, with the fields of versions 1, 2 and 3", arguments: [1, 2, 3])
    func roundTrip(version: Int) throws {
        var layout = Layout(
            module: .init(offset: 0x0102_0304, length: 0x0506_0708), target: .init(offset: 0x1112_1314, length: 0x1516_1718),
            toolchain: .init(offset: 0x2122_2324, length: 0x2526_2728), format: 5, codec: 1, transform: 0,
            offset: 0x3132_3334_3536_3738, storedSize: 0x4142_4344_4546_4748, rawSize: 0x5152_5354_5556_5758,
            sha256: (1...32).map { UInt8($0) }, reference: 0, codedSize: 0, check: 0x6162_6364_6566_6768)
        if version >= 2 { layout.codec = 2; layout.reference = 0x7172_7374 }
        if version >= 3 { layout.transform = 2; layout.codedSize = 0x8182_8384_8586_8788 }
        let bytes = layout.bytes
        #expect(bytes.count == BundleFormat.entrySize)
        let decoded = try Layout(ByteReader(bytes: bytes, subject: "test"), at: 0, "entry")
        #expect(decoded == layout)
        #expect(decoded.bytes == bytes)
        // The check covers every byte before it and the names; sealing replaces only the check.
        let sealed = layout.bytes(names: [1, 2, 3])
        #expect(sealed.prefix(Layout.Field.check) == bytes.prefix(Layout.Field.check))
        #expect(try Layout(ByteReader(bytes: sealed, subject: "test"), at: 0, "entry").check == Layout.check(bytes, names: [1, 2, 3]))
    }

    @Test("every entry a writer wrote decodes and encodes back to its bytes, and reads as the entry")
    func writtenEntries() throws {
        let bytes = try SyntheticBundle.relatedWriter(modules: ["gemm", "saxpy"], deviceList: "pvc,sm_80,sm_90,cpu", imageSize: 2048).serialize()
        let header = try BundleHeader(bytes: Array(bytes.prefix(BundleFormat.headerSize)), fileSize: UInt64(bytes.count), path: "b.kiln")
        let reader = try BundleReader(path: try SyntheticBundle.temporaryFile(bytes))
        let table = ByteReader(bytes: Array(bytes[Int(header.tableOffset)..<Int(header.tableOffset + header.tableSize)]), subject: "b.kiln")
        var referenced = 0
        for (index, entry) in try reader.entries().enumerated() {
            let base = index * BundleFormat.entrySize
            let layout = try Layout(table, at: base, "entry \(index)")
            #expect(layout.bytes == Array(table.bytes[base..<(base + BundleFormat.entrySize)]))
            #expect(layout.offset == entry.offset && layout.storedSize == entry.storedSize && layout.rawSize == entry.rawSize)
            #expect(layout.sha256 == entry.sha256 && layout.codec == entry.codec.rawValue && layout.format == entry.format.code)
            #expect(Int(layout.reference) == (entry.reference ?? 0))
            if entry.reference != nil { referenced += 1 }
        }
        #expect(referenced > 0, "the bundle holds no reference")
    }

    @Test("an intact table reads both entries")
    func intact() throws {
        let table = try Self.table([Self.layout(0), Self.layout(1)], version: 1)
        #expect(try table.entry(at: 0).target == "sm_80")
        #expect(try table.entry(at: 1).toolchain == "t")
        #expect(table.position("m", "sm_90") == 1)
    }

    /// Each damage to entry 1 (its check recomputed unless the check is the damage), the format
    /// version, and the words its refusal names.
    static let damages: [(String, UInt32, String, @Sendable (inout Layout) -> Void)] = [
        ("format", 1, "format 9", { $0.format = 9 }),
        ("codec", 1, "codec 7", { $0.codec = 7 }),
        ("codec 2 before version 2", 1, "codec 2", { $0.codec = 2 }),
        ("target outside the strings", 1, "names a target outside the string table", { $0.target.offset = 100 }),
        ("toolchain not UTF-8", 1, "has a toolchain that is not UTF-8", { $0.toolchain.offset = 12 }),
        ("check", 1, "fails its checksum", { _ in }),
        ("reference outside the table", 2, "does not exist", { $0.codec = 2; $0.reference = 2 }),
        ("reference to itself", 2, "is itself", { $0.codec = 2; $0.reference = 1 }),
        ("reference without codec 2", 2, "names one", { $0.reference = 1 }),
        ("unknown transform", 3, "transform 9", { $0.codec = 1; $0.transform = 9 }),
        ("transform before version 3", 2, "transform 2", { $0.codec = 1; $0.transform = 2; $0.codedSize = 50 }),
        ("transform with codec none", 3, "transform 2 with codec 0", { $0.transform = 2; $0.codedSize = 50 }),
        ("coded size without a transform", 3, "records a coded size", { $0.codedSize = 50 }),
        ("coded size over the limit", 3, "coded bytes", { $0.codec = 1; $0.transform = 2; $0.codedSize = BundleFormat.maximumImageSize + 1 }),
        ("stored bytes outside the data region", 1, "lies outside the data region", { $0.offset = 4096 + 8192 - 50 }),
        ("offset overflow", 1, "lies outside the data region", { $0.offset = UInt64.max - 10 }),
        ("raw size other than stored without a codec", 1, "which its entry cannot hold", { $0.rawSize = 101 }),
        ("raw size over the limit", 1, "which its entry cannot hold", { $0.codec = 1; $0.rawSize = BundleFormat.maximumImageSize + 1 }),
    ]

    @Test("a damaged entry field of each kind is refused with corruptBundle, naming it", arguments: damages.indices)
    func damagedField(_ index: Int) throws {
        let (name, version, words, damage) = Self.damages[index]
        var entry = Self.layout(1)
        damage(&entry)
        // A name outside the string table is refused before any check: seal over the intact names.
        var second = entry.bytes(names: Self.names(entry.target.offset < 100 ? entry : Self.layout(1)))
        if name == "check" { second[Layout.Field.check] ^= 1 }
        let bytes = Self.layout(0).bytes(names: Self.names(Self.layout(0))) + second
        let error = try #require(throws: KilnError.self, "\(name)") {
            let table = try ImageTable(entries: bytes, strings: Self.strings, count: 2, data: Self.data, path: "t.kiln", formatVersion: version)
            _ = try table.entry(at: 1)
        }
        #expect(error.code == .corruptBundle)
        #expect(error.message.contains(words), "\(name): \(error.message)")
        #expect(error.message.contains("t.kiln"))
        // The other entry is still read when the table itself is intact.
        if let table = try? ImageTable(entries: bytes, strings: Self.strings, count: 2, data: Self.data, path: "t.kiln", formatVersion: version) {
            #expect(try table.entry(at: 0).target == "sm_80")
        }
    }
}
