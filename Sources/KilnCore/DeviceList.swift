/// A parsed device list: the targets a bundle is built for, in the order given,
/// aliases and duplicates collapsed, with the portable forms added.
///
/// The syntax is that of `KILN_AOT_DEVLIST`, `--devices` and PyTorch's `TORCH_CUDA_ARCH_LIST`:
/// names separated by commas, semicolons or white space, in any mix (`sm_80,sm_90`, `8.0;8.6`,
/// `sm_86 sm_90`), empty entries ignored. Each name is a target (`sm_90`, `compute_80`, `pvc`,
/// `12.60.7`, `cpu`), a compute capability (`8.6`, and `8.6+PTX` for its PTX too), an alias
/// (`ats-m150`), an `ocloc` group (`xe-hpg`), an architecture (`Ampere`, `Xe-LP`), a product
/// (`H100`, `Arc A380` — words that make up a known name stay one name), `native`, `all`, `none`,
/// or a portable-form switch (`no-ptx`, `no-spirv`, `no-source`).
public struct DeviceList: Sendable, Equatable {
    /// The list used when none is given: the data-center GPUs (NVIDIA A100, H100/H200, B200;
    /// Intel Max and Flex 170) AOT, with the portable forms for every other device — what the
    /// seed's prebuilt wheels ship.
    public static let shippingDefault = "sm_80,sm_90,sm_100,pvc,ats-m150"

    /// How many bad names an error spells out; the rest are counted.
    public static let reportedProblemLimit = 5

    /// The list as the user wrote it.
    public let text: String
    /// Every target to build, device binaries first, then the portable forms.
    public let targets: [Target]

    /// The targets that are device binaries (`sm_XY`, Intel devices, `cpu`).
    public var deviceTargets: [Target] { targets.filter { !$0.isPortable } }
    /// The targets that are portable forms (`compute_XY`, `spirv`, `source`).
    public var portableTargets: [Target] { targets.filter(\.isPortable) }

    /// Parses a device list.
    ///
    /// - Parameters:
    ///   - text: The list, e.g. `"ats-m150, pvc, H100"` or `"8.0;8.6+PTX"`.
    ///   - registry: The names to resolve against.
    ///   - native: The targets of this machine's devices, for the name `native`;
    ///     nil where they are not known.
    /// - Throws: `KilnError` (`.invalidDeviceList` or `.unknownDevice`) that quotes the list,
    ///   names the first ``reportedProblemLimit`` bad names (suggesting the nearest known name
    ///   of the same vendor) and counts the rest.
    /// - Complexity: O(*n*) in the length of the list.
    public static func parse(_ text: String, registry: TargetRegistry = .standard,
                             native: [Target]? = nil) throws(KilnError) -> DeviceList {
        let quoted = "device list '\(text.quotable(limit: 80))'"
        let names = names(in: text, registry: registry)
        if names.isEmpty {
            throw KilnError(.invalidDeviceList,
                "\(quoted) is empty — name at least one device, e.g. 'sm_90,pvc,cpu', or 'none' for portable forms only "
                + "(`kiln targets` lists them)")
        }
        var devices: [Target] = []
        var explicitPortable: [Target] = []
        var switches: [PortableForm: Bool] = [:]
        var portableOnly = false
        var badNames: [Substring] = []        // unknown names, reported with the registry's message
        var problems: [String] = []           // everything else, each said once

        func note(_ problem: String) {
            if !problems.contains(problem) { problems.append(problem) }
        }

        for name in names {
            guard let meaning = name.meaning else {
                if name.plusPTX && registry.lookup(name.base) != nil {
                    note("'\(name.text.quotable())': '+PTX' follows an NVIDIA compute capability or sm_XY, e.g. '8.6+PTX'")
                } else {
                    badNames.append(name.base)
                }
                continue
            }
            switch meaning {
            case .targets(let targets, _):
                for target in targets {
                    if target.isPortable { explicitPortable.append(target) } else { devices.append(target) }
                }
                if name.plusPTX, let highest = targets.compactMap(\.cubinCapability).max() {
                    explicitPortable.append(.compute(highest.number))
                }
            case .native:
                guard let native, !native.isEmpty else {
                    note("'native' found no devices on this machine — name the targets instead")
                    continue
                }
                devices += native
            case .portable(let form, let enabled):
                if let earlier = switches[form], earlier != enabled {
                    note("'\(form.rawValue)' is both switched on and off")
                }
                switches[form] = enabled
            case .portableOnly:
                portableOnly = true
            }
        }

        if portableOnly, let first = devices.first {
            note("'none' (portable forms only) cannot be combined with a device such as '\(first.name)' — keep one of them")
        }
        var portable = explicitPortable
        if switches[.ptx] != false, !explicitPortable.contains(where: { $0.format == .ptx }) {
            let lowestCubin = devices.compactMap(\.cubinCapability).min()
            if portableOnly, let lowest = registry.nvidiaArchitectures.filter({ !$0.needsOlderNVRTC }).map(\.capability).min() {
                portable.append(.compute(lowest.number))
            } else if let lowest = lowestCubin {
                portable.append(.compute(lowest.number))
            } else if switches[.ptx] == true {
                note("'ptx' needs an sm_XY in the list to pick its architecture — name a compute_XY instead")
            }
        }
        if switches[.ptx] == false, explicitPortable.contains(where: { $0.format == .ptx }) {
            note("'no-ptx' contradicts the compute_XY it names")
        }
        let hasIntel = devices.contains { $0.family == .intel }
        if switches[.spirv] ?? (hasIntel || portableOnly) { portable.append(.spirv) }
        if switches[.source] ?? true { portable.append(.source) }

        if !badNames.isEmpty || !problems.isEmpty {
            var shown = badNames.prefix(reportedProblemLimit).map { registry.unknownMessage(for: $0) }
            shown += problems.prefix(reportedProblemLimit - shown.count)
            let more = badNames.count + problems.count - shown.count
            if more > 0 { shown.append("and \(more.groupedDigits) more") }
            throw KilnError(badNames.isEmpty ? .invalidDeviceList : .unknownDevice,
                            "\(quoted): " + shown.joined(separator: "; "))
        }
        var seen = Set<Target>()
        let targets = (devices + portable).filter { seen.insert($0).inserted }
        guard targets.contains(where: { !$0.isPortable || $0.format != .source }) else {
            throw KilnError(.invalidDeviceList,
                "\(quoted) names no device — add one, e.g. 'sm_90', 'pvc' or 'cpu'")
        }
        return DeviceList(text: text, targets: targets)
    }

