/// The names Kiln knows: targets, their aliases, `ocloc` groups and product names.
///
/// Lookups ignore case, spaces, `-` and `_`, trademark signs and a leading vendor
/// name, so `H100`, `nvidia h100`, `ATS-M150` and `sm90` all resolve.
public struct TargetRegistry: Sendable {
    /// What one name in a device list stands for.
    public enum Meaning: Sendable, Equatable {
        /// One or more targets; `product` is the product, group or architecture name when the name was one
        /// (`all` for every target).
        case targets([Target], product: String?)
        /// The devices of the building machine.
        case native
        /// A switch for a portable form: `ptx`, `no-ptx`, `spirv`, `no-spirv`, `source`, `no-source`.
        case portable(PortableForm, enabled: Bool)
        /// `none`: no device binary, only the portable forms, so every device compiles at run time.
        case portableOnly
    }

    /// The NVIDIA architectures Kiln compiles for.
    public let nvidiaArchitectures: [NVIDIAArchitecture]
    /// The Intel devices `ocloc` knows, one entry per IP version.
    public let intelDevices: [IntelDevice]
    /// `ocloc`'s names for several devices at once.
    public let intelGroups: [TargetGroup]
    /// Product names and the targets they stand for.
    public let products: [Product]
    /// Architecture names (`Ampere`, `Xe-LP`) and the targets they stand for.
    public let architectureNames: [ArchitectureName]
    /// Names users write that this Kiln cannot build, with the reason.
    public let unbuildableNames: [UnbuildableName]

    private let meanings: [String: Meaning]
    private let unbuildable: [String: UnbuildableName]
    /// Every spelling a user may write, sorted by its normalised form, for suggestions.
    private let candidates: [Candidate]

    /// A spelling that suggestions may offer.
    private struct Candidate: Sendable {
        var key: [Character]
        var spelling: String
        /// The family it belongs to; nil for names of no family (`native`, `no-ptx`, `all`).
        var family: Family?
    }

    /// The registry Kiln ships with; its data is in `TargetRegistry+Data.swift`.
    public static let standard = TargetRegistry(
        nvidiaArchitectures: nvidiaArchitectures, intelDevices: intelDevices,
        intelGroups: intelGroups, products: products,
        architectureNames: architectureNames, unbuildableNames: unbuildableNames)

