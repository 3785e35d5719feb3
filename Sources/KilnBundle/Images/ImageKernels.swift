import KilnCore

/// The kernels an image holds, read from the image itself: the function symbols of a cubin's or
/// zebin's ELF symbol table, the `.entry` lines of PTX, the `OpEntryPoint`s of SPIR-V.
///
/// The build checks every image against the kernel list with this, so a bundle never lists a
/// kernel its image lacks. Every read is bounds-checked; a malformed image gives an error.
public enum ImageKernels {
    /// The kernel names an image holds; nil for formats whose kernels only a driver can tell
    /// (`source`; PoCL binaries are asked through OpenCL by their toolchain).
    ///
    /// - Throws: `KilnError.compilationFailed` for an image that is not well-formed.
    public static func names(in bytes: [UInt8], format: ImageFormat) throws(KilnError) -> Set<String>? {
        switch format {
        case .cubin, .zebin: try elfFunctions(bytes, format: format)
        case .ptx: ptxEntries(String(decoding: bytes, as: UTF8.self))
        case .spirv: try spirvEntryPoints(bytes)
        case .poclBinary, .source: nil
        }
    }

    /// Names of `.entry` functions in PTX (`.visible .entry saxpy(`).
    public static func ptxEntries(_ ptx: String) -> Set<String> {
        var names: Set<String> = []
        for line in ptx.split(separator: "\n") {
            guard let range = line.firstRange(of: ".entry ") else { continue }
            let name = line[range.upperBound...].prefix { !$0.isWhitespace && $0 != "(" }
            if !name.isEmpty { names.insert(String(name)) }
        }
        return names
    }

    /// Names of the function symbols of a cubin or zebin (``ELFImage``), less zebin's `_entry` labels.
    static func elfFunctions(_ bytes: [UInt8], format: ImageFormat) throws(KilnError) -> Set<String> {
        func fail(_ what: String) -> KilnError {
            KilnError(.compilationFailed, "the compiler wrote a \(format.rawValue) Kiln cannot read (\(what)) — report it with the kernel")
        }
        let machine = format == .zebin ? ImageCheck.machineIntelGT : ImageCheck.machineCUDA
        return try ELFImage(validating: bytes, machine: machine, failure: fail).functionNames(failure: fail)
    }

    /// Names of SPIR-V `OpEntryPoint` instructions (opcode 15: model, function id, name).
    public static func spirvEntryPoints(_ bytes: [UInt8]) throws(KilnError) -> Set<String> {
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
