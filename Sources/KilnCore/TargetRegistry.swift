/// The names Kiln knows: targets, their aliases, `ocloc` groups and product names.
///
/// Lookups ignore case, spaces, `-` and `_`, trademark signs and a leading vendor
/// name, so `H100`, `nvidia h100`, `ATS-M150` and `sm90` all resolve.
public struct TargetRegistry: Sendable {
    /// What one name in a device list stands for.
    public enum Meaning: Sendable, Equatable {
        /// One or more targets; `product` is the product or group name when the name was one.
        case targets([Target], product: String?)
        /// The devices of the building machine.
        case native
        /// A switch for a portable form: `ptx`, `no-ptx`, `spirv`, `no-spirv`, `source`, `no-source`.
        case portable(PortableForm, enabled: Bool)
    }

    /// The NVIDIA architectures Kiln compiles for.
    public let nvidiaArchitectures: [NVIDIAArchitecture]
    /// The Intel devices `ocloc` knows, one entry per IP version.
    public let intelDevices: [IntelDevice]
    /// `ocloc`'s names for several devices at once.
    public let intelGroups: [TargetGroup]
    /// Product names and the targets they stand for.
    public let products: [Product]

    private let meanings: [String: Meaning]
    /// Every spelling a user may write, keyed by its normalised form, for suggestions.
    private let spellings: [String: String]

    /// The registry Kiln ships with; its data is in `TargetRegistry+Data.swift`.
    public static let standard = TargetRegistry(
        nvidiaArchitectures: nvidiaArchitectures, intelDevices: intelDevices,
        intelGroups: intelGroups, products: products)

    /// Creates a registry from its tables.
    ///
    /// Two spellings that normalise alike but mean different things are a programmer error and trap.
    public init(nvidiaArchitectures: [NVIDIAArchitecture], intelDevices: [IntelDevice],
                intelGroups: [TargetGroup], products: [Product]) {
        self.nvidiaArchitectures = nvidiaArchitectures
        self.intelDevices = intelDevices
        self.intelGroups = intelGroups
        self.products = products

        var meanings: [String: Meaning] = [:]
        var spellings: [String: String] = [:]
        func add(_ spelling: String, _ meaning: Meaning) {
            let key = Self.normalise(spelling)
            precondition(meanings[key] == nil || meanings[key] == meaning,
                         "registry: '\(spelling)' stands for two different things")
            meanings[key] = meaning
            spellings[key] = spelling
        }
        add("native", .native)
        for form in PortableForm.allCases {
            add(form.rawValue, .portable(form, enabled: true))
            add("no-\(form.rawValue)", .portable(form, enabled: false))
        }
        add("cpu", .targets([.cpu], product: nil))
        for device in intelDevices {
            for name in device.names { add(name, .targets([device.target], product: nil)) }
        }
        let byName = Dictionary(uniqueKeysWithValues: intelDevices.map { ($0.canonicalName, $0.target) })
        for group in intelGroups {
            add(group.name, .targets(group.members.map { byName[$0]! }, product: group.name))
        }
        for arch in nvidiaArchitectures {
            let n = arch.capability.number
            spellings[Self.normalise("sm_\(n)")] = "sm_\(n)"
            spellings[Self.normalise("compute_\(n)")] = "compute_\(n)"
            if arch.hasArchSpecificVariant {
                spellings[Self.normalise("sm_\(n)a")] = "sm_\(n)a"
            }
        }
        for product in products {
            let targets = product.targets.map { name in
                guard let target = byName[name] ?? Self.nvidiaTarget(name, nvidiaArchitectures) else {
                    preconditionFailure("registry: product '\(product.name)' names unknown target '\(name)'")
                }
                return target
            }
            for spelling in [product.name] + product.aliases {
                add(spelling, .targets(targets, product: product.name))
            }
        }
        self.meanings = meanings
        self.spellings = spellings
    }

