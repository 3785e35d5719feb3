import Testing
@testable import KilnCore

/// The target names a name stands for, or nil when it is not a `.targets` meaning.
private func targetNames(_ name: String, in registry: TargetRegistry = .standard) throws -> [String]? {
    guard case .targets(let targets, _) = try registry.meaning(of: name) else { return nil }
    return targets.map(\.name)
}

/// The `ocloc ids` output of intel-opencl-icd 22.43, written out by hand so that the
/// test does not read the table it checks: (name, canonical name, IP version).
private let oclocIDs: [(String, String, String)] = [
    ("bdw", "bdw", "8.0.0"),
    ("skl", "skl", "9.0.9"), ("kbl", "kbl", "9.1.9"), ("cfl", "cfl", "9.2.9"),
    ("apl", "apl", "9.3.0"), ("bxt", "apl", "9.3.0"), ("glk", "glk", "9.4.0"),
    ("whl", "whl", "9.5.0"), ("aml", "aml", "9.6.0"), ("cml", "cml", "9.7.0"),
    ("icllp", "icllp", "11.0.0"), ("lkf", "lkf", "11.1.0"), ("ehl", "ehl", "11.2.0"), ("jsl", "ehl", "11.2.0"),
    ("tgllp", "tgllp", "12.0.0"), ("rkl", "rkl", "12.1.0"),
    ("adl-s", "adl-s", "12.2.0"), ("adl-p", "adl-p", "12.3.0"), ("adl-n", "adl-n", "12.4.0"),
    ("dg1", "dg1", "12.10.0"),
    ("12.50.4", "12.50.4", "12.50.4"),
    ("12.55.0", "12.55.0", "12.55.0"), ("12.55.1", "12.55.1", "12.55.1"), ("12.55.4", "12.55.4", "12.55.4"),
    ("acm-g10", "acm-g10", "12.55.8"), ("ats-m150", "acm-g10", "12.55.8"), ("dg2-g10", "acm-g10", "12.55.8"),
    ("12.56.0", "12.56.0", "12.56.0"), ("12.56.4", "12.56.4", "12.56.4"),
    ("acm-g11", "acm-g11", "12.56.5"), ("ats-m75", "acm-g11", "12.56.5"), ("dg2-g11", "acm-g11", "12.56.5"),
    ("acm-g12", "acm-g12", "12.57.0"), ("dg2-g12", "acm-g12", "12.57.0"),
    ("12.60.0", "12.60.0", "12.60.0"), ("pvc-sdv", "pvc-sdv", "12.60.1"),
    ("12.60.3", "12.60.3", "12.60.3"), ("12.60.5", "12.60.5", "12.60.5"), ("12.60.6", "12.60.6", "12.60.6"),
    ("pvc", "pvc", "12.60.7"),
]

