@testable import KilnBundle
import KilnCore
import KilnTestSupport
import Testing

/// Images are checked against their format before any driver parses them.
@Suite("Image checks")
struct ImageCheckTests {
    static let what = "bundle 't.kiln': image m × cpu"

    static func pocl(root: String = "/program.bc", kernelFile: String = "/k/0-0-0/k.so", kernel: String = "k") -> [UInt8] {
        SyntheticImage.poclBinary(root: [(root, Array(repeating: 0x42, count: 100))],
                                  kernels: [.init(name: kernel, arguments: 2, files: [(kernelFile, Array(repeating: 0x7F, count: 50))])])
    }

    @Test("a PoCL binary as PoCL 3.1 writes it passes, with its files listed")
    func poclValid() throws {
        let binary = try PoCLBinary(validating: Self.pocl(), what: Self.what)
        #expect(binary.version == 9 && binary.kernels == ["k"])
        #expect(binary.files == [.init(name: "/program.bc", size: 100), .init(name: "/k/0-0-0/k.so", size: 50)])
    }

    @Test("a PoCL record name that would leave the cache folder is refused", arguments: [
        "/../../../../../../tmp/x", "/k/../../x", "/k/0-0-0/../../../etc/cron.d/x", "program.bc", "//tmp/x",
        "/k//x", "/k/./x", "/k/x\u{0}y", "/k/x\\..\\y", "/", "/k/ x",
    ])
    func poclHostileName(_ name: String) throws {
        for bytes in [Self.pocl(root: name), Self.pocl(kernelFile: name)] {
            let error = try #require(throws: KilnError.self) { try PoCLBinary(validating: bytes, what: Self.what) }
            #expect(error.code == .corruptBundle && error.message.contains("image m × cpu"))
        }
    }

    @Test("a kernel's files lie under its own folder, and its name is an identifier")
    func poclKernelFolder() throws {
        #expect(throws: KilnError.self) { try PoCLBinary(validating: Self.pocl(kernelFile: "/other/0-0-0/k.so"), what: Self.what) }
        #expect(throws: KilnError.self) { try PoCLBinary(validating: Self.pocl(kernelFile: "/../x/k.so", kernel: ".."), what: Self.what) }
    }

    @Test("every PoCL size that points past the end, or bytes left over, is refused")
    func poclSizes() throws {
        let good = Self.pocl()
        #expect(throws: KilnError.self) { try PoCLBinary(validating: good + [0], what: Self.what) }
        for cut in stride(from: 0, to: good.count, by: 7) {
            #expect(throws: KilnError.self) { try PoCLBinary(validating: Array(good.prefix(cut)), what: Self.what) }
        }
        // Every 4- and 8-byte field set to a huge value: refused, never a trap.
        for offset in 0..<(good.count - 8) {
            var bytes = good
            for i in 0..<4 { bytes[offset + i] = 0xFF }
            _ = try? PoCLBinary(validating: bytes, what: Self.what)
        }
    }

    @Test("cubins and zebins are ELF files of their machine; a cubin's SM matches its target")
    func elf() throws {
        let sm90 = SyntheticImage.elf(machine: 190, flags: 90 << 8, payload: [])
        try ImageCheck.validate(sm90, format: .cubin, target: .sm(90), what: Self.what)
        #expect(throws: KilnError.self) { try ImageCheck.validate(sm90, format: .cubin, target: .sm(80), what: Self.what) }
        #expect(throws: KilnError.self) { try ImageCheck.validate(sm90, format: .zebin, target: .spirv, what: Self.what) }
        var outside = sm90
        outside[40] = 0xF0  // e_shoff past the end
        #expect(throws: KilnError.self) { try ImageCheck.validate(outside, format: .cubin, target: .sm(90), what: Self.what) }
        #expect(throws: KilnError.self) { try ImageCheck.validate(Array(sm90.prefix(100)), format: .cubin, target: .sm(90), what: Self.what) }
        try ImageCheck.validate(SyntheticImage.elf(machine: 205, flags: 0, payload: []), format: .zebin,
                                target: Target(kind: .intelDevice(IntelIPVersion(12, 60, 7)), name: "pvc"), what: Self.what)
    }

