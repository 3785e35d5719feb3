import ArgumentParser
import KilnBundle
import KilnCore
import KilnRuntime
#if canImport(Glibc)
import Glibc
#endif

/// `kiln extract FILE MODULE TARGET -o OUT`: one image's raw bytes, as `cuobjdump -xelf` gives a cubin.
struct ExtractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Write one image of a bundle, decompressed and checked against its SHA-256, to a file.",
        discussion: """
        The bytes are the image as a driver gets it: a cubin (cuobjdump, nvdisasm), PTX text, a zebin \
        (ocloc disasm), SPIR-V (spirv-dis), a PoCL binary or the OpenCL C source. TARGET is a target \
        of the bundle as `kiln inspect` names it; an alias of one (ats-m150 for acm-g10) works too.
        """)

    @Argument(help: "The .kiln bundle to read.")
    var file: String

    @Argument(help: "The module whose image to write (its file name without the extension).")
    var module: String

    @Argument(help: "The target whose image to write, e.g. sm_90, compute_80, pvc, spirv, cpu or source.")
    var target: String

    @Option(name: [.short, .long], help: "The file to write, or - for standard output.")
    var output: String

    func run() throws {
        let reader = try BundleReader.checked(path: file)
        let manifest = try reader.manifest()
        guard manifest.module(named: module) != nil else {
            throw KilnError(.imageNotFound,
                "bundle '\(file)' has no module '\(module)' — it has \(manifest.modules.map(\.name).joined(separator: ", "))")
        }
        let name = Self.targetName(target, in: manifest)
        guard let entry = try reader.entry(module: module, target: name) else {
            throw KilnError(.imageNotFound,
                "bundle '\(file)' has no image of module '\(module)' for target '\(target)' — its targets are \(manifest.targets.map(\.name).joined(separator: ", "))")
        }
        let bytes = try reader.image(entry)
        if output == "-" {
            try Self.writeStandardOutput(bytes)
        } else {
            try OutputFile.write(bytes, to: output, inputs: [file], what: "image")
            StandardError.write("\(output.terminalSafe()): \(module.terminalSafe()) × \(name), \(entry.format.rawValue), \(bytes.count) bytes, SHA-256 \(entry.sha256Hex.prefix(16))…\n")
        }
    }

    /// The bundle's name for a target: the name itself, else the device an alias stands for
    /// (`ats-m150` → `acm-g10`, `8.6` → `sm_86`).
    static func targetName(_ name: String, in manifest: Manifest) -> String {
        if manifest.target(named: name) != nil { return name }
        let meant = (try? DeviceList.parse(name))?.targets.first?.name
        return meant.flatMap { manifest.target(named: $0)?.name } ?? name
    }

    /// Writes bytes to standard output, whole.
    ///
    /// - Throws: `KilnError.io` when the reader went away or the disk is full.
    static func writeStandardOutput(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Glibc.write(STDOUT_FILENO, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw KilnError(.io, "cannot write the image to standard output: \(String(cString: strerror(errno))) — write it to a file with -o FILE")
                }
                offset += written
            }
        }
    }
}
