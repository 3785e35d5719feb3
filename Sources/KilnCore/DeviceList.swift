/// A parsed device list: the targets a bundle is built for, in the order given,
/// aliases and duplicates collapsed, with the portable forms added.
///
/// The syntax is that of `KILN_AOT_DEVLIST` and `--devices`: names separated by
/// commas, each a target (`sm_90`, `compute_80`, `pvc`, `12.60.7`, `cpu`), an alias
/// (`ats-m150`), an `ocloc` group (`xe-hpg`), a product (`H100`, `Arc A380`), `native`,
/// or a portable-form switch (`no-ptx`, `no-spirv`, `no-source`).
public struct DeviceList: Sendable, Equatable {
    /// The list used when none is given: the data-center GPUs (NVIDIA A100, H100/H200, B200;
    /// Intel Max and Flex 170) AOT, with the portable forms for every other device — what the
    /// seed's prebuilt wheels ship.
    public static let shippingDefault = "sm_80,sm_90,sm_100,pvc,ats-m150"

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
    ///   - text: The list, e.g. `"ats-m150, pvc, H100"`.
    ///   - registry: The names to resolve against.
    ///   - native: The targets of this machine's devices, for the name `native`;
    ///     nil where they are not known.
    /// - Throws: `KilnError` (`.invalidDeviceList` or `.unknownDevice`) that quotes the list,
    ///   names every bad entry and suggests the nearest known name.
    public static func parse(_ text: String, registry: TargetRegistry = .standard,
                             native: [Target]? = nil) throws -> DeviceList {
        let quoted = "device list '\(text)'"
        let entries = text.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingWhitespace() }
        if entries.allSatisfy(\.isEmpty) {
            throw KilnError(.invalidDeviceList,
                "\(quoted) is empty — name at least one device, e.g. 'sm_90,pvc,cpu' (`kiln targets` lists them)")
        }
        var devices: [Target] = []
        var explicitPortable: [Target] = []
        var switches: [PortableForm: Bool] = [:]
        var problems: [String] = []

        for (index, entry) in entries.enumerated() {
            if entry.isEmpty {
                problems.append("entry \(index + 1) is empty — remove the extra comma")
                continue
            }
            do {
                switch try registry.meaning(of: entry) {
                case .targets(let targets, _):
                    for target in targets {
                        if target.isPortable { explicitPortable.append(target) } else { devices.append(target) }
                    }
                case .native:
                    guard let native, !native.isEmpty else {
                        problems.append("'native' found no devices on this machine — name the targets instead")
                        continue
                    }
                    devices += native
                case .portable(let form, let enabled):
                    if let earlier = switches[form], earlier != enabled {
                        problems.append("'\(form.rawValue)' is both switched on and off")
                    }
                    switches[form] = enabled
                }
            } catch let error as KilnError {
                problems.append(error.message)
            }
        }

        let cubinCapabilities = devices.compactMap { target -> ComputeCapability? in
            if case .cubin(let cc, _) = target.kind { return cc }
            return nil
        }
        var portable = explicitPortable
        if switches[.ptx] != false, !explicitPortable.contains(where: { $0.format == .ptx }) {
            if let lowest = cubinCapabilities.min() {
                portable.append(.compute(lowest.number))
            } else if switches[.ptx] == true {
                problems.append("'ptx' needs an sm_XY in the list to pick its architecture — name a compute_XY instead")
            }
        }
        if switches[.ptx] == false, explicitPortable.contains(where: { $0.format == .ptx }) {
            problems.append("'no-ptx' contradicts the compute_XY it names")
        }
        let hasIntel = devices.contains { $0.family == .intel }
        if switches[.spirv] ?? hasIntel { portable.append(.spirv) }
        if switches[.source] ?? true { portable.append(.source) }

        if !problems.isEmpty {
            throw KilnError(
                problems.contains { $0.hasPrefix("unknown") } ? .unknownDevice : .invalidDeviceList,
                "\(quoted): " + problems.joined(separator: "; "))
        }
        var seen = Set<Target>()
        let targets = (devices + portable).filter { seen.insert($0).inserted }
        guard targets.contains(where: { !$0.isPortable || $0.format != .source }) else {
            throw KilnError(.invalidDeviceList,
                "\(quoted) names no device — add one, e.g. 'sm_90', 'pvc' or 'cpu'")
        }
        return DeviceList(text: text, targets: targets)
    }
}