    /// What `name` stands for in a device list.
    ///
    /// - Throws: `KilnError.unknownDevice`, naming the input and the nearest known name.
    public func meaning(of name: String) throws -> Meaning {
        let key = Self.normalise(name)
        if let meaning = meanings[key] { return meaning }
        if let target = Self.nvidiaTarget(key, nvidiaArchitectures) { return .targets([target], product: nil) }
        if let ip = IntelIPVersion(key) {
            if let device = intelDevices.first(where: { $0.ipVersion == ip }) {
                return .targets([device.target], product: nil)
            }
            throw KilnError(.unknownDevice,
                "unknown Intel IP version '\(name)' — `ocloc ids` knows \(intelDevices.map(\.ipVersion.description).joined(separator: ", "))")
        }
        var message = "unknown device '\(name)'"
        if let suggestion = suggestion(for: name) {
            message += " — did you mean '\(suggestion)'?"
        } else {
            message += " — `kiln targets` lists the known names"
        }
        throw KilnError(.unknownDevice, message)
    }

    /// The target with this canonical name (`sm_90`, `compute_80a`, `acm-g10`, `spirv`, `cpu`, `source`),
    /// or nil. Unlike ``meaning(of:)`` it takes no aliases: it reads names Kiln wrote.
    public func target(named name: String) -> Target? {
        switch name {
        case "spirv": return .spirv
        case "cpu": return .cpu
        case "source": return .source
        default: break
        }
        if let target = Self.nvidiaTarget(name, nvidiaArchitectures), target.name == name { return target }
        return intelDevices.first { $0.canonicalName == name }?.target
    }

    /// The known spelling nearest to `name`, if one is close enough to be a likely typo.
    public func suggestion(for name: String) -> String? {
        let key = Self.normalise(name)
        guard !key.isEmpty else { return nil }
        // Among equally near spellings, the one that shares the longest start with the
        // input wins ('H10' → 'H100', not 'A10'), then the first in order.
        var best: (distance: Int, shared: Int, spelling: String)?
        for (candidate, spelling) in spellings.sorted(by: { $0.key < $1.key }) {
            let distance = editDistance(key, candidate)
            let shared = zip(key, candidate).prefix { $0 == $1 }.count
            if let best, (distance, -shared) >= (best.distance, -best.shared) { continue }
            best = (distance, shared, spelling)
        }
        guard let best, best.distance <= max(2, key.count / 3) else { return nil }
        return best.spelling
    }

    /// The architecture entry for a compute capability, if Kiln knows it.
    public func architecture(_ capability: ComputeCapability) -> NVIDIAArchitecture? {
        nvidiaArchitectures.first { $0.capability == capability }
    }

    /// The Intel device with this IP version, if `ocloc` knows it.
    public func intelDevice(_ ipVersion: IntelIPVersion) -> IntelDevice? {
        intelDevices.first { $0.ipVersion == ipVersion }
    }

    /// Parses `sm90`, `sm_90a`, `compute90` (normalised or not) into a known NVIDIA target.
    private static func nvidiaTarget(_ text: String, _ architectures: [NVIDIAArchitecture]) -> Target? {
        let key = Self.normalise(text)
        let (prefix, rest): (String, Substring)
        if key.hasPrefix("compute") {
            (prefix, rest) = ("compute", key.dropFirst("compute".count))
        } else if key.hasPrefix("sm") {
            (prefix, rest) = ("sm", key.dropFirst(2))
        } else {
            return nil
        }
        let archSpecific = rest.hasSuffix("a")
        let digits = archSpecific ? rest.dropLast() : rest
        guard (2...3).contains(digits.count), digits.allSatisfy(\.isASCIIDigit),
              let number = Int(digits),
              let arch = architectures.first(where: { $0.capability == ComputeCapability(number: number) }),
              !archSpecific || arch.hasArchSpecificVariant
        else { return nil }
        return prefix == "sm" ? .sm(number, archSpecific: archSpecific) : .compute(number, archSpecific: archSpecific)
    }

    /// The entries of a device list, each normalised as lookups see them.
    public static func normalisedNames(in list: String) -> [String] {
        list.split(separator: ",").map { normalise(String($0)) }
    }

    /// Lowercases, drops spaces, `-`, `_`, trademark signs and a leading vendor name.
    static func normalise(_ name: String) -> String {
        var text = name.lowercased()
        for mark in ["®", "™", "(r)", "(tm)"] { text = text.replacingAll(mark, with: "") }
        text = String(text.filter { !$0.isWhitespace && $0 != "-" && $0 != "_" })
        for vendor in ["intel", "nvidia", "geforce"] where text.hasPrefix(vendor) && text.count > vendor.count {
            text.removeFirst(vendor.count)
        }
        return text
    }
}

/// The Levenshtein distance between two strings, by characters.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}
