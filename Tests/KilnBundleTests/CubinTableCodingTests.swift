@testable import KilnBundle
import KilnCore
import KilnTestSupport
import Testing

/// Cubins whose section-header and symbol tables are stored as differences (format version 3):
/// lossless, applied only to ELF files of the expected shape, refused when damaged.
@Suite("Cubin table coding")
struct CubinTableCodingTests {
    /// An ELF file shaped like a cubin: per kernel a `.text`, `.nv.info` and a NOBITS `.nv.shared`
    /// section, a string table, a symbol table with a symbol per kernel, and the section-header
    /// table at the end. `symbolTables` adds that many symbol tables (a cubin has one).
    /// `longerFirstKernel` adds that many zero bytes to the first kernel's code, which moves every
    /// later section: a cubin for a neighbouring architecture, as far as the tables go.
    static func cubin(kernels: Int = 40, symbolTables: Int = 1, tableOverlapsSymbols: Bool = false, longerFirstKernel: Int = 0) -> [UInt8] {
        var sections: [(name: String, type: UInt32, data: [UInt8], entrySize: UInt64)] = [("", 0, [], 0)]
        var generator = SplitMix64(seed: UInt64(kernels))
        for kernel in 0..<kernels {
            let code = (0..<(64 + kernel % 7 * 32)).map { _ in UInt8(truncatingIfNeeded: generator.next() % 4) }
            sections.append((".text.k\(kernel)", 1, code + [UInt8](repeating: 0, count: kernel == 0 ? longerFirstKernel : 0), 0))
            sections.append((".nv.info.k\(kernel)", 0x7000_0000, [4, 0x11, 8, 0] + [UInt8](repeating: UInt8(kernel), count: 8), 0))
            sections.append((".nv.shared.k\(kernel)", CubinTableCoding.noBitsType, [], 0))
        }
        var strings: [UInt8] = [0]
        var nameOffsets: [UInt32] = []
        for section in sections + [(".strtab", 3, [], 0)] + Array(repeating: (".symtab", 2, [], 24), count: symbolTables) {
            nameOffsets.append(UInt32(strings.count))
            strings += Array(section.name.utf8) + [0]
        }
        var symbols: [UInt8] = [UInt8](repeating: 0, count: 24)
        for kernel in 0..<kernels {
            var symbol = ByteWriter()
            symbol.append(nameOffsets[1 + 3 * kernel])
            symbol.append(UInt8(0x12)); symbol.append(UInt8(0)); symbol.append(UInt16(1 + 3 * kernel))
            symbol.append(UInt64(0)); symbol.append(UInt64(64 + kernel % 7 * 32))
            symbols += symbol.bytes
        }
        sections.append((".strtab", 3, strings, 0))
        for _ in 0..<symbolTables { sections.append((".symtab", CubinTableCoding.symbolTableType, symbols, 24)) }

        var body = [UInt8](repeating: 0, count: 64)
        var headers = ByteWriter()
        for (index, section) in sections.enumerated() {
            while body.count % 8 != 0 { body.append(0) }
            var offset = UInt64(body.count)
            body += section.data
            if tableOverlapsSymbols, section.type == CubinTableCoding.symbolTableType { offset = 0 }  // patched below
            headers.append(nameOffsets[index]); headers.append(section.type); headers.append(UInt64(0)); headers.append(UInt64(0))
            headers.append(offset); headers.append(UInt64(section.data.count))
            headers.append(UInt32(0)); headers.append(UInt32(0)); headers.append(UInt64(8)); headers.append(section.entrySize)
        }
        while body.count % 8 != 0 { body.append(0) }
        let tableOffset = UInt64(body.count)
        var header = ByteWriter()
        header.append([0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0x33, 7] + [UInt8](repeating: 0, count: 7))
        header.append(UInt16(2)); header.append(UInt16(190)); header.append(UInt32(1)); header.append(UInt64(0))
        header.append(UInt64(0)); header.append(tableOffset); header.append(UInt32(0x5A055A)); header.append(UInt16(64))
        header.append(UInt16(0)); header.append(UInt16(0)); header.append(UInt16(64)); header.append(UInt16(sections.count))
        header.append(UInt16(sections.count - 1 - symbolTables))
        body.replaceSubrange(0..<64, with: header.bytes)
        var table = headers.bytes
        if tableOverlapsSymbols {  // point the symbol table at the header table itself
            let row = (sections.count - 1) * 64
            withUnsafeBytes(of: tableOffset.littleEndian) { table.replaceSubrange(row + 24..<row + 32, with: $0) }
            withUnsafeBytes(of: UInt64(48).littleEndian) { table.replaceSubrange(row + 32..<row + 40, with: $0) }
        }
        return body + table
    }

    @Test("a cubin-shaped file round-trips and its coded tables compress smaller")
    func roundTrip() throws {
        let image = Self.cubin()
        let coded = try #require(CubinTableCoding.encode(image))
        #expect(coded.count == image.count && coded != image)
        var decoded = coded
        try CubinTableCoding.decode(&decoded)
        #expect(decoded == image)
        #expect(Zstd.compress(coded, level: 19).count < Zstd.compress(image, level: 19).count)
    }

    @Test("what is not a cubin of the expected shape is not coded", arguments: [
        "not ELF", "32-bit ELF", "table outside the file", "two symbol tables", "symbol table over the header table",
    ])
    func notCoded(_ shape: String) {
        let image: [UInt8] = switch shape {
        case "not ELF": Array("%r1 %r2 not an ELF file at all, but long enough to hold a header of sixty-four bytes".utf8)
        case "32-bit ELF": { var bytes = Self.cubin(); bytes[4] = 1; return bytes }()
        case "table outside the file": Array(Self.cubin().dropLast(64))
        case "two symbol tables": Self.cubin(symbolTables: 2)
        default: Self.cubin(tableOverlapsSymbols: true)
        }
        #expect(CubinTableCoding.encode(image) == nil)
    }

