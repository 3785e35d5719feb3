import KilnCore

/// A lossless, same-length rewrite of a cubin's two tables that makes it compress about a fifth
/// smaller (``ImageTransform/cubinTables``, format version 3).
///
/// A cubin holds a section per kernel and kind (`.text.k`, `.nv.info.k`, `.nv.constant0.k`, …), so
/// its section-header table and symbol table have hundreds of rows whose offsets and name
/// positions grow by steps zstd cannot predict. Written as differences, they become small and
/// alike:
/// - in each **section header** (64 bytes), the name's string-table position becomes its
///   difference from the previous header's, and the file offset its difference from where the
///   previous section ended (its offset, plus its size unless it is `SHT_NOBITS`); both wrap;
/// - in each **symbol** (24 bytes) of the one `SHT_SYMTAB` section, the name position and the
///   section index become their differences from the previous symbol's;
/// - the section-header table is then stored column by column (byte 0 of every header, then
///   byte 1, …), so each field's bytes lie together.
///
/// The ELF header is not changed, so the reader finds the table where the writer did. An image
/// is coded only when it is a cubin that Kiln's checked ELF reader (``ELFImage``, as ``ImageCheck``
/// uses it) accepts, with its section headers after the ELF header and at most one symbol table of
/// 24-byte entries lying clear of both, and coding then decoding gives its bytes back; the reader
/// checks the decoded bytes' SHA-256 as always.
enum CubinTableCoding {
    static let elfHeaderSize = 64
    static let headerSize = 64
    static let symbolSize = 24
    static let symbolTableType: UInt32 = 2
    static let noBitsType: UInt32 = 8

    /// The coded bytes, or nil when the image is not a cubin of the shape above or its coding does
    /// not decode to it.
    static func encode(_ image: [UInt8]) -> [UInt8]? {
        guard let out = coded(image) else { return nil }
        var decoded = out
        guard (try? decode(&decoded)) != nil, decoded == image else { return nil }
        return out
    }

    /// The coded bytes, unchecked (for a prefix, where only writer and reader agreeing matters), or
    /// nil when the image is not a cubin of the shape above.
    static func coded(_ image: [UInt8]) -> [UInt8]? {
        guard let layout = try? Layout(image, headersDecoded: true) else { return nil }
        var out = image
        out.withUnsafeMutableBytes { bytes in
            var previousName: UInt32 = 0, previousEnd: UInt64 = 0
            for index in 0..<layout.count {
                let at = layout.tableOffset + index * headerSize
                let name: UInt32 = load(bytes, at), type: UInt32 = load(bytes, at + 4)
                let offset: UInt64 = load(bytes, at + 24), size: UInt64 = load(bytes, at + 32)
                store(name &- previousName, bytes, at)
                store(offset &- previousEnd, bytes, at + 24)
                previousName = name
                previousEnd = offset &+ (type == noBitsType ? 0 : size)
            }
        }
        if let symbols = layout.symbols { differences(&out, symbols, decoding: false) }
        let rows = Array(out[layout.tableRange])
        for column in 0..<headerSize {
            for row in 0..<layout.count { out[layout.tableOffset + column * layout.count + row] = rows[row * headerSize + column] }
        }
        return out
    }

    /// Turns a coded cubin back into the image it stands for, in place (the size does not change).
    ///
    /// - Throws: a description of the fault when the coded bytes do not have the shape the coding
    ///   needs; `out` is then left half decoded.
    static func decode(_ out: inout [UInt8]) throws(ImageCodingFault) {
        let layout = try Layout(out, headersDecoded: false)
        let columns = Array(out[layout.tableRange])
        out.withUnsafeMutableBytes { bytes in
            let table = layout.tableOffset, rows = layout.count
            for row in 0..<rows {
                for column in 0..<headerSize { bytes[table + row * headerSize + column] = columns[column * rows + row] }
            }
            var previousName: UInt32 = 0, previousEnd: UInt64 = 0
            for index in 0..<rows {
                let at = table + index * headerSize
                let name = previousName &+ load(bytes, at) as UInt32, offset = previousEnd &+ load(bytes, at + 24) as UInt64
                store(name, bytes, at)
                store(offset, bytes, at + 24)
                let type: UInt32 = load(bytes, at + 4), size: UInt64 = load(bytes, at + 32)
                previousName = name
                previousEnd = offset &+ (type == noBitsType ? 0 : size)
            }
        }
        if let symbols = try Layout.symbols(in: out, layout.tableOffset, layout.count) {
            differences(&out, symbols, decoding: true)
        }
    }