    /// Creates a registry from its tables.
    ///
    /// Two spellings that normalise alike but mean different things are a programmer error and trap.
    public init(nvidiaArchitectures: [NVIDIAArchitecture], intelDevices: [IntelDevice],
                intelGroups: [TargetGroup], products: [Product],
                architectureNames: [ArchitectureName] = [], unbuildableNames: [UnbuildableName] = []) {
        self.nvidiaArchitectures = nvidiaArchitectures
        self.intelDevices = intelDevices
        self.intelGroups = intelGroups
        self.products = products
        self.architectureNames = architectureNames
        self.unbuildableNames = unbuildableNames

        var meanings: [String: Meaning] = [:]
        var spellings: [String: (String, Family?)] = [:]
        func add(_ spelling: String, _ meaning: Meaning, _ family: Family?) {
            let key = Self.normalise(spelling)
            precondition(meanings[key] == nil || meanings[key] == meaning,
                         "registry: '\(spelling)' stands for two different things")
            meanings[key] = meaning
            spellings[key] = (spelling, family)
        }
        add("native", .native, nil)
        add("none", .portableOnly, nil)
        for form in PortableForm.allCases {
            add(form.rawValue, .portable(form, enabled: true), nil)
            add("no-\(form.rawValue)", .portable(form, enabled: false), nil)
        }
        add("cpu", .targets([.cpu], product: nil), .cpu)
        for device in intelDevices {
            for name in device.names { add(name, .targets([device.target], product: nil), .intel) }
        }
        let byName = Dictionary(uniqueKeysWithValues: intelDevices.map { ($0.canonicalName, $0.target) })
        func targets(_ names: [String], of owner: String) -> [Target] {
            names.map { name in
                guard let target = byName[name] ?? Self.nvidiaTarget(name, nvidiaArchitectures) else {
                    preconditionFailure("registry: '\(owner)' names unknown target '\(name)'")
                }
                return target
            }
        }
        for group in intelGroups {
            add(group.name, .targets(targets(group.members, of: group.name), product: group.name), .intel)
        }
        for arch in nvidiaArchitectures {
            let n = arch.capability.number
            spellings[Self.normalise("sm_\(n)")] = ("sm_\(n)", .nvidia)
            spellings[Self.normalise("compute_\(n)")] = ("compute_\(n)", .nvidia)
            if arch.hasArchSpecificVariant {
                spellings[Self.normalise("sm_\(n)a")] = ("sm_\(n)a", .nvidia)
            }
        }
        for product in products {
            let meaning = Meaning.targets(targets(product.targets, of: product.name), product: product.name)
            for spelling in [product.name] + product.aliases { add(spelling, meaning, product.family) }
        }
        for arch in architectureNames {
            let meaning = Meaning.targets(targets(arch.targets, of: arch.name), product: arch.name)
            for spelling in [arch.name] + arch.aliases { add(spelling, meaning, arch.family) }
        }
        // `all`: every target this Kiln's toolchains build — each sm_XY that NVRTC 13 compiles, each
        // Intel device that ocloc names (not the bare IP versions of pre-production steppings), the CPU.
        let all = nvidiaArchitectures.filter { !$0.needsOlderNVRTC }.map { Target.sm($0.capability.number) }
            + intelDevices.filter { IntelIPVersion($0.canonicalName) == nil }.map(\.target)
            + [.cpu]
        add("all", .targets(all, product: "all"), nil)

        var unbuildable: [String: UnbuildableName] = [:]
        for entry in unbuildableNames {
            for name in entry.names {
                let key = Self.normalise(name)
                precondition(meanings[key] == nil, "registry: '\(name)' is both known and unbuildable")
                unbuildable[key] = entry
            }
        }
        self.meanings = meanings
        self.unbuildable = unbuildable
        self.candidates = spellings.sorted { $0.key < $1.key }
            .map { Candidate(key: Array($0.key), spelling: $0.value.0, family: $0.value.1) }
    }

    /// What `name` stands for in a device list.
    ///
    /// - Throws: `KilnError.unknownDevice`, naming the input and, where there is one, the nearest
    ///   known name of the same vendor, or why this Kiln cannot build it.
    public func meaning(of name: String) throws(KilnError) -> Meaning {
        if let meaning = lookup(name) { return meaning }
        throw KilnError(.unknownDevice, unknownMessage(for: name))
    }

    /// What `name` stands for, or nil where the registry does not know it; never suggests.
    ///
    /// - Complexity: O(*n*) in the length of the name.
    func lookup(_ name: some StringProtocol) -> Meaning? {
        let key = Self.normalise(String(name))
        if let meaning = meanings[key] { return meaning }
        if let target = Self.nvidiaTarget(key, nvidiaArchitectures) ?? Self.capabilityTarget(key, nvidiaArchitectures) {
            return .targets([target], product: nil)
        }
        if let ip = IntelIPVersion(key), let device = intelDevice(ip) {
            return .targets([device.target], product: nil)
        }
        return nil
    }