/// Every product spelling and the targets it should build, written out by hand from the vendors'
/// specifications so that the test does not read the table it checks.
private let productSpellings: [(String, [String])] = [
    ("Intel Data Center GPU Flex Series 170", ["acm-g10"]), ("Flex 170", ["acm-g10"]), ("Flex Series 170", ["acm-g10"]),
    ("Intel Data Center GPU Max Series", ["pvc"]), ("Max", ["pvc"]), ("Max Series", ["pvc"]), ("Max 1100", ["pvc"]),
    ("Max 1550", ["pvc"]), ("Ponte Vecchio", ["pvc"]),
    ("Intel Arc A-Series", ["acm-g10"]), ("Arc A", ["acm-g10"]), ("Arc A770", ["acm-g10"]), ("Arc A750", ["acm-g10"]),
    ("Arc A580", ["acm-g10"]),
    ("Intel Data Center GPU Flex Series 140", ["acm-g11"]), ("Flex 140", ["acm-g11"]), ("Flex Series 140", ["acm-g11"]),
    ("Intel Arc A380", ["acm-g11"]), ("Arc A380", ["acm-g11"]), ("Intel Arc A310", ["acm-g11"]), ("Arc A310", ["acm-g11"]),
    ("Intel Arc Pro A60", ["acm-g12"]), ("Arc Pro A60", ["acm-g12"]),
    ("Intel Arc Pro A40", ["acm-g11"]), ("Arc Pro A50", ["acm-g11"]),
    // Arc Pro A40/A50/A30M have 8 Xe-cores, the ACM-G11 die of the A380; only the A60 is ACM-G12.
    ("Arc Pro A40", ["acm-g11"]), ("Arc Pro A30M", ["acm-g11"]),
    ("Intel Iris Xe Graphics (Tiger Lake)", ["tgllp"]), ("Tiger Lake", ["tgllp"]), ("TGL", ["tgllp"]),
    ("Intel UHD Graphics (Rocket Lake)", ["rkl"]), ("Rocket Lake", ["rkl"]),
    ("Intel UHD Graphics (Alder Lake-S)", ["adl-s"]), ("Alder Lake-S", ["adl-s"]), ("Alder Lake desktop", ["adl-s"]),
    ("Intel Iris Xe Graphics (Alder Lake-P)", ["adl-p"]), ("Alder Lake-P", ["adl-p"]), ("Alder Lake mobile", ["adl-p"]),
    ("Intel UHD Graphics (Alder Lake-N)", ["adl-n"]), ("Alder Lake-N", ["adl-n"]),
    ("Intel Alder Lake integrated graphics", ["adl-s", "adl-p"]), ("Alder Lake", ["adl-s", "adl-p"]), ("ADL", ["adl-s", "adl-p"]),
    ("Intel Iris Xe MAX", ["dg1"]), ("Iris Xe MAX", ["dg1"]),
    ("Intel Iris Plus Graphics (Ice Lake)", ["icllp"]), ("Ice Lake", ["icllp"]), ("ICL", ["icllp"]),
    ("NVIDIA Tesla V100", ["sm_70"]), ("V100", ["sm_70"]), ("Tesla V100", ["sm_70"]),
    ("NVIDIA T4", ["sm_75"]), ("T4", ["sm_75"]), ("Tesla T4", ["sm_75"]),
    ("NVIDIA GeForce RTX 20 Series", ["sm_75"]), ("RTX 20", ["sm_75"]), ("RTX 2080 Ti", ["sm_75"]), ("RTX 2080", ["sm_75"]),
    ("RTX 2070", ["sm_75"]), ("RTX 2060", ["sm_75"]),
    ("NVIDIA A100", ["sm_80"]), ("A100", ["sm_80"]), ("A800", ["sm_80"]), ("NVIDIA A30", ["sm_80"]), ("A30", ["sm_80"]),
    ("NVIDIA A10", ["sm_86"]), ("A10", ["sm_86"]), ("A10G", ["sm_86"]), ("NVIDIA A40", ["sm_86"]), ("A40", ["sm_86"]),
    ("NVIDIA A16", ["sm_86"]), ("A16", ["sm_86"]), ("NVIDIA A2", ["sm_86"]), ("A2", ["sm_86"]),
    ("NVIDIA RTX A6000", ["sm_86"]), ("RTX A6000", ["sm_86"]), ("RTX A5000", ["sm_86"]), ("RTX A4000", ["sm_86"]),
    ("NVIDIA GeForce RTX 30 Series", ["sm_86"]), ("RTX 30", ["sm_86"]), ("RTX 3090", ["sm_86"]), ("RTX 3080", ["sm_86"]),
    ("RTX 3070", ["sm_86"]), ("RTX 3060", ["sm_86"]),
    ("NVIDIA Jetson AGX Orin", ["sm_87"]), ("Jetson Orin", ["sm_87"]), ("Orin", ["sm_87"]),
    ("NVIDIA L4", ["sm_89"]), ("L4", ["sm_89"]), ("NVIDIA L40", ["sm_89"]), ("L40", ["sm_89"]),
    ("NVIDIA L40S", ["sm_89"]), ("L40S", ["sm_89"]), ("NVIDIA RTX 6000 Ada Generation", ["sm_89"]), ("RTX 6000 Ada", ["sm_89"]),
    ("NVIDIA GeForce RTX 40 Series", ["sm_89"]), ("RTX 40", ["sm_89"]), ("RTX 4090", ["sm_89"]), ("RTX 4080", ["sm_89"]),
    ("RTX 4070", ["sm_89"]), ("RTX 4060", ["sm_89"]),
    ("NVIDIA H100", ["sm_90"]), ("H100", ["sm_90"]), ("H100 SXM", ["sm_90"]), ("H100 PCIe", ["sm_90"]), ("H100 NVL", ["sm_90"]),
    ("H800", ["sm_90"]), ("NVIDIA H200", ["sm_90"]), ("H200", ["sm_90"]), ("H200 NVL", ["sm_90"]),
    ("NVIDIA GH200", ["sm_90"]), ("GH200", ["sm_90"]), ("Grace Hopper", ["sm_90"]),
    ("NVIDIA B200", ["sm_100"]), ("B200", ["sm_100"]), ("B100", ["sm_100"]), ("GB200", ["sm_100"]),
    ("NVIDIA B300", ["sm_103"]), ("B300", ["sm_103"]), ("GB300", ["sm_103"]),
    ("NVIDIA Jetson Thor", ["sm_110"]), ("Jetson Thor", ["sm_110"]), ("Thor", ["sm_110"]),
    ("NVIDIA GeForce RTX 50 Series", ["sm_120"]), ("RTX 50", ["sm_120"]), ("RTX 5090", ["sm_120"]), ("RTX 5080", ["sm_120"]),
    ("RTX 5070", ["sm_120"]), ("RTX 5060", ["sm_120"]),
    ("NVIDIA RTX PRO 6000 Blackwell", ["sm_120"]), ("RTX PRO 6000", ["sm_120"]),
    ("NVIDIA DGX Spark", ["sm_121"]), ("DGX Spark", ["sm_121"]), ("GB10", ["sm_121"]),
]

