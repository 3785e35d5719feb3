import KilnCore

/// Checks an image's bytes against its format and target before any driver or compiler parses
/// them: a PoCL binary's records (``PoCLBinary``), a cubin or zebin as an ELF file of the right
/// machine (and a cubin's SM), PTX as text for the right architecture, SPIR-V's header, and a
/// source form for includes that would read the host's files (``SourceIncludes``).
///
/// This is structure, not trust: it stops the parsers' known unchecked paths (PoCL's file
/// names, ELF offsets, `#include "/etc/…"`); a signature (``BundleReader/requireSignature(trustedBy:)``)
/// says who made the code.
public enum ImageCheck {
    /// `EM_CUDA`.
    static let machineCUDA: UInt16 = 190
    /// `EM_INTELGT`.
    static let machineIntelGT: UInt16 = 205

    /// Checks an image.
    ///
    /// - Parameters:
    ///   - bytes: The raw image, as the bundle holds it (already checked against its SHA-256).
    ///   - format: Its format.
    ///   - target: The target it was built for.
    ///   - what: The image, for messages: `bundle 'app.kiln': image vector × cpu`.
    /// - Throws: `KilnError.corruptBundle` naming the image and what is wrong.
    public static func validate(_ bytes: [UInt8], format: ImageFormat, target: Target, what: String) throws(KilnError) {
        switch format {
        case .poclBinary:
            _ = try PoCLBinary(validating: bytes, what: what)
        case .cubin:
            let elf = try ELFImage(validating: bytes, machine: machineCUDA, failure: refusal(what, "cubin"))
            if case .cubin(let capability, _) = target.kind {
                // ABI version 8 (CUDA 12.8+) keeps the SM in bits 8–15 of e_flags, older ones in bits 0–7.
                let sm = elf.abiVersion >= 8 ? Int((elf.flags >> 8) & 0xff) : Int(elf.flags & 0xff)
                guard sm == capability.number else {
                    throw KilnError(.corruptBundle, "\(what) is a cubin for sm_\(sm), not \(target.name) — the bundle is damaged or hostile; rebuild it")
                }
            }
        case .zebin:
            _ = try ELFImage(validating: bytes, machine: machineIntelGT, failure: refusal(what, "zebin"))
        case .ptx:
            try checkPTX(bytes, target: target, what: what)
        case .spirv:
            guard bytes.count >= 20, bytes.count % 4 == 0, Array(bytes[0..<4]) == [0x03, 0x02, 0x23, 0x07] else {
                throw KilnError(.corruptBundle, "\(what) is not SPIR-V (a little-endian header with magic 0x07230203, a multiple of 4 bytes) — the bundle is damaged or hostile; rebuild it")
            }
        case .source:
            try SourceIncludes.check(bytes, what: what)
        }
    }

    /// The error for an ELF image from a bundle that ``ELFImage`` refuses.
    static func refusal(_ what: String, _ kind: String) -> (String) -> KilnError {
        { why in KilnError(.corruptBundle, "\(what) is not a \(kind) Kiln will hand to a driver: \(why) — the bundle is damaged or hostile; rebuild it") }
    }

    /// PTX: UTF-8 text (NULs only at the end) with a `.version` and a `.target sm_XY` for the
    /// target's architecture.
    static func checkPTX(_ bytes: [UInt8], target: Target, what: String) throws(KilnError) {
        let text = bytes.reversed().drop { $0 == 0 }.reversed()
        guard !text.contains(0), let string = String(validating: Array(text), as: UTF8.self) else {
            throw KilnError(.corruptBundle, "\(what) is not PTX text (it is not UTF-8, or holds NUL bytes) — the bundle is damaged or hostile; rebuild it")
        }
        var version = false, targets: [String] = []
        for line in string.split(whereSeparator: \.isNewline) {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," })
            guard let first = words.first else { continue }
            if first == ".version" { version = true }
            if first == ".target", words.count > 1 { targets.append(String(words[1])) }
        }
        guard version, let architecture = targets.first else {
            throw KilnError(.corruptBundle, "\(what) is not PTX (no .version and .target directives) — the bundle is damaged or hostile; rebuild it")
        }
        if case .ptx(let capability, let archSpecific) = target.kind {
            let expected = "sm_\(capability.number)\(archSpecific ? "a" : "")"
            guard architecture == expected else {
                throw KilnError(.corruptBundle, "\(what) is PTX for \(architecture.terminalSafe()), not \(expected) as its target \(target.name) says — the bundle is damaged or hostile; rebuild it")
            }
        }
    }
}