    /// The message for a name that ``lookup(_:)`` does not know: why this Kiln cannot build it, or the
    /// nearest known name of the same vendor, or a pointer to `kiln targets`.
    ///
    /// - Complexity: O(*k*) for *k* known spellings; the name is read only up to a bounded length.
    func unknownMessage(for name: some StringProtocol) -> String {
        let shown = name.quotable()
        let key = Self.normalise(String(name.prefix(200)))
        if let entry = unbuildable[key] {
            if let ocloc = entry.needsOcloc {
                return "'\(shown)' (\(entry.what)) needs ocloc \(ocloc) or newer; this Kiln's registry is from ocloc 22.43 "
                    + "— leave it out and add 'spirv': its devices JIT from SPIR-V"
            }
            let oldest = nvidiaArchitectures.map(\.capability).min().map { "sm_\($0.number)" } ?? "none"
            return "'\(shown)' (\(entry.what)) is older than any architecture Kiln builds (\(oldest) and newer) — leave it out"
        }
        if IntelIPVersion(key) != nil {
            return "unknown Intel IP version '\(shown)' — `ocloc ids` knows \(intelDevices.map(\.ipVersion.description).joined(separator: ", "))"
        }
        if Self.capability(key) != nil {
            let known = nvidiaArchitectures.map(\.capability)
            let range = known.min().map { low in "\(low) to \(known.max()!)" } ?? "none"
            return "unknown compute capability '\(shown)' — Kiln builds \(range) (`kiln targets` lists them)"
        }
        if let suggestion = suggestion(for: String(name.prefix(200))) {
            return "unknown device '\(shown)' — did you mean '\(suggestion)'?"
        }
        return "unknown device '\(shown)' — `kiln targets` lists the known names"
    }

    /// The target with this canonical name (`sm_90`, `compute_80a`, `acm-g10`, `spirv`, `cpu`, `source`),
    /// or nil. Unlike ``meaning(of:)`` it takes no aliases: it reads names Kiln wrote.
    public func target(named name: String) -> Target? {
        Self.target(named: name, nvidiaArchitectures, intelDevices)
    }

    /// The target a canonical name stands for in the standard tables (those of ``standard``),
    /// found without building ``standard``'s index of every spelling and product, which a program
    /// that only loads a bundle never needs (building it costs milliseconds at start-up).
    public static func standardTarget(named name: String) -> Target? {
        target(named: name, nvidiaArchitectures, intelDevices)
    }

    private static func target(named name: String, _ nvidiaArchitectures: [NVIDIAArchitecture],
                               _ intelDevices: [IntelDevice]) -> Target? {
        switch name {
        case "spirv": return .spirv
        case "cpu": return .cpu
        case "source": return .source
        default: break
        }
        if let target = nvidiaTarget(name, nvidiaArchitectures), target.name == name { return target }
        return intelDevices.first { $0.canonicalName == name }?.target
    }

    /// The known spelling nearest to `name`, if one is close enough to be a likely typo.
    ///
    /// Suggestions stay within the vendor that the name looks like (`sm_…`, `RTX …` and `H100`-like names
    /// are NVIDIA's; `arc …`, `xe…`, `dg…`, `… lake` and IP versions Intel's). A name that looks like
    /// neither gets a suggestion only one edit away, so `lnl` never becomes the NVIDIA `L4`.
    ///
    /// - Complexity: O(*k*) for *k* known spellings: each comparison is bounded by the longest spelling.
    public func suggestion(for name: String) -> String? {
        let raw = Self.normalise(String(name.prefix(200)), keepingVendor: true)
        let key = Array(Self.normalise(String(name.prefix(200))))
        guard !key.isEmpty else { return nil }
        let vendor = Self.vendor(lookingAt: raw)
        let limit = vendor == nil ? 1 : max(2, key.count / 3)
        // Among equally near spellings, the one that shares the longest start with the
        // input wins ('H10' → 'H100', not 'A10'), then the first in order.
        var best: (distance: Int, shared: Int, spelling: String)?
        for candidate in candidates where vendor == nil || candidate.family == vendor {
            guard let distance = boundedEditDistance(key, candidate.key, limit: best?.distance ?? limit) else { continue }
            let shared = zip(key, candidate.key).prefix { $0 == $1 }.count
            if let best, (distance, -shared) >= (best.distance, -best.shared) { continue }
            best = (distance, shared, candidate.spelling)
        }
        return best?.spelling
    }

