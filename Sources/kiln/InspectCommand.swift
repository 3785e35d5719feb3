import ArgumentParser
import KilnBundle
import KilnCore

/// `kiln inspect FILE`: what a bundle holds and what each target costs.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a bundle's modules, kernels, targets and images, and how many bytes each target adds.")

    @Argument(help: "The .kiln bundle to inspect.")
    var file: String

    @Flag(name: .long, help: "List every image, not only the totals per target.")
    var images = false

    @Flag(name: .long, help: "List every kernel's signature: its parameters, required work-group size and the targets that hold it.")
    var kernels = false

    @OptionGroup var output: OutputOptions

    func run() throws {
        let summary = try BundleSummary(reader: BundleReader.checked(path: file))
        if output.json {
            try output.printJSON(summary)
            return
        }
        print("\(summary.path.terminalSafe()): Kiln bundle format \(summary.formatVersion), written by \(summary.writtenBy.terminalSafe())")
        print("device list: '\(summary.deviceList.terminalSafe())'")
        if let shard = summary.shard {
            print("shard part: shard \(shard) of a sharded build — join every part with `kiln merge`")
        }
        print("signer: " + (summary.signature.map { "\($0.signer) (\($0.matches ? "signature matches" : "DOES NOT MATCH: altered after signing"))" } ?? "none (unsigned)"))
        if !summary.toolchains.isEmpty {
            print("toolchains: " + summary.toolchains.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)".terminalSafe() }.joined(separator: ", "))
        }
        print("\nmodules (\(summary.modules.count)):")
        print(TextTable(header: ["module", "language", "kernels", "names"],
                        rows: summary.modules.map { [$0.name, $0.language.rawValue, "\($0.kernels.count)", TextTable.wrap($0.kernels)] },
                        rightAligned: [2]).render())
        let partial = summary.modules.flatMap(\.signatures).filter { $0.targets != nil }
        if kernels {
            print("\nkernels (\(summary.modules.reduce(0) { $0 + $1.signatures.count })):")
            print(TextTable(header: ["module", "signature", "work-group", "only in"], rows: summary.modules.flatMap { module in
                module.signatures.map { kernel in
                    [module.name, kernel.signature, kernel.requiredWorkGroupSize.map { $0.map(String.init).joined(separator: "×") } ?? "",
                     kernel.targets.map { TextTable.wrap($0, width: 40) } ?? ""]
                }
            }).render())
        } else if !partial.isEmpty {
            let names = partial.prefix(3).map(\.name).joined(separator: ", ").terminalSafe() + (partial.count > 3 ? ", …" : "")
            print("\n\(partial.count) kernel\(partial.count == 1 ? " is" : "s are") only in some targets' images (\(names)) — --kernels shows which")
        }
        print("\ntargets (\(summary.targets.count)):")
        var table = TextTable(header: ["target", "format", "images", "stored", "raw", "only this target", "toolchain"],
                              rightAligned: [2, 3, 4, 5])
        table.rows = summary.targets.map {
            [$0.name, $0.format.rawValue, "\($0.images)", formatBytes($0.storedBytes), formatBytes($0.rawBytes),
             formatBytes($0.uniqueStoredBytes), $0.toolchain]
        }
        table.rows.append(["total", "", "\(summary.totals.images)", formatBytes(summary.totals.storedBytes),
                           formatBytes(summary.totals.rawBytes), "", ""])
        print(table.render())
        let shared = summary.totals.images - summary.totals.distinctImages
        print("\nfile: \(formatBytes(summary.totals.fileBytes)) (\(summary.totals.fileBytes) bytes); \(summary.totals.distinctImages) distinct images stored" +
              (shared > 0 ? ", \(shared) identical ones stored once" : ""))
        if images {
            print("\nimages:")
            var list = TextTable(header: ["module", "target", "format", "codec", "against", "stored", "raw", "sha256", "shared with"],
                                 rightAligned: [5, 6])
            list.rows = summary.images.map { image in
                // A reference in the same module is named by its target alone.
                let against = image.reference.map { $0.hasPrefix(image.module + " × ") ? String($0.dropFirst(image.module.count + 3)) : $0 } ?? ""
                return [image.module, image.target, image.format.rawValue,
                        image.transform == "none" ? image.codec : "\(image.codec) + \(image.transform)", against,
                        formatBytes(image.storedBytes), formatBytes(image.rawBytes), String(image.sha256.prefix(16)),
                        image.sharedWith.joined(separator: ", ")]
            }
            print(list.render())
        }
    }
}
