import Testing
import KilnCore

/// The names of the targets a list parses to.
private func parse(_ text: String, native: [Target]? = nil) throws -> [String] {
    try DeviceList.parse(text, native: native).targets.map(\.name)
}

@Suite("DeviceList")
struct DeviceListTests {
    // MARK: Syntax

    @Test("names are separated by commas, with spaces and any case")
    func commaSyntax() throws {
        let list = try DeviceList.parse(" ats-m150 ,PVC,  nvidia h100  ")
        #expect(list.text == " ats-m150 ,PVC,  nvidia h100  ")
        #expect(list.deviceTargets.map(\.name) == ["acm-g10", "pvc", "sm_90"])
        #expect(list.portableTargets.map(\.name) == ["compute_90", "spirv", "source"])
        #expect(list.targets == list.deviceTargets + list.portableTargets)
    }

    @Test("the seed's USE_AOT_DEVLIST builds the same devices")
    func seedList() throws {
        #expect(try parse("ats-m150,pvc") == ["acm-g10", "pvc", "spirv", "source"])
    }

    @Test("aliases of one device are one target", arguments: [
        "ats-m150,acm-g10,dg2-g10", "Flex 170,ats-m150,Arc A", "acm-g10,12.55.8,ATS_M150",
    ])
    func aliasesCollapse(text: String) throws {
        let list = try DeviceList.parse(text)
        #expect(list.deviceTargets.map(\.name) == ["acm-g10"])
    }

    @Test("duplicates collapse and the first place is kept", arguments: [
        ("sm_90,sm_80,sm_90", ["sm_90", "sm_80", "compute_80", "source"]),
        ("H100,H200,GH200,sm_90", ["sm_90", "compute_90", "source"]),
        ("pvc,sm_86,PVC,A10,RTX 3090", ["pvc", "sm_86", "compute_86", "spirv", "source"]),
        ("xe-hpg,acm-g11", ["acm-g10", "acm-g11", "acm-g12", "spirv", "source"]),
        ("sm_90,compute_80,compute_80", ["sm_90", "compute_80", "source"]),
    ])
    func duplicatesCollapse(text: String, expected: [String]) throws {
        #expect(try parse(text) == expected)
    }

    @Test("device targets keep the order they were written in", arguments: [
        ("sm_90,pvc,sm_80,cpu", ["sm_90", "pvc", "sm_80", "cpu"]),
        ("cpu,sm_80,pvc,sm_90", ["cpu", "sm_80", "pvc", "sm_90"]),
        ("tgllp,acm-g11,acm-g10", ["tgllp", "acm-g11", "acm-g10"]),
    ])
    func orderKept(text: String, devices: [String]) throws {
        #expect(try DeviceList.parse(text).deviceTargets.map(\.name) == devices)
    }

    // MARK: Portable forms

    @Test("portable forms are added by default", arguments: [
        ("sm_90", ["compute_90", "source"]),
        ("sm_90,sm_80,sm_86", ["compute_80", "source"]),
        ("sm_120,sm_75,sm_89", ["compute_75", "source"]),
        ("sm_90a", ["compute_90", "source"]),
        ("pvc", ["spirv", "source"]),
        ("cpu", ["source"]),
        ("sm_90,pvc,cpu", ["compute_90", "spirv", "source"]),
    ])
    func defaultPortableForms(text: String, portable: [String]) throws {
        #expect(try DeviceList.parse(text).portableTargets.map(\.name) == portable)
    }

    @Test("no-ptx, no-spirv and no-source switch the portable forms off", arguments: [
        ("sm_90,pvc,no-ptx", ["spirv", "source"]),
        ("sm_90,pvc,no-spirv", ["compute_90", "source"]),
        ("sm_90,pvc,no-source", ["compute_90", "spirv"]),
        ("no-ptx,no-spirv,no-source,sm_90,pvc", []),
        ("sm_90,pvc,NO_PTX,No-Source", ["spirv"]),
    ])
    func switchedOff(text: String, portable: [String]) throws {
        let list = try DeviceList.parse(text)
        #expect(list.portableTargets.map(\.name) == portable)
        #expect(list.deviceTargets.map(\.name) == ["sm_90", "pvc"])
    }