    /// The vendor whose names `key` (normalised, vendor prefix kept) looks like, or nil.
    static func vendor(lookingAt key: String) -> Family? {
        let nvidiaPrefixes = ["nvidia", "geforce", "tesla", "quadro", "rtx", "gtx", "titan", "jetson", "dgx", "compute"]
        let intelPrefixes = ["intel", "arc", "flex", "iris", "uhd", "xe", "gen", "ponte", "ats", "acm", "dg", "pvc"]
        if nvidiaPrefixes.contains(where: key.hasPrefix) { return .nvidia }
        if intelPrefixes.contains(where: key.hasPrefix) || key.contains("lake") { return .intel }
        if key.hasPrefix("sm"), key.dropFirst(2).first?.isASCIIDigit == true { return .nvidia }
        let letters = key.prefix { $0.isLetter }
        let rest = key.dropFirst(letters.count)
        let digits = rest.prefix(while: \.isASCIIDigit)
        // H100, A10G, L40S, GB200, T4: one or two letters, digits, at most a short suffix.
        if (1...2).contains(letters.count), !digits.isEmpty,
           rest.dropFirst(digits.count).allSatisfy(\.isLetter), rest.count - digits.count <= 3 {
            return .nvidia
        }
        if key.contains("."), key.allSatisfy({ $0.isASCIIDigit || $0 == "." }) {
            return key.split(separator: ".").count == 3 ? .intel : .nvidia
        }
        return nil
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

    /// Parses a compute capability as `TORCH_CUDA_ARCH_LIST` writes it (`8.6`, `12.0`, `9.0a`) into a
    /// known NVIDIA cubin target.
    private static func capabilityTarget(_ key: String, _ architectures: [NVIDIAArchitecture]) -> Target? {
        guard let capability = capability(key),
              let arch = architectures.first(where: { $0.capability == capability }),
              !key.hasSuffix("a") || arch.hasArchSpecificVariant
        else { return nil }
        return .sm(capability.number, archSpecific: key.hasSuffix("a"))
    }

    /// The compute capability that `8.6`, `12.0` or `9.0a` writes, known or not.
    static func capability(_ key: String) -> ComputeCapability? {
        let parts = (key.hasSuffix("a") ? key.dropLast() : key[...]).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 1,
              parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }),
              let major = Int(parts[0]), let minor = Int(parts[1]), major > 0
        else { return nil }
        return ComputeCapability(major, minor)
    }

    /// The names of a device list, each normalised as lookups see them; a name of several words
    /// (`Arc A380`) comes out as its words.
    public static func normalisedNames(in list: String) -> [String] {
        list.split { $0 == "," || $0 == ";" || $0.isWhitespace }.map { normalise(String($0)) }
    }

    /// Lowercases, drops spaces, `-`, `_`, trademark signs and (unless `keepingVendor`) a leading vendor name.
    static func normalise(_ name: String, keepingVendor: Bool = false) -> String {
        var text = name.lowercased()
        for mark in ["®", "™", "(r)", "(tm)"] { text = text.replacingAll(mark, with: "") }
        text = String(text.filter { !$0.isWhitespace && $0 != "-" && $0 != "_" })
        guard !keepingVendor else { return text }
        for vendor in ["intel", "nvidia", "geforce"] where text.hasPrefix(vendor) && text.count > vendor.count {
            text.removeFirst(vendor.count)
        }
        return text
    }
}

/// The Levenshtein distance between two strings, by characters.
func editDistance(_ a: String, _ b: String) -> Int {
    boundedEditDistance(Array(a), Array(b), limit: Int.max)!
}

/// The Levenshtein distance between `a` and `b` if it is at most `limit`, else nil.
///
/// - Complexity: O(1) when the lengths differ by more than `limit`; else O(*n*·*m*), stopping at the
///   first row whose every cell is over `limit`.
func boundedEditDistance(_ a: [Character], _ b: [Character], limit: Int) -> Int? {
    guard abs(a.count - b.count) <= limit else { return nil }
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        var rowMinimum = i
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            rowMinimum = min(rowMinimum, current[j])
        }
        if rowMinimum > limit { return nil }
        swap(&previous, &current)
    }
    return previous[b.count] <= limit ? previous[b.count] : nil
}
