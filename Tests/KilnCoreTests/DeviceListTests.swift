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

    @Test("an empty entry is an error that names its place", arguments: [
        ("pvc,,sm_90", 2), (",pvc", 1), ("pvc,", 2), ("pvc, ,sm_90", 2),
    ])
    func emptyEntry(text: String, position: Int) throws {
        let error = try #require(throws: KilnError.self) { try DeviceList.parse(text) }
        #expect(error.code == .invalidDeviceList)
        #expect(error.message == "device list '\(text)': entry \(position) is empty — remove the extra comma")
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

    @Test("an unknown name next to a malformed entry is still an unknown device")
    func unknownAndEmpty() throws {
        let error = try #require(throws: KilnError.self) { try DeviceList.parse("pvc,,h10") }
        #expect(error.code == .unknownDevice)
        #expect(error.message.contains("entry 2 is empty"))
        #expect(error.message.contains("unknown device 'h10'"))
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
}
