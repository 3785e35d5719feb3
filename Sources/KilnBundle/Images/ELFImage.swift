import KilnCore

/// The header of a 64-bit little-endian ELF file (a cubin or a zebin), with its program and
/// section header tables and every section's bytes checked to lie inside the file.
struct ELFImage: Sendable {
    /// `e_ident[EI_ABIVERSION]`.
    let abiVersion: UInt8
    /// `e_machine`.
    let machine: UInt16
    /// `e_flags`.
    let flags: UInt32

    /// Parses and checks an ELF file for one machine.
    ///
    /// - Throws: `KilnError.corruptBundle` naming the image and what is wrong.
    init(validating bytes: [UInt8], machine expected: UInt16, what: String, kind: String) throws {
        func fail(_ why: String) -> KilnError {
            KilnError(.corruptBundle, "\(what) is not a \(kind) Kiln will hand to a driver: \(why) — the bundle is damaged or hostile; rebuild it")
        }
        guard bytes.count >= 64, Array(bytes[0..<4]) == [0x7F, 0x45, 0x4C, 0x46] else { throw fail("it is not an ELF file") }
        guard bytes[4] == 2, bytes[5] == 1, bytes[6] == 1 else { throw fail("it is not 64-bit little-endian ELF version 1") }
        func u16(_ at: Int) -> UInt16 { UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8 }
        func u32(_ at: Int) -> UInt32 { UInt32(u16(at)) | UInt32(u16(at + 2)) << 16 }
        func u64(_ at: Int) -> UInt64 { UInt64(u32(at)) | UInt64(u32(at + 4)) << 32 }
        abiVersion = bytes[8]
        machine = u16(18)
        flags = u32(48)
        guard machine == expected else { throw fail("its machine is \(machine), not \(expected)") }
        guard u16(52) == 64 else { throw fail("its header size is \(u16(52))") }
        let size = UInt64(bytes.count)
        func inside(_ offset: UInt64, _ count: UInt64) -> Bool {
            let (end, overflow) = offset.addingReportingOverflow(count)
            return !overflow && end <= size
        }
        let (phoff, phentsize, phnum) = (u64(32), UInt64(u16(54)), UInt64(u16(56)))
        if phnum > 0 {
            guard phentsize == 56, inside(phoff, phentsize * phnum) else { throw fail("its program headers lie outside it") }
            for index in 0..<phnum {
                let base = Int(phoff + index * 56)
                guard inside(u64(base + 8), u64(base + 32)) else { throw fail("segment \(index) lies outside it") }
            }
        }
        let (shoff, shentsize, shnum, shstrndx) = (u64(40), UInt64(u16(58)), UInt64(u16(60)), UInt64(u16(62)))
        guard shnum > 0 else { throw fail("it has no sections") }
        guard shentsize == 64, inside(shoff, shentsize * shnum), shstrndx < shnum else {
            throw fail("its section headers lie outside it")
        }
        for index in 0..<shnum {
            let base = Int(shoff + index * 64)
            let type = u32(base + 4)
            if type != 8 /* SHT_NOBITS */, type != 0 /* SHT_NULL */ {
                guard inside(u64(base + 24), u64(base + 32)) else { throw fail("section \(index) lies outside it") }
            }
        }
    }
}
