import KilnCore

/// The kernels an image holds, read from the image itself: the function symbols of a cubin's or
/// zebin's ELF symbol table, the `.entry` lines of PTX, the `OpEntryPoint`s of SPIR-V.
///
/// The build checks every image against the kernel list with this, so a bundle never lists a
/// kernel its image lacks. Every read is bounds-checked; a malformed image gives an error.
enum ImageKernels {
    /// The kernel names an image holds; nil for formats whose kernels only a driver can tell
    /// (`source`; PoCL binaries are asked through OpenCL by their toolchain).
    ///
    /// - Throws: `KilnError.compilationFailed` for an image that is not well-formed.
    static func names(in bytes: [UInt8], format: ImageFormat) throws -> Set<String>? {
        switch format {
        case .cubin, .zebin: try elfFunctions(bytes)
        case .ptx: ptxEntries(String(decoding: bytes, as: UTF8.self))
        case .spirv: try spirvEntryPoints(bytes)
        case .poclBinary, .source: nil
        }
    }

    /// Names of `.entry` functions in PTX (`.visible .entry saxpy(`).
    static func ptxEntries(_ ptx: String) -> Set<String> {
        var names: Set<String> = []
        for line in ptx.split(separator: "\n") {
            guard let range = line.range(of: ".entry ") else { continue }
            let name = line[range.upperBound...].prefix { !$0.isWhitespace && $0 != "(" }
            if !name.isEmpty { names.insert(String(name)) }
        }
        return names
    }

    /// Names of `STT_FUNC` symbols in an ELF64 little-endian file's `SHT_SYMTAB`, less zebin's `_entry` labels.
    static func elfFunctions(_ bytes: [UInt8]) throws -> Set<String> {
        func fail(_ what: String) -> KilnError {
            KilnError(.compilationFailed, "the compiler wrote an ELF image Kiln cannot read (\(what)) — report it with the kernel")
        }
        func integer<T: FixedWidthInteger>(_ offset: Int, _: T.Type) throws -> T {
            guard offset >= 0, offset + MemoryLayout<T>.size <= bytes.count else { throw fail("offset \(offset) past the end") }
            var value: T = 0
            for index in 0..<MemoryLayout<T>.size { value |= T(bytes[offset + index]) << (8 * index) }
            return value
        }
        guard bytes.count >= 64, bytes[0..<4].elementsEqual([0x7F, 0x45, 0x4C, 0x46]), bytes[4] == 2, bytes[5] == 1 else {
            throw fail("not a 64-bit little-endian ELF file")
        }
        let sectionTable = Int(try integer(0x28, UInt64.self))
        let entrySize = Int(try integer(0x3A, UInt16.self))
        let count = Int(try integer(0x3C, UInt16.self))
        guard entrySize >= 64 else { throw fail("section header size \(entrySize)") }
        func section(_ index: Int) throws -> (type: UInt32, offset: Int, size: Int, link: Int, entrySize: Int) {
            let base = sectionTable + index * entrySize
            return (try integer(base + 4, UInt32.self), Int(try integer(base + 0x18, UInt64.self)),
                    Int(try integer(base + 0x20, UInt64.self)), Int(try integer(base + 0x28, UInt32.self)),
                    Int(try integer(base + 0x38, UInt64.self)))
        }
        var names: Set<String> = []
        for index in 0..<count {
            let table = try section(index)
            guard table.type == 2 else { continue }  // SHT_SYMTAB
            guard table.link < count, table.entrySize >= 24 else { throw fail("symbol table \(index)") }
            let strings = try section(table.link)
            for symbol in stride(from: table.offset, to: table.offset + table.size, by: table.entrySize) {
                guard try integer(symbol + 4, UInt8.self) & 0xF == 2 else { continue }  // STT_FUNC
                let start = strings.offset + Int(try integer(symbol, UInt32.self))
                guard start < strings.offset + strings.size, start < bytes.count else { throw fail("symbol name") }
                let end = bytes[start...].firstIndex(of: 0) ?? bytes.count
                let name = String(decoding: bytes[start..<end], as: UTF8.self)
                if name != "_entry" { names.insert(name) }
            }
        }
        return names
    }

    /// Names of SPIR-V `OpEntryPoint` instructions (opcode 15: model, function id, name).
    static func spirvEntryPoints(_ bytes: [UInt8]) throws -> Set<String> {
        guard bytes.count >= 20, bytes.count % 4 == 0 else {
            throw KilnError(.compilationFailed, "the compiler wrote a SPIR-V image of \(bytes.count) bytes, not a whole SPIR-V module")
        }
        let words = stride(from: 0, to: bytes.count, by: 4).map {
            UInt32(bytes[$0]) | UInt32(bytes[$0 + 1]) << 8 | UInt32(bytes[$0 + 2]) << 16 | UInt32(bytes[$0 + 3]) << 24
        }
        guard words[0] == 0x0723_0203 else {
            throw KilnError(.compilationFailed, "the compiler wrote a SPIR-V image without the SPIR-V magic number")
        }
        var names: Set<String> = []
        var index = 5
        while index < words.count {
            let count = Int(words[index] >> 16)
            guard count > 0, index + count <= words.count else {
                throw KilnError(.compilationFailed, "the compiler wrote a SPIR-V image with a malformed instruction at word \(index)")
            }
            if words[index] & 0xFFFF == 15, count > 3 {
                let name = words[(index + 3)..<(index + count)].flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> (8 * $0)) } }
                names.insert(String(decoding: name.prefix { $0 != 0 }, as: UTF8.self))
            }
            index += count
        }
        return names
    }
}