    @Test("a section that holds no bytes (SHT_NULL, SHT_NOBITS) may claim any offset and size; no field traps")
    func elfFieldsBeyondInt() throws {
        // Found by the fuzz target: an offset above Int.max in a section the check skips trapped
        // when it was stored as Int.
        var huge = SyntheticImage.elf(machine: 190, flags: 90 << 8, payload: [])
        huge.replaceSubrange((64 + 24)..<(64 + 40), with: [UInt8](repeating: 0xFF, count: 16))  // sh_offset, sh_size
        huge.replaceSubrange((64 + 56)..<(64 + 64), with: [UInt8](repeating: 0xFF, count: 8))   // sh_entsize
        try ImageCheck.validate(huge, format: .cubin, target: .sm(90), what: Self.what)
        huge[64 + 4] = 8  // SHT_NOBITS: still not read
        try ImageCheck.validate(huge, format: .cubin, target: .sm(90), what: Self.what)
        huge[64 + 4] = 1  // SHT_PROGBITS: its bytes must lie inside the file
        #expect(throws: KilnError.self) { try ImageCheck.validate(huge, format: .cubin, target: .sm(90), what: Self.what) }
        huge[64 + 4] = 2  // SHT_SYMTAB
        #expect(throws: KilnError.self) { try ImageKernels.names(in: huge, format: .cubin) }
    }

    @Test("PTX is text for its architecture; SPIR-V has its header")
    func textForms() throws {
        let ptx = Array(".version 9.0\n.target sm_80\n.address_size 64\n".utf8) + [0]
        try ImageCheck.validate(ptx, format: .ptx, target: .compute(80), what: Self.what)
        #expect(throws: KilnError.self) { try ImageCheck.validate(ptx, format: .ptx, target: .compute(90), what: Self.what) }
        #expect(throws: KilnError.self) { try ImageCheck.validate([0x7F, 0x45] + ptx, format: .ptx, target: .compute(80), what: Self.what) }
        try ImageCheck.validate([0x03, 0x02, 0x23, 0x07] + [UInt8](repeating: 0, count: 16), format: .spirv, target: .spirv, what: Self.what)
        #expect(throws: KilnError.self) { try ImageCheck.validate([1, 2, 3, 4, 5], format: .spirv, target: .spirv, what: Self.what) }
    }

    @Test("a source that includes a host path is refused", arguments: [
        "#include \"/etc/passwd\"", "  #  include </etc/shadow>", "#include \"../../secret.h\"", "#include <a/../../b>",
        "#/**/include \"/etc/passwd\"", "%:include \"/etc/passwd\"", "??=include \"/etc/passwd\"", "#inc\\\nlude \"/etc/passwd\"",
        "#include PATH", "#include_next </x>", "#import \"/etc/passwd\"", "#if __has_include(\"/etc/passwd\")\n#endif",
        "#include <x//../../etc/passwd>", "#include \"~/.ssh/id_rsa\"", "#include \"a\\\\..\\\\..\\\\b\"",
    ])
    func sourceHostile(_ source: String) throws {
        let error = try #require(throws: KilnError.self) { try SourceIncludes.check(Array(source.utf8), what: Self.what) }
        #expect(error.code == .corruptBundle)
    }

    @Test("a self-contained source passes: #line directives, strings and comments that mention paths", arguments: [
        "#line 1 \"/home/me/kernels/common.h\"\nkernel void k() {}",
        "// #include \"/etc/passwd\" was inlined\nkernel void k() {}",
        "constant char* p = \"#include </etc/passwd>\";",
        "#include <opencl-c.h>\n#define X 1",
        "#pragma OPENCL EXTENSION cl_khr_fp64 : enable",
    ])
    func sourceBenign(_ source: String) throws {
        try SourceIncludes.check(Array(source.utf8), what: Self.what)
    }
}
