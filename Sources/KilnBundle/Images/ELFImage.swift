import KilnCore

/// A 64-bit little-endian ELF file (a cubin or a zebin), its header checked and its program and
/// section header tables and every section's bytes proven to lie inside the file.
///
/// One reader for both uses: ``ImageCheck`` checks an image from a bundle before a driver parses
/// it, and ``ImageKernels`` reads the kernels (function symbols) the compiler put in an image.
struct ELFImage: Sendable {
    /// One section header's fields that Kiln reads.
    struct Section: Sendable {
        let type: UInt32
        let offset: Int
        let size: Int
        let link: Int
        let entrySize: Int
    }

    /// `e_ident[EI_ABIVERSION]`.
    let abiVersion: UInt8
    /// `e_machine`.
    let machine: UInt16
    /// `e_flags`.
    let flags: UInt32
    /// The section headers, each one's bytes (unless `SHT_NOBITS` or `SHT_NULL`) inside the file.
    let sections: [Section]
    private let bytes: [UInt8]

    /// Parses and checks an ELF file for one machine.
    ///
    /// - Parameter failure: Makes the error for a reason ("its machine is 62, not 190"): the
    ///   callers word it for a bundle's image or for a compiler's output.
    init(validating bytes: [UInt8], machine expected: UInt16, failure: (String) -> KilnError) throws(KilnError) {
        guard bytes.count >= 64, Array(bytes[0..<4]) == [0x7F, 0x45, 0x4C, 0x46] else { throw failure("it is not an ELF file") }
        guard bytes[4] == 2, bytes[5] == 1, bytes[6] == 1 else { throw failure("it is not 64-bit little-endian ELF version 1") }
        func u16(_ at: Int) -> UInt16 { UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8 }
        func u32(_ at: Int) -> UInt32 { UInt32(u16(at)) | UInt32(u16(at + 2)) << 16 }
        func u64(_ at: Int) -> UInt64 { UInt64(u32(at)) | UInt64(u32(at + 4)) << 32 }
        abiVersion = bytes[8]
        machine = u16(18)
        flags = u32(48)
        guard machine == expected else { throw failure("its machine is \(machine), not \(expected)") }
        guard u16(52) == 64 else { throw failure("its header size is \(u16(52))") }
        let size = UInt64(bytes.count)
        func inside(_ offset: UInt64, _ count: UInt64) -> Bool {
            let (end, overflow) = offset.addingReportingOverflow(count)
            return !overflow && end <= size
        }
        let (phoff, phentsize, phnum) = (u64(32), UInt64(u16(54)), UInt64(u16(56)))
        if phnum > 0 {
            guard phentsize == 56, inside(phoff, phentsize * phnum) else { throw failure("its program headers lie outside it") }
            for index in 0..<phnum {
                let base = Int(phoff + index * 56)
                guard inside(u64(base + 8), u64(base + 32)) else { throw failure("segment \(index) lies outside it") }
            }
        }
        let (shoff, shentsize, shnum, shstrndx) = (u64(40), UInt64(u16(58)), UInt64(u16(60)), UInt64(u16(62)))
        guard shnum > 0 else { throw failure("it has no sections") }
        guard shentsize == 64, inside(shoff, shentsize * shnum), shstrndx < shnum else {
            throw failure("its section headers lie outside it")
        }
        sections = try (0..<shnum).map { index throws(KilnError) in
            let base = Int(shoff + index * 64)
            let (type, offset, count) = (u32(base + 4), u64(base + 24), u64(base + 32))
            if type != 8 /* SHT_NOBITS */, type != 0 /* SHT_NULL */ {
                guard inside(offset, count) else { throw failure("section \(index) lies outside it") }
            }
            // Clamped: only a section proven inside the file is ever read, and its fields fit.
            return Section(type: type, offset: Int(clamping: offset), size: Int(clamping: count),
                           link: Int(u32(base + 40)), entrySize: Int(clamping: u64(base + 56)))
        }
        self.bytes = bytes
    }

    /// Names of the `STT_FUNC` symbols in every `SHT_SYMTAB`, less zebin's `_entry` labels.
    ///
    /// - Throws: `failure`'s error for a symbol table whose string table or names are not inside it.
    func functionNames(failure: (String) -> KilnError) throws(KilnError) -> Set<String> {
        var names: Set<String> = []
        for (index, table) in sections.enumerated() where table.type == 2 /* SHT_SYMTAB */ {
            guard table.link < sections.count, table.entrySize >= 24 else { throw failure("symbol table \(index) is malformed") }
            let strings = sections[table.link]
            guard strings.type == 3 /* SHT_STRTAB */ else { throw failure("symbol table \(index) names no string table") }
            for symbol in stride(from: table.offset, to: table.offset + table.size - 23, by: table.entrySize)
            where bytes[symbol + 4] & 0xF == 2 /* STT_FUNC */ {
                let nameOffset = Int(bytes[symbol]) | Int(bytes[symbol + 1]) << 8 | Int(bytes[symbol + 2]) << 16 | Int(bytes[symbol + 3]) << 24
                guard nameOffset < strings.size else { throw failure("a symbol's name lies outside its string table") }
                let start = strings.offset + nameOffset, end = strings.offset + strings.size
                let name = bytes[start..<end].prefix { $0 != 0 }
                guard name.count < end - start else { throw failure("a symbol's name is not terminated") }
                let text = String(decoding: name, as: UTF8.self)
                if text != "_entry" { names.insert(text) }
            }
        }
        return names
    }
}