    /// Where the tables are.
    private struct Layout {
        var tableOffset: Int
        var count: Int
        /// The symbol table's byte range, when there is one (known only once the headers are decoded).
        var symbols: Range<Int>?
        var tableRange: Range<Int> { tableOffset..<tableOffset + count * headerSize }

        init(_ bytes: [UInt8], headersDecoded: Bool) throws(ImageCodingFault) {
            guard bytes.count >= elfHeaderSize, bytes.starts(with: [0x7F, 0x45, 0x4C, 0x46, 2, 1]) else {
                throw ImageCodingFault("it is not a 64-bit little-endian ELF file")
            }
            let offset: UInt64 = load(bytes, 0x28)
            let entrySize: UInt16 = load(bytes, 0x3A), count: UInt16 = load(bytes, 0x3C)
            guard entrySize == UInt16(headerSize), count > 0, offset >= UInt64(elfHeaderSize),
                  offset <= UInt64(bytes.count), UInt64(bytes.count) - offset >= UInt64(count) * UInt64(headerSize) else {
                throw ImageCodingFault("its section-header table is not 64-byte rows inside the file after the ELF header")
            }
            tableOffset = Int(offset)
            self.count = Int(count)
            symbols = headersDecoded ? try Self.symbols(in: bytes, tableOffset, self.count) : nil
        }

        /// The byte range of the one symbol table, clear of the ELF header and the section-header
        /// table, found by Kiln's checked ELF reader (``ELFImage``) once the headers are decoded.
        static func symbols(in bytes: [UInt8], _ tableOffset: Int, _ count: Int) throws(ImageCodingFault) -> Range<Int>? {
            let sections: [ELFImage.Section]
            do {
                sections = try ELFImage(validating: bytes, machine: ImageCheck.machineCUDA,
                                        failure: { KilnError(.corruptBundle, $0) }).sections
            } catch {
                throw ImageCodingFault("it is not a cubin: \(error.message)")
            }
            let tables = sections.filter { $0.type == symbolTableType }
            guard let table = tables.first else { return nil }
            guard tables.count == 1, table.entrySize == symbolSize, table.size % symbolSize == 0, table.offset >= elfHeaderSize else {
                throw ImageCodingFault("its symbol table is not one table of 24-byte rows after the ELF header")
            }
            let range = table.offset..<table.offset + table.size
            guard !range.overlaps(tableOffset..<tableOffset + count * headerSize) else {
                throw ImageCodingFault("its symbol table overlaps its section-header table")
            }
            return range
        }
    }

    /// Replaces each symbol's name position and section index by its difference from the previous
    /// symbol's, or (decoding) the other way.
    private static func differences(_ bytes: inout [UInt8], _ symbols: Range<Int>, decoding: Bool) {
        bytes.withUnsafeMutableBytes { bytes in
            var previousName: UInt32 = 0, previousSection: UInt16 = 0
            for at in stride(from: symbols.lowerBound, to: symbols.upperBound, by: symbolSize) {
                let name: UInt32 = load(bytes, at), section: UInt16 = load(bytes, at + 6)
                let newName = decoding ? previousName &+ name : name &- previousName
                let newSection = decoding ? previousSection &+ section : section &- previousSection
                (previousName, previousSection) = decoding ? (newName, newSection) : (name, section)
                store(newName, bytes, at)
                store(newSection, bytes, at + 6)
            }
        }
    }

    private static func load<T: FixedWidthInteger>(_ bytes: UnsafeMutableRawBufferPointer, _ at: Int) -> T {
        T(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: T.self))
    }

    private static func load<T: FixedWidthInteger>(_ bytes: [UInt8], _ at: Int) -> T {
        bytes.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: at, as: T.self)) }
    }

    private static func store<T: FixedWidthInteger>(_ value: T, _ bytes: UnsafeMutableRawBufferPointer, _ at: Int) {
        bytes.storeBytes(of: value.littleEndian, toByteOffset: at, as: T.self)
    }
}