    @Test("switching a form on adds it where the default would not", arguments: [
        ("sm_90,spirv", ["sm_90", "compute_90", "spirv", "source"]),
        ("sm_90,ptx", ["sm_90", "compute_90", "source"]),
        ("pvc,source", ["pvc", "spirv", "source"]),
    ])
    func switchedOn(text: String, expected: [String]) throws {
        #expect(try parse(text) == expected)
    }

    @Test("an explicit compute_XY replaces the default PTX", arguments: [
        ("sm_90,compute_80", ["compute_80", "source"]),
        ("sm_80,sm_90,compute_90", ["compute_90", "source"]),
        ("sm_90,compute_90a", ["compute_90a", "source"]),
        ("sm_90,compute_80,compute_86", ["compute_80", "compute_86", "source"]),
        ("compute_80,sm_90,ptx", ["compute_80", "source"]),
    ])
    func explicitPTX(text: String, portable: [String]) throws {
        #expect(try DeviceList.parse(text).portableTargets.map(\.name) == portable)
    }

    @Test("a list of portable forms alone is a JIT-only bundle", arguments: [
        ("compute_80", ["compute_80", "source"]),
    ])
    func portableOnly(text: String, expected: [String]) throws {
        #expect(try parse(text) == expected)
    }

    @Test("ptx without any sm_XY is an error", arguments: ["ptx", "pvc,ptx", "cpu,ptx,spirv"])
    func ptxWithoutSM(text: String) throws {
        let error = try #require(throws: KilnError.self) { try DeviceList.parse(text) }
        #expect(error.code == .invalidDeviceList)
        #expect(error.message.hasPrefix("device list '\(text)': "))
        #expect(error.message.contains("'ptx' needs an sm_XY"))
    }

    @Test("a form switched both on and off is an error", arguments: ["sm_90,ptx,no-ptx", "pvc,no-spirv,spirv", "cpu,source,no-source"])
    func contradictorySwitches(text: String) throws {
        let error = try #require(throws: KilnError.self) { try DeviceList.parse(text) }
        #expect(error.code == .invalidDeviceList)
        #expect(error.message.contains("is both switched on and off"))
    }

    @Test("no-ptx with a compute_XY is an error")
    func noPTXWithCompute() throws {
        let error = try #require(throws: KilnError.self) { try DeviceList.parse("sm_90,compute_80,no-ptx") }
        #expect(error.code == .invalidDeviceList)
        #expect(error.message.contains("'no-ptx' contradicts the compute_XY"))
    }

    // MARK: Bad lists

    @Test("an empty list is an error that quotes it", arguments: ["", " , ", "   ", ",", ",,,"])
    func emptyList(text: String) throws {
        let error = try #require(throws: KilnError.self) { try DeviceList.parse(text) }
        #expect(error.code == .invalidDeviceList)
        #expect(error.message.hasPrefix("device list '\(text)' is empty"))
        #expect(error.message.contains("`kiln targets`"))
    }

    @Test("empty entries are ignored, whatever the separator", arguments: [
        "pvc,,sm_90", ",pvc,sm_90", "pvc,sm_90,", "pvc, ,sm_90", "pvc;;sm_90;", ";pvc sm_90 ;", "pvc,\tsm_90",
    ])
    func emptyEntriesIgnored(text: String) throws {
        #expect(try DeviceList.parse(text).deviceTargets.map(\.name) == ["pvc", "sm_90"])
    }