    @Test("damaged coded bytes are refused or decode to other bytes of the same size, never trap")
    func damaged() throws {
        let image = Self.cubin(kernels: 6)
        let coded = try #require(CubinTableCoding.encode(image))
        var generator = SplitMix64(seed: 7)
        for round in 0..<400 {
            var bytes = coded
            // Half the rounds hit the ELF header and the tables, where the coding reads its layout.
            let at = round % 2 == 0 ? Int(generator.next() % 64) : Int(generator.next() % UInt64(bytes.count))
            bytes[at] = UInt8(truncatingIfNeeded: generator.next())
            let size = bytes.count
            if (try? CubinTableCoding.decode(&bytes)) != nil { #expect(bytes.count == size) }
        }
        var short = Array(coded.prefix(100))
        #expect(throws: ImageCodingFault.self) { try CubinTableCoding.decode(&short) }
    }

    @Test("the writer stores a cubin coded, as format version 3, and reads it back byte for byte; a damaged one is refused")
    func writerCodes() throws {
        let image = Self.cubin()
        let manifest = Manifest(
            deviceList: "sm_90,no-ptx,no-source",
            modules: [ModuleRecord(name: "m", language: .openCLC, sourceSHA256: String(repeating: "0", count: 64),
                                   kernels: [KernelRecord(name: "k0", parameters: [])])],
            targets: [TargetRecord(name: "sm_90", format: .cubin, toolchain: "t")],
            toolchains: ["t": "1"])
        var writer = BundleWriter(manifest: manifest, compressionLevel: 19)
        try writer.add(module: "m", target: "sm_90", format: .cubin, toolchain: "t", bytes: image)
        var bytes = try writer.serialize()
        let reader = try BundleReader(path: try SyntheticBundle.temporaryFile(bytes))
        #expect(reader.formatVersion == 3)
        let entry = try #require(try reader.entry(module: "m", target: "sm_90"))
        #expect(entry.transform == .cubinTables && entry.transformedSize == entry.rawSize)
        #expect(try reader.image(entry) == image)
        for offset in stride(from: Int(entry.offset), to: Int(entry.offset + entry.storedSize), by: 61) {
            bytes[offset] ^= 0x10
            let damaged = try BundleReader(path: try SyntheticBundle.temporaryFile(bytes))
            let error = #expect(throws: KilnError.self) { _ = try damaged.image(module: "m", target: "sm_90") }
            #expect(error?.code == .corruptBundle)
            bytes[offset] ^= 0x10
        }
    }

    @Test("a cubin near another is stored coded against it coded the same way (format version 4), read back byte for byte; version 3 may not hold one")
    func codedAgainstReference() throws {
        let base = Self.cubin(), near = Self.cubin(longerFirstKernel: 24)
        let manifest = Manifest(
            deviceList: "sm_80,sm_90,no-ptx,no-source",
            modules: [ModuleRecord(name: "m", language: .openCLC, sourceSHA256: String(repeating: "0", count: 64),
                                   kernels: [KernelRecord(name: "k0", parameters: [])])],
            targets: [TargetRecord(name: "sm_80", format: .cubin, toolchain: "t"), TargetRecord(name: "sm_90", format: .cubin, toolchain: "t")],
            toolchains: ["t": "1"])
        var writer = BundleWriter(manifest: manifest, compressionLevel: 19)
        try writer.add(module: "m", target: "sm_80", format: .cubin, toolchain: "t", bytes: base)
        try writer.add(module: "m", target: "sm_90", format: .cubin, toolchain: "t", bytes: near)
        var bytes = try writer.serialize()
        let reader = try BundleReader(path: try SyntheticBundle.temporaryFile(bytes))
        #expect(reader.formatVersion == 4)
        let entries = try reader.entries()
        let referenced = try #require(entries.first { $0.codec == .zstdReferenced })
        let reference = try reader.entry(at: try #require(referenced.reference))
        #expect(referenced.transform == .cubinTables && reference.transform == .cubinTables)
        #expect(try reader.image(module: "m", target: "sm_80") == base)
        #expect(try reader.image(module: "m", target: "sm_90") == near)
        // Every later section moved, so the raw tables differ in every offset and the coded ones in one size.
        let (image, prefix) = referenced.target == "sm_90" ? (near, base) : (base, near)
        let rawAgainstRaw = Zstd.compress(image, level: 19, prefix: prefix).count
        let codedAgainstRaw = Zstd.compress(try #require(CubinTableCoding.encode(image)), level: 19, prefix: prefix).count
        #expect(Int(referenced.storedSize) < rawAgainstRaw && Int(referenced.storedSize) < codedAgainstRaw,
                "\(referenced.storedSize) bytes, raw against raw \(rawAgainstRaw), coded against raw \(codedAgainstRaw)")

        // The same table as version 3 (which has no coded image against a reference) is refused.
        var header = try BundleHeader(bytes: Array(bytes.prefix(BundleFormat.headerSize)), fileSize: UInt64(bytes.count), path: "b.kiln")
        header.formatVersion = 3
        bytes.replaceSubrange(0..<BundleFormat.headerSize, with: header.bytes)
        let older = try BundleReader(path: try SyntheticBundle.temporaryFile(bytes))
        let error = #expect(throws: KilnError.self) { _ = try older.entries() }
        #expect(error?.code == .corruptBundle && error?.message.contains("transform 2 with codec 2") == true, "\(error?.message ?? "")")
    }
}
