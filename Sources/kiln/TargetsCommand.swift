import ArgumentParser
import KilnCore

/// `kiln targets [LIST]`: the registry, or how a device list normalises.
struct TargetsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "targets",
        abstract: "List the known targets and device names, or show how a device list normalises.",
        discussion: """
        A device list is separated by commas, semicolons or spaces: targets (sm_90, compute_80, \
        pvc, 12.60.7, cpu), compute capabilities as TORCH_CUDA_ARCH_LIST writes them (8.6, \
        8.6+PTX), aliases (ats-m150), ocloc groups (xe-hpg), architectures (Ampere, Xe-LP), \
        products (H100, "Arc A380"), native, all, none, and switches for the portable forms \
        (no-ptx, no-spirv, no-source).
        """)

    @Argument(help: "A device list to normalise, e.g. 'ats-m150,pvc,H100'.")
    var list: String?

    @Flag(name: .long, help: "Print the registry as Markdown (the text of docs/TARGETS.md).")
    var markdown = false

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if markdown && (list != nil || output.json) {
            throw ValidationError("--markdown prints the whole registry; give it no list and no --json.")
        }
    }

    func run() throws {
        let registry = TargetRegistry.standard
        if markdown {
            print(registry.markdown(), terminator: "")
            return
        }
        guard let list else {
            let sections = registry.listing()
            if output.json {
                try output.printJSON(sections.map { section in
                    ["title": .string(section.title),
                     "rows": .rows(section.rows.map { Dictionary(uniqueKeysWithValues: zip(section.header, $0)) })] as [String: JSONValue]
                })
                return
            }
            for section in sections {
                print("\(section.title) — \(section.note.filter { $0 != "`" })")
                print(TextTable(header: section.header, rows: section.rows).render())
                print()
            }
            return
        }
        let parsed = try DeviceList.parse(list, registry: registry, native: nativeTargets(for: list))
        let rows = parsed.targets.map { target in
            NormalisedTarget(target: target, registry: registry)
        }
        if output.json {
            try output.printJSON(NormalisedList(list: list, normalised: parsed.targets.map(\.name).joined(separator: ","), targets: rows))
            return
        }
        print("device list '\(list.terminalSafe())'")
        print(TextTable(header: ["target", "family", "format", "identity"],
                        rows: rows.map { [$0.name, $0.family, $0.format, $0.identity] }).render())
        print("normalised: \(parsed.targets.map(\.name).joined(separator: ","))")
    }
}

/// One target of a normalised device list, for output.
struct NormalisedTarget: Encodable {
    var name: String
    var family: String
    var format: String
    var portable: Bool
    var identity: String

    init(target: Target, registry: TargetRegistry) {
        name = target.name
        family = target.family?.rawValue ?? "all"
        format = target.format.rawValue
        portable = target.isPortable
        switch target.kind {
        case .cubin(let cc, let a), .ptx(let cc, let a):
            identity = "compute capability \(cc)\(a ? ", arch-specific" : "")"
        case .intelDevice(let ip):
            let aliases = registry.intelDevice(ip)?.names.dropFirst() ?? []
            identity = "IP version \(ip)" + (aliases.isEmpty ? "" : " (also \(aliases.joined(separator: ", ")))")
        case .spirv: identity = "portable: Intel drivers compile it"
        case .cpu: identity = "the building machine's CPU, through PoCL"
        case .source: identity = "portable: compiled on the device at run time"
        }
    }
}

/// A normalised device list, for `--json`.
struct NormalisedList: Encodable {
    var list: String
    var normalised: String
    var targets: [NormalisedTarget]
}

/// A small JSON value for listings whose shape is data-driven.
enum JSONValue: Encodable {
    case string(String)
    case rows([[String: String]])

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let text): try container.encode(text)
        case .rows(let rows): try container.encode(rows)
        }
    }
}