@Suite("TargetRegistry")
struct TargetRegistryTests {
    let registry = TargetRegistry.standard

    // MARK: Products

    @Test("product names resolve to their targets", arguments: [
        // The seed table.
        ("Flex 170", ["acm-g10"]),
        ("Intel Data Center GPU Flex Series 170", ["acm-g10"]),
        ("Max", ["pvc"]),
        ("Max 1550", ["pvc"]),
        ("Intel Data Center GPU Max Series", ["pvc"]),
        ("Arc A", ["acm-g10"]),
        ("Arc A770", ["acm-g10"]),
        // Intel beyond the seed.
        ("Arc A380", ["acm-g11"]),
        ("Arc A310", ["acm-g11"]),
        ("Flex 140", ["acm-g11"]),
        ("Tiger Lake", ["tgllp"]),
        ("Alder Lake", ["adl-s", "adl-p"]),
        ("Alder Lake-S", ["adl-s"]),
        ("Alder Lake-P", ["adl-p"]),
        ("Alder Lake-N", ["adl-n"]),
        // NVIDIA.
        ("V100", ["sm_70"]),
        ("T4", ["sm_75"]),
        ("A100", ["sm_80"]),
        ("A10", ["sm_86"]),
        ("A40", ["sm_86"]),
        ("RTX 30", ["sm_86"]),
        ("RTX 3090", ["sm_86"]),
        ("L4", ["sm_89"]),
        ("L40", ["sm_89"]),
        ("RTX 40", ["sm_89"]),
        ("RTX 4090", ["sm_89"]),
        ("H100", ["sm_90"]),
        ("H200", ["sm_90"]),
        ("GH200", ["sm_90"]),
        ("B200", ["sm_100"]),
        ("RTX 50", ["sm_120"]),
    ])
    func productResolves(name: String, expected: [String]) throws {
        #expect(try targetNames(name) == expected)
    }

    @Test("every product spelling builds the targets of its hardware", arguments: productSpellings)
    func productSpelling(name: String, expected: [String]) throws {
        #expect(try targetNames(name) == expected)
    }

    @Test("the product tables above name every spelling the registry holds")
    func productTableIsComplete() {
        let tested = Set(productSpellings.map(\.0))
        for product in registry.products {
            for spelling in [product.name] + product.aliases {
                #expect(tested.contains(spelling), "'\(spelling)' (\(product.name)) has no row in productSpellings")
            }
        }
    }

    @Test("the seed's Flex 170 builds the same target as its ocloc name ats-m150")
    func flex170IsATSM150() throws {
        let flex = try #require(try targetNames("Flex 170"))
        #expect(flex == ["acm-g10"])
        #expect(try targetNames("ats-m150") == flex)
    }

    @Test("every product name and alias resolves to its own product and targets")
    func productSpellingsResolveToTheirProduct() throws {
        for product in registry.products {
            for spelling in [product.name] + product.aliases {
                let meaning = try registry.meaning(of: spelling)
                guard case .targets(let targets, let named) = meaning else {
                    Issue.record("'\(spelling)' resolves to \(meaning), not to product '\(product.name)'")
                    continue
                }
                #expect(named == product.name, "'\(spelling)' belongs to \(named ?? "no product")")
                #expect(targets.map(\.name) == product.targets, "'\(spelling)'")
            }
        }
    }

