import KilnCore

/// Images that pass ``KilnBundle/ImageCheck`` for their format, built around payload bytes:
/// ELF headers for cubins and zebins, PTX directives, a SPIR-V header, a PoCL binary's records.
public enum SyntheticImage {
    /// A kernel of a synthetic PoCL binary: its name, argument count and files.
    public struct PoCLKernel {
        public var name: String
        public var arguments: Int
        public var files: [(name: String, content: [UInt8])]

        public init(name: String, arguments: Int = 1, files: [(name: String, content: [UInt8])]) {
            self.name = name
            self.arguments = arguments
            self.files = files
        }
    }

    /// A PoCL binary (version 9, as PoCL 3.1 writes) with root files and kernels.
    public static func poclBinary(root: [(name: String, content: [UInt8])], kernels: [PoCLKernel],
                                  deviceID: UInt64 = 0x02EE_5BE9_5D30_7B0C) -> [UInt8] {
        var out = Writer()
        out.bytes += Array("poclbin".utf8) + [0]
        out.u64(deviceID)
        out.u32(9)
        out.u32(UInt32(kernels.count))
        out.u64(0x4_0000_0000)
        out.u32(1)
        out.bytes += Array("_UNCACHED_synthetic".utf8) + [UInt8](repeating: 0, count: 41 - 19)
        var rootFiles = Writer()
        for file in root { rootFiles.file(file.name, file.content) }
        out.u64(UInt64(rootFiles.bytes.count))
        out.bytes += rootFiles.bytes
        for kernel in kernels {
            var meta = Writer()
            meta.string(Array(kernel.name.utf8))
            meta.u32(UInt32(kernel.arguments))
            meta.u32(0)
            for _ in 0..<3 { meta.u64(0) }
            meta.string([])
            meta.u64(0x1F)
            var arguments = Writer()
            for index in 0..<kernel.arguments {
                arguments.u32(0x11A3)
                arguments.u32(0x119B)
                arguments.u64(0)
                arguments.u32(1)
                arguments.u32(8)
                arguments.string(Array("a\(index)".utf8))
                arguments.string(Array("float*".utf8))
            }
            var files = Writer()
            for file in kernel.files { files.file(file.name, file.content) }
            let recordSize = 8 + 8 + 4 + meta.bytes.count + arguments.bytes.count + files.bytes.count
            out.u64(UInt64(recordSize))
            out.u64(UInt64(files.bytes.count))
            out.u32(UInt32(arguments.bytes.count))
            out.bytes += meta.bytes + arguments.bytes + files.bytes
        }
        return out.bytes
    }

    /// A minimal 64-bit ELF file for a machine: header, one null section header, then the payload.
    public static func elf(machine: UInt16, abiVersion: UInt8 = 8, flags: UInt32, payload: [UInt8]) -> [UInt8] {
        var out = Writer()
        out.bytes += [0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0x41, abiVersion] + [UInt8](repeating: 0, count: 7)
        out.u16(2)            // e_type
        out.u16(machine)
        out.u32(1)            // e_version
        out.u64(0)            // e_entry
        out.u64(0)            // e_phoff
        out.u64(64)           // e_shoff
        out.u32(flags)
        out.u16(64)           // e_ehsize
        out.u16(56)           // e_phentsize
        out.u16(0)            // e_phnum
        out.u16(64)           // e_shentsize
        out.u16(1)            // e_shnum
        out.u16(0)            // e_shstrndx
        out.bytes += [UInt8](repeating: 0, count: 64)  // the null section
        return out.bytes + payload
    }

    /// `payload` made into an image of `target`'s format of exactly `payload.count` bytes where it
    /// is large enough (256 bytes); the payload itself otherwise, or for a target Kiln does not know.
    public static func wrap(_ payload: [UInt8], target name: String, module: String) -> [UInt8] {
        guard payload.count >= 256, let target = TargetRegistry.standard.target(named: name) else { return payload }
        func fit(_ bytes: [UInt8]) -> [UInt8] { Array((bytes + payload).prefix(payload.count)) }
        switch target.kind {
        case .cubin(let capability, _):
            return fit(elf(machine: 190, flags: UInt32(capability.number) << 8, payload: []))
        case .intelDevice:
            return fit(elf(machine: 205, flags: 0, payload: []))
        case .ptx(let capability, let archSpecific):
            return fit(Array(".version 9.0\n.target sm_\(capability.number)\(archSpecific ? "a" : "")\n".utf8))
        case .spirv:
            guard payload.count % 4 == 0 else { return payload }
            return fit([0x03, 0x02, 0x23, 0x07, 0, 0, 1, 0] + [UInt8](repeating: 0, count: 12))
        case .cpu:
            let empty = poclBinary(root: [("/program.bc", [])], kernels: [PoCLKernel(name: "\(module)_kernel", files: [])])
            guard empty.count < payload.count else { return payload }
            return poclBinary(root: [("/program.bc", Array(payload.prefix(payload.count - empty.count)))],
                              kernels: [PoCLKernel(name: "\(module)_kernel", files: [])])
        case .source:
            return payload
        }
    }

    struct Writer {
        var bytes: [UInt8] = []
        mutating func u16(_ value: UInt16) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
        mutating func u32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
        mutating func u64(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
        mutating func string(_ value: [UInt8]) { u32(UInt32(value.count)); bytes += value }
        mutating func file(_ name: String, _ content: [UInt8]) { string(Array(name.utf8)); string(content) }
    }
}