    /// One name of a list, as written, with what it stands for.
    private struct Name {
        /// The name as written, `+PTX` included.
        var text: Substring
        /// The name without a `+PTX` suffix.
        var base: Substring
        /// Whether the name ends in `+PTX` (PyTorch's way to ask for the PTX at that capability too).
        var plusPTX: Bool
        /// What the base stands for; nil when the registry does not know it.
        var meaning: TargetRegistry.Meaning?
    }

    /// The names of a list: entries split at `,` and `;`, then at white space unless the words
    /// together make a known name (`Arc A380`, `nvidia h100`).
    ///
    /// Within an entry of several words, each place takes the longest run of words that is a known
    /// name. An entry none of whose words starts a known name stays one name, for one message.
    ///
    /// - Complexity: O(*n*) in the length of the text: a run is at most ``longestRun`` words.
    private static func names(in text: String, registry: TargetRegistry) -> [Name] {
        var names: [Name] = []
        for entry in text.split(whereSeparator: { $0 == "," || $0 == ";" }) {
            let words = entry.split(whereSeparator: \.isWhitespace)
            guard !words.isEmpty else { continue }
            let whole = entry[words.first!.startIndex..<words.last!.endIndex]
            if words.count == 1 { names.append(name(whole, registry)); continue }
            let known = name(whole, registry)
            if known.meaning != nil { names.append(known); continue }
            var found: [Name] = []
            var resolvedAny = false
            var index = 0
            while index < words.count {
                var taken: Name?
                for end in stride(from: min(words.count, index + longestRun), to: index, by: -1) {
                    let run = name(entry[words[index].startIndex..<words[end - 1].endIndex], registry)
                    if run.meaning != nil {
                        taken = run
                        index = end
                        break
                    }
                }
                if let taken {
                    found.append(taken)
                    resolvedAny = true
                } else {
                    found.append(name(words[index], registry))
                    index += 1
                }
            }
            names += resolvedAny ? found : [name(whole, registry)]
        }
        return names
    }

    /// The most words a known name has (`Intel Data Center GPU Flex Series 170`).
    private static let longestRun = 8

    private static func name(_ text: Substring, _ registry: TargetRegistry) -> Name {
        let plusPTX = text.count > 4 && text.suffix(4).lowercased() == "+ptx"
        let base = plusPTX ? text.dropLast(4) : text
        var meaning = registry.lookup(base)
        if plusPTX, case .targets(let targets, _)? = meaning, !targets.allSatisfy({ $0.cubinCapability != nil }) {
            meaning = nil
        }
        return Name(text: text, base: base, plusPTX: plusPTX, meaning: meaning)
    }
}

extension Target {
    /// The compute capability of an `sm_XY` cubin target; nil for every other kind.
    var cubinCapability: ComputeCapability? {
        if case .cubin(let capability, _) = kind { return capability }
        return nil
    }
}