    @Test("two spellings with different meanings trap when the registry is made")
    func collidingSpellingsTrap() async {
        await #expect(processExitsWith: .failure) {
            _ = TargetRegistry(
                nvidiaArchitectures: [],
                intelDevices: [IntelDevice(names: ["pvc"], ipVersion: IntelIPVersion(12, 60, 7), release: "Xe-HPC")],
                intelGroups: [],
                products: [Product(name: "Ponte Vecchio", aliases: ["PVC"], targets: ["pvc"], family: .intel)])
        }
    }

    // MARK: Spelling tolerance

    @Test("lookups ignore case, spaces, dashes, underscores, trademark signs and a vendor prefix", arguments: [
        ("nvidia h100", "sm_90"),
        ("NVIDIA H100", "sm_90"),
        ("h100", "sm_90"),
        ("NVIDIA GeForce RTX 4090", "sm_89"),
        ("geforce rtx-4090", "sm_89"),
        ("ATS-M150", "acm-g10"),
        ("ats_m150", "acm-g10"),
        ("atsm150", "acm-g10"),
        ("Intel Arc A380", "acm-g11"),
        ("intel arc-a380", "acm-g11"),
        ("Intel® Data Center GPU Max Series", "pvc"),
        ("Intel(R) Data Center GPU Flex Series 170", "acm-g10"),
        ("PVC", "pvc"),
        ("sm90", "sm_90"),
        ("SM_90", "sm_90"),
        ("sm-90", "sm_90"),
        ("SM_90A", "sm_90a"),
        ("sm_120", "sm_120"),
        ("COMPUTE_80", "compute_80"),
        ("compute90a", "compute_90a"),
    ])
    func tolerantSpelling(name: String, expected: String) throws {
        #expect(try targetNames(name) == [expected])
    }

    @Test("NVIDIA target names make targets of the right kind")
    func nvidiaTargetKinds() throws {
        #expect(try registry.meaning(of: "sm_86") == .targets([.sm(86)], product: nil))
        #expect(try registry.meaning(of: "sm_90a") == .targets([.sm(90, archSpecific: true)], product: nil))
        #expect(try registry.meaning(of: "compute_80") == .targets([.compute(80)], product: nil))
        #expect(Target.sm(86).kind == .cubin(ComputeCapability(8, 6), archSpecific: false))
        #expect(Target.compute(100, archSpecific: true).kind == .ptx(ComputeCapability(10, 0), archSpecific: true))
    }

    @Test("an a variant resolves only where the architecture has one", arguments: [
        (70, false), (75, false), (80, false), (86, false), (87, false), (88, false), (89, false),
        (90, true), (100, true), (103, true), (110, true), (120, true), (121, true),
    ])
    func archSpecificVariants(number: Int, hasVariant: Bool) throws {
        #expect(try targetNames("sm_\(number)") == ["sm_\(number)"])
        if hasVariant {
            #expect(try targetNames("sm_\(number)a") == ["sm_\(number)a"])
            #expect(try targetNames("compute_\(number)a") == ["compute_\(number)a"])
        } else {
            let error = try #require(throws: KilnError.self) { try registry.meaning(of: "sm_\(number)a") }
            #expect(error.code == .unknownDevice)
            #expect(error.message.contains("'sm_\(number)a'"))
            #expect(throws: KilnError.self) { try registry.meaning(of: "compute_\(number)a") }
        }
        #expect(registry.architecture(ComputeCapability(number: number))?.hasArchSpecificVariant == hasVariant)
    }

    @Test("the portable-form switches, native and cpu have their meanings")
    func switchesAndSpecialNames() throws {
        #expect(try registry.meaning(of: "native") == .native)
        #expect(try registry.meaning(of: "cpu") == .targets([.cpu], product: nil))
        for form in PortableForm.allCases {
            #expect(try registry.meaning(of: form.rawValue) == .portable(form, enabled: true))
            #expect(try registry.meaning(of: "no-\(form.rawValue)") == .portable(form, enabled: false))
            #expect(try registry.meaning(of: "NO_\(form.rawValue.uppercased())") == .portable(form, enabled: false))
        }
    }

    // MARK: Intel names and IP versions

    @Test("every ocloc name and its IP version make the same zebin target", arguments: oclocIDs)
    func oclocName(name: String, canonical: String, ip: String) throws {
        let version = try #require(IntelIPVersion(ip))
        let expected = Target(kind: .intelDevice(version), name: canonical)
        #expect(try registry.meaning(of: name) == .targets([expected], product: nil))
        #expect(try registry.meaning(of: ip) == .targets([expected], product: nil))
        #expect(registry.intelDevice(version)?.canonicalName == canonical)
    }

    @Test("the ocloc table above names every device the registry holds")
    func oclocTableIsComplete() {
        let tested = Set(oclocIDs.map(\.0))
        for device in registry.intelDevices {
            for name in device.names {
                #expect(tested.contains(name), "'\(name)' (\(device.ipVersion)) has no row in oclocIDs")
            }
        }
        #expect(registry.intelDevices.flatMap(\.names).count == oclocIDs.count)
    }

    @Test("ocloc groups stand for their members", arguments: [
        ("xe-hpg", ["acm-g10", "acm-g11", "acm-g12"]),
        ("xe-hpc", ["pvc-sdv", "pvc"]),
        ("gen12lp", ["tgllp", "rkl", "adl-s", "adl-p", "adl-n", "dg1"]),
        ("gen11", ["icllp", "lkf", "ehl"]),
        ("gen9", ["skl", "kbl", "cfl", "apl", "glk", "whl", "aml", "cml"]),
        ("xe", ["12.50.4", "acm-g10", "acm-g11", "acm-g12", "pvc-sdv", "pvc"]),
    ])
    func group(name: String, members: [String]) throws {
        guard case .targets(let targets, let product) = try registry.meaning(of: name) else {
            Issue.record("'\(name)' is not a group of targets")
            return
        }
        #expect(targets.map(\.name) == members)
        #expect(product == name)
        #expect(targets.allSatisfy { $0.format == .zebin })
    }

    @Test("an IP version ocloc does not know is an unknown device that lists the known ones")
    func unknownIPVersion() throws {
        let error = try #require(throws: KilnError.self) { try registry.meaning(of: "12.99.9") }
        #expect(error.code == .unknownDevice)
        #expect(error.message.contains("unknown Intel IP version '12.99.9'"))
        #expect(error.message.contains("12.60.7"))
        #expect(error.message.contains("12.55.8"))
    }

    // MARK: Unknown names

    @Test("a near-miss is an unknown device with a suggestion", arguments: [
        ("ats-m15", "ats-m150"),
        ("sm_91", "sm_90"),
        ("H10", "H100"),
        ("pvcc", "pvc"),
        ("Flex 17", "Flex 170"),
        ("RTX 409", "RTX 4090"),
        ("tgllpp", "tgllp"),
    ])
    func suggestion(name: String, suggestion: String) throws {
        let error = try #require(throws: KilnError.self) { try registry.meaning(of: name) }
        #expect(error.code == .unknownDevice)
        #expect(error.message == "unknown device '\(name)' — did you mean '\(suggestion)'?")
        #expect(registry.suggestion(for: name) == suggestion)
    }

    @Test("a far-off name gets no suggestion, only a pointer to kiln targets", arguments: [
        "quantum-flux-9000", "foobar", "zzzz",
    ])
    func farOffName(name: String) throws {
        let error = try #require(throws: KilnError.self) { try registry.meaning(of: name) }
        #expect(error.code == .unknownDevice)
        #expect(error.message == "unknown device '\(name)' — `kiln targets` lists the known names")
        #expect(registry.suggestion(for: name) == nil)
    }

    @Test("suggestions stay within the vendor the name looks like", arguments: [
        ("dg3", "dg1"),             // Intel-looking: an Intel name, never an NVIDIA one
        ("Arc A77", "Arc A770"),
        ("L4OS", "L40S"),           // NVIDIA-looking: an NVIDIA product
        ("Hoper", "Hopper"),        // like neither: one edit away only
        ("nativ", "native"),
    ])
    func vendorScopedSuggestion(name: String, suggestion: String?) {
        #expect(registry.suggestion(for: name) == suggestion)
    }

    @Test("a name that looks like no vendor gets no suggestion two edits away", arguments: ["lnx", "qmlx", "xyzzy"])
    func noCrossVendorSuggestion(name: String) {
        #expect(registry.suggestion(for: name) == nil)
    }

    @Test("no NVIDIA-looking name is offered an Intel name, and no Intel-looking name an NVIDIA one", arguments: [
        "sm_99", "RTX 9090", "H300", "Tesla Z1", "arc z9", "xe-hpx", "dg9", "gen13", "13.1.1x",
    ])
    func neverCrossVendor(name: String) throws {
        guard let suggestion = registry.suggestion(for: name) else { return }
        let vendor = try #require(TargetRegistry.vendor(lookingAt: TargetRegistry.normalise(name, keepingVendor: true)))
        let suggested = try registry.meaning(of: suggestion)
        guard case .targets(let targets, _) = suggested else { Issue.record("'\(suggestion)' is not a target"); return }
        #expect(targets.allSatisfy { $0.family == vendor }, "'\(name)' → '\(suggestion)'")
    }

    @Test("the bounded edit distance agrees with the full one within its bound")
    func boundedDistance() {
        let words = ["", "a", "pvc", "pvcc", "sm90", "sm121", "arca380", "quantumflux9000"]
        for a in words {
            for b in words {
                let full = editDistance(a, b)
                for limit in 0...4 {
                    #expect(boundedEditDistance(Array(a), Array(b), limit: limit) == (full <= limit ? full : nil), "\(a) \(b) \(limit)")
                }
            }
        }
    }

    @Test("compute capabilities and architecture names are names", arguments: [
        ("8.6", ["sm_86"]), ("12.0", ["sm_120"]), ("9.0a", ["sm_90a"]), ("Ampere", ["sm_80", "sm_86"]),
        ("dg2", ["acm-g10", "acm-g11", "acm-g12"]),
    ])
    func capabilityAndArchitecture(name: String, expected: [String]) throws {
        #expect(try targetNames(name) == expected)
    }

    @Test("none is portable forms only; all is a list, not one device")
    func noneAndAll() throws {
        #expect(try registry.meaning(of: "None") == .portableOnly)
        #expect(throws: KilnError.self) { try DeviceIdentity.named("none") }
        #expect(throws: KilnError.self) { try DeviceIdentity.named("all") }
        #expect(try DeviceIdentity.named("8.6").name == "sm_86")
    }

    @Test("an empty name gets no suggestion")
    func emptyNameHasNoSuggestion() {
        #expect(registry.suggestion(for: "") == nil)
        #expect(registry.suggestion(for: " - _ ") == nil)
    }

    // MARK: Canonical names

    @Test("target(named:) takes canonical names, and standardTarget(named:) answers alike", arguments: [
        "sm_70", "sm_90", "sm_90a", "sm_120", "sm_121a", "compute_80", "compute_90a",
        "acm-g10", "acm-g11", "pvc", "tgllp", "12.55.0", "spirv", "cpu", "source",
    ])
    func canonicalName(name: String) throws {
        let target = try #require(registry.target(named: name))
        #expect(target.name == name)
        #expect(TargetRegistry.standardTarget(named: name) == target)
        if target.kind != .spirv && target.kind != .source {  // those two are portable-form switches in a list
            #expect(try targetNames(name) == [name])
        }
    }

    @Test("target(named:) and standardTarget(named:) refuse aliases, other spellings and unknown names", arguments: [
        "SM_90", "sm90", "sm_80a", "compute_80a", "sm_91", "ats-m150", "dg2-g10", "PVC",
        "H100", "12.60.7", "12.55.8", "xe-hpg", "native", "ptx", "no-ptx", "",
    ])
    func nonCanonicalName(name: String) {
        #expect(registry.target(named: name) == nil)
        #expect(TargetRegistry.standardTarget(named: name) == nil)
    }

    @Test("every registry target round-trips through its canonical name")
    func canonicalRoundTrip() {
        var names = ["spirv", "cpu", "source"]
        for arch in registry.nvidiaArchitectures {
            let n = arch.capability.number
            names += ["sm_\(n)", "compute_\(n)"]
            if arch.hasArchSpecificVariant { names += ["sm_\(n)a", "compute_\(n)a"] }
        }
        names += registry.intelDevices.map(\.canonicalName)
        for name in names {
            #expect(registry.target(named: name)?.name == name, "'\(name)'")
            #expect(TargetRegistry.standardTarget(named: name)?.name == name, "'\(name)'")
        }
    }
}