    @Test("a list with no names gets one message, whatever its separators", arguments: [
        ",,;;", ",,,", ";", " ; , ", "\t\n",
    ])
    func noNamesOneMessage(text: String) throws {
        let error = try #require(throws: KilnError.self) { try DeviceList.parse(text) }
        #expect(error.code == .invalidDeviceList)
        #expect(error.message == "device list '\(text.terminalSafe())' is empty — name at least one device, "
                + "e.g. 'sm_90,pvc,cpu', or 'none' for portable forms only (`kiln targets` lists them)")
    }

    @Test("an unknown name is reported with the list and a suggestion")
    func unknownName() throws {
        let error = try #require(throws: KilnError.self) { try DeviceList.parse("pvc,ats-m15") }
        #expect(error.code == .unknownDevice)
        #expect(error.message == "device list 'pvc,ats-m15': unknown device 'ats-m15' — did you mean 'ats-m150'?")
    }

    @Test("several unknown names are reported together in one error")
    func severalUnknownNames() throws {
        let text = "pvc,ats-m15,sm_91,quantum-flux-9000,12.99.9"
        let error = try #require(throws: KilnError.self) { try DeviceList.parse(text) }
        #expect(error.code == .unknownDevice)
        #expect(error.message.hasPrefix("device list '\(text)': "))
        #expect(error.message.contains("unknown device 'ats-m15' — did you mean 'ats-m150'?"))
        #expect(error.message.contains("unknown device 'sm_91' — did you mean 'sm_90'?"))
        #expect(error.message.contains("unknown device 'quantum-flux-9000' — `kiln targets` lists the known names"))
        #expect(error.message.contains("unknown Intel IP version '12.99.9'"))
        #expect(error.message.split(separator: ";").count == 4)
    }

    @Test("an unknown name next to another problem is still an unknown device")
    func unknownAndContradiction() throws {
        let error = try #require(throws: KilnError.self) { try DeviceList.parse("pvc,ptx,no-ptx,h10") }
        #expect(error.code == .unknownDevice)
        #expect(error.message == "device list 'pvc,ptx,no-ptx,h10': unknown device 'h10' — did you mean 'H100'?; "
                + "'ptx' is both switched on and off")
    }

    @Test("a list of only switches names no device and is an error", arguments: [
        "no-ptx", "source", "no-source", "no-ptx,no-spirv", "source,no-ptx", "no-ptx,no-spirv,no-source",
    ])
    func onlySwitches(text: String) throws {
        let error = try #require(throws: KilnError.self) { try DeviceList.parse(text) }
        #expect(error.code == .invalidDeviceList)
        #expect(error.message.hasPrefix("device list '\(text)'"))
    }

    // MARK: native

    @Test("native stands for the building machine's devices")
    func nativeWithDevices() throws {
        let native: [Target] = [.sm(90), .sm(80), .cpu]
        #expect(try parse("native", native: native) == ["sm_90", "sm_80", "cpu", "compute_80", "source"])
        #expect(try parse("pvc,native,sm_90", native: native) == ["pvc", "sm_90", "sm_80", "cpu", "compute_80", "spirv", "source"])
    }

    @Test("native without native devices is an error that says to name the targets", arguments: [nil, []] as [[Target]?])
    func nativeWithoutDevices(native: [Target]?) throws {
        let error = try #require(throws: KilnError.self) { try DeviceList.parse("native,pvc", native: native) }
        #expect(error.code == .invalidDeviceList)
        #expect(error.message == "device list 'native,pvc': 'native' found no devices on this machine — name the targets instead")
    }

    // MARK: TORCH_CUDA_ARCH_LIST forms

    @Test("compute capabilities, +PTX and ; and white space as separators", arguments: [
        ("8.6", ["sm_86", "compute_86", "source"]),
        ("8.6+PTX", ["sm_86", "compute_86", "source"]),
        ("8.0;8.6+PTX", ["sm_80", "sm_86", "compute_86", "source"]),
        ("8.0;8.6", ["sm_80", "sm_86", "compute_80", "source"]),
        ("7.5 8.0 8.6 9.0", ["sm_75", "sm_80", "sm_86", "sm_90", "compute_75", "source"]),
        ("sm_86 sm_90", ["sm_86", "sm_90", "compute_86", "source"]),
        ("8.0, 9.0;10.0 12.0+ptx", ["sm_80", "sm_90", "sm_100", "sm_120", "compute_120", "source"]),
        ("9.0a", ["sm_90a", "compute_90", "source"]),
        ("sm_90+PTX", ["sm_90", "compute_90", "source"]),
        ("8.0 8.6+PTX;pvc", ["sm_80", "sm_86", "pvc", "compute_86", "spirv", "source"]),
    ])
    func torchArchList(text: String, expected: [String]) throws {
        #expect(try parse(text) == expected)
    }

    @Test("words that make up a known name stay one name; the others split", arguments: [
        ("Arc A380 sm_90", ["acm-g11", "sm_90"]),
        ("nvidia h100 pvc", ["sm_90", "pvc"]),
        ("Intel Data Center GPU Flex Series 170 Max 1550", ["acm-g10", "pvc"]),
        ("RTX 4090;H100 NVL cpu", ["sm_89", "sm_90", "cpu"]),
    ])
    func multiWordNames(text: String, devices: [String]) throws {
        #expect(try DeviceList.parse(text).deviceTargets.map(\.name) == devices)
    }

    @Test("an unknown word among known names is reported alone; an entry of no known word whole", arguments: [
        ("sm_86 sm_9O", "unknown device 'sm_9O' — did you mean 'sm_90'?"),
        ("Arc A38", "unknown device 'Arc A38' — did you mean 'Arc A380'?"),
    ])
    func unknownWord(text: String, message: String) throws {
        let error = try #require(throws: KilnError.self) { try DeviceList.parse(text) }
        #expect(error.code == .unknownDevice)
        #expect(error.message == "device list '\(text)': \(message)")
    }

    @Test("+PTX needs an NVIDIA capability or sm_XY")
    func plusPTXOnIntel() throws {
        let error = try #require(throws: KilnError.self) { try DeviceList.parse("pvc+PTX") }
        #expect(error.code == .invalidDeviceList)
        #expect(error.message == "device list 'pvc+PTX': 'pvc+PTX': '+PTX' follows an NVIDIA compute capability or sm_XY, e.g. '8.6+PTX'")
    }

    @Test("a compute capability Kiln does not build is an error that says which it builds", arguments: ["6.1", "3.5+PTX"])
    func unknownCapability(text: String) throws {
        let error = try #require(throws: KilnError.self) { try DeviceList.parse(text) }
        #expect(error.code == .unknownDevice)
        let name = text.replacingAll("+PTX", with: "")
        #expect(error.message == "device list '\(text)': unknown compute capability '\(name)' — Kiln builds 7.0 to 12.1 (`kiln targets` lists them)")
    }

    // MARK: Architecture names, all, none

    @Test("architecture names stand for their targets, in any case", arguments: [
        ("Volta", ["sm_70"]), ("turing", ["sm_75"]), ("Ampere", ["sm_80", "sm_86"]), ("ADA", ["sm_89"]),
        ("Lovelace", ["sm_89"]), ("Ada Lovelace", ["sm_89"]), ("Hopper", ["sm_90"]), ("Blackwell", ["sm_100", "sm_120"]),
        ("Xe-HPC", ["pvc-sdv", "pvc"]), ("xe-hpg", ["acm-g10", "acm-g11", "acm-g12"]),
        ("Xe-LP", ["tgllp", "rkl", "adl-s", "adl-p", "adl-n", "dg1"]),
        ("dg2", ["acm-g10", "acm-g11", "acm-g12"]), ("Alchemist", ["acm-g10", "acm-g11", "acm-g12"]),
        ("Ampere Hopper", ["sm_80", "sm_86", "sm_90"]),
    ])
    func architectureNames(text: String, devices: [String]) throws {
        #expect(try DeviceList.parse(text).deviceTargets.map(\.name) == devices)
    }

    @Test("all is every target this Kiln builds")
    func all() throws {
        let list = try DeviceList.parse("all")
        #expect(list.deviceTargets.map(\.name) == [
            "sm_75", "sm_80", "sm_86", "sm_87", "sm_88", "sm_89", "sm_90", "sm_100", "sm_103", "sm_110", "sm_120", "sm_121",
            "bdw", "skl", "kbl", "cfl", "apl", "glk", "whl", "aml", "cml", "icllp", "lkf", "ehl",
            "tgllp", "rkl", "adl-s", "adl-p", "adl-n", "dg1", "acm-g10", "acm-g11", "acm-g12", "pvc-sdv", "pvc", "cpu",
        ])
        #expect(list.portableTargets.map(\.name) == ["compute_75", "spirv", "source"])
        let withVolta = try DeviceList.parse("ALL,sm_70")
        #expect(withVolta.deviceTargets == list.deviceTargets + [.sm(70)])
        #expect(withVolta.portableTargets.map(\.name) == ["compute_70", "spirv", "source"])
    }

    @Test("none is the portable forms alone", arguments: [
        ("none", ["compute_75", "spirv", "source"]),
        ("NONE,no-spirv", ["compute_75", "source"]),
        ("none;no-ptx", ["spirv", "source"]),
        ("none,compute_90", ["compute_90", "spirv", "source"]),
    ])
    func none(text: String, expected: [String]) throws {
        let list = try DeviceList.parse(text)
        #expect(list.deviceTargets.isEmpty)
        #expect(list.targets.map(\.name) == expected)
    }

    @Test("none with a device is an error", arguments: ["none,sm_90", "pvc none", "all;none"])
    func noneWithDevice(text: String) throws {
        let error = try #require(throws: KilnError.self) { try DeviceList.parse(text) }
        #expect(error.code == .invalidDeviceList)
        #expect(error.message.hasPrefix("device list '\(text)': 'none' (portable forms only) cannot be combined with a device such as '"))
    }

    // MARK: Names this Kiln cannot build

    @Test("an Intel name only a newer ocloc knows says which ocloc adds it", arguments: [
        ("lnl", "Lunar Lake, Xe2-LPG", "24.x"), ("bmg", "Battlemage, Xe2-HPG", "24.x"), ("mtl", "Meteor Lake, Xe-LPG", "23.x"),
        ("arl-h", "Arrow Lake, Xe-LPG", "24.x"), ("arl-s", "Arrow Lake, Xe-LPG", "24.x"), ("ptl", "Panther Lake, Xe3-LPG", "25.x"),
        ("Lunar Lake", "Lunar Lake, Xe2-LPG", "24.x"), ("xe2", "Xe2", "24.x"),
    ])
    func newerOcloc(name: String, what: String, version: String) throws {
        let error = try #require(throws: KilnError.self) { try DeviceList.parse("pvc,\(name)") }
        #expect(error.code == .unknownDevice)
        #expect(error.message == "device list 'pvc,\(name)': '\(name)' (\(what)) needs ocloc \(version) or newer; "
                + "this Kiln's registry is from ocloc 22.43 — leave it out and add 'spirv': its devices JIT from SPIR-V")
    }

    @Test("an NVIDIA architecture older than any Kiln builds says so")
    func olderNVIDIA() throws {
        let error = try #require(throws: KilnError.self) { try DeviceList.parse("Pascal") }
        #expect(error.message == "device list 'Pascal': 'Pascal' (sm_60 to sm_62) is older than any architecture Kiln builds (sm_70 and newer) — leave it out")
    }

    // MARK: Bounded errors

    @Test("10,000 unknown names give a short message: the first five, then a count")
    func manyUnknownNames() throws {
        let text = (0..<10_000).map { "bogus-device-\($0)" }.joined(separator: ",")
        let error = try #require(throws: KilnError.self) { try DeviceList.parse(text) }
        #expect(error.code == .unknownDevice)
        #expect(error.message.utf8.count < 1_000)
        #expect(error.message.hasPrefix("device list 'bogus-device-0,bogus-device-1,"))
        #expect(error.message.contains("…': unknown device 'bogus-device-0'"))
        #expect(error.message.contains("unknown device 'bogus-device-4'"))
        #expect(!error.message.contains("bogus-device-5'"))
        #expect(error.message.hasSuffix("; and 9,995 more"))
    }

    @Test("many repeated problems are said once and counted")
    func manyProblems() throws {
        let text = Array(repeating: "ptx,no-ptx", count: 5_000).joined(separator: ";") + ",sm_90"
        let error = try #require(throws: KilnError.self) { try DeviceList.parse(text) }
        #expect(error.message.utf8.count < 1_000)
        #expect(error.message.hasSuffix(": 'ptx' is both switched on and off"))
    }

    @Test("a very long unknown name is cut in the message")
    func longName() throws {
        let name = String(repeating: "x", count: 100_000)
        let error = try #require(throws: KilnError.self) { try DeviceList.parse(name) }
        #expect(error.message.utf8.count < 400)
        #expect(error.message.contains("unknown device '\(String(repeating: "x", count: 60))…'"))
    }

    // MARK: Control characters

    @Test("control characters in names are shown escaped", arguments: [
        ("sm_80\u{1B}", "device list 'sm_80\\u{1B}': unknown device 'sm_80\\u{1B}' — did you mean 'sm_80'?"),
        ("pvc,\u{7F}pvc", "device list 'pvc,\\u{7F}pvc': unknown device '\\u{7F}pvc' — did you mean 'pvc'?"),
        ("sm_9\u{9B}0", "device list 'sm_9\\u{9B}0': unknown device 'sm_9\\u{9B}0' — did you mean 'sm_90'?"),
    ])
    func controlCharacters(text: String, message: String) throws {
        let error = try #require(throws: KilnError.self) { try DeviceList.parse(text) }
        #expect(error.message == message)
        #expect(!error.message.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
    }
}
