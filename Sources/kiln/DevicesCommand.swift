import ArgumentParser
import KilnBundle
import KilnCore
import KilnRuntime
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `kiln devices [FILE]`: this machine's devices, and what each would load from a bundle.
struct DevicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "List this machine's devices and, given a bundle, which image each would load.",
        discussion: "Exits 1 when it finds no device, after saying why for each family.")

    @Argument(help: "A .kiln bundle to explain for each device.")
    var file: String?

    @Option(name: .long, help: "The JIT policy: auto, never or always (default: KILN_JIT, else auto).")
    var jit: JITPolicy?

    @OptionGroup var output: OutputOptions

    /// One device, for output.
    struct Device: Encodable {
        var family: String
        var index: Int
        var name: String
        var target: String
        var computeCapability: String?
        var multiprocessors: Int?
        var memoryBytes: Int?
        var pciBusID: String?
        var driverVersion: String?
        var ipVersion: String?
        var pciDeviceID: String?
        var hostString: String?
        var ilVersions: [String]?
        var explanation: BundleExplanation?
    }

    /// A family whose driver could not be used, and why.
    struct Unavailable: Encodable {
        var family: String
        var reason: String
    }

    struct Listing: Encodable {
        var devices: [Device]
        var unavailable: [Unavailable]
    }

    func run() throws {
        let policy = try jit ?? JITPolicy(environment: ProcessInfo.processInfo.environment)
        let reader = try file.map { try BundleReader.checked(path: $0) }
        var listing = Listing(devices: [], unavailable: [])
        // Only a driver that cannot load is a family's absence; a bundle that cannot be read fails the command.
        let cuda: CUDADriver?
        do {
            cuda = try CUDADriver.load()
        } catch {
            cuda = nil
            listing.unavailable.append(Unavailable(family: "nvidia", reason: error.message))
        }
        if let driver = cuda {
            for device in driver.devices {
                var identity = device.identity
                identity.canCompileSource = NVRTC.isInstalled
                listing.devices.append(Device(
                    family: "nvidia", index: device.ordinal, name: device.name, target: device.target.name,
                    computeCapability: device.computeCapability.description, multiprocessors: device.multiprocessorCount,
                    memoryBytes: device.totalMemory, pciBusID: device.pciBusID, driverVersion: driver.versionString,
                    explanation: try reader.map { try BundleExplanation(reader: $0, device: identity, policy: policy) }))
            }
        }
        let openCL: OpenCLRuntime?
        do {
            openCL = try OpenCLRuntime.load()
        } catch {
            openCL = nil
            listing.unavailable.append(Unavailable(family: "intel, cpu", reason: error.message))
        }
        if let runtime = openCL {
            for device in runtime.devices {
                let identity = device.identity
                listing.devices.append(Device(
                    family: identity.family.rawValue, index: device.index, name: device.name, target: device.target.name,
                    multiprocessors: device.computeUnits, memoryBytes: device.globalMemory,
                    driverVersion: "\(device.platform.name) \(device.driverVersion)",
                    ipVersion: device.ipVersion?.description,
                    pciDeviceID: device.pciDeviceID.map { "0x" + String($0, radix: 16, uppercase: true) },
                    hostString: device.hostString, ilVersions: device.ilVersions,
                    explanation: try reader.map { try BundleExplanation(reader: $0, device: identity, policy: policy) }))
            }
            for reason in runtime.skipped { listing.unavailable.append(Unavailable(family: "opencl", reason: reason)) }
        }
        if output.json {
            try output.printJSON(listing)
            if listing.devices.isEmpty { throw ExitCode(1) }
            return
        }
        if listing.devices.isEmpty { print("no devices found — nothing here can run a kernel; the reasons per family follow") }
        for device in listing.devices {
            if device.family == "nvidia" {
                print("\(device.family) \(device.index): \(device.name.terminalSafe()) — \(device.target), \(device.multiprocessors ?? 0) SMs, \(formatBytes(UInt64(device.memoryBytes ?? 0))), PCI \((device.pciBusID ?? "?").terminalSafe()), driver CUDA \((device.driverVersion ?? "?").terminalSafe())")
            } else {
                var facts = [device.target]
                if let ip = device.ipVersion { facts.append("IP version \(ip)") }
                if let pci = device.pciDeviceID { facts.append("PCI device \(pci)") }
                if let host = device.hostString { facts.append("host string \(host)") }
                facts.append("\(device.multiprocessors ?? 0) compute units")
                facts.append(device.ilVersions?.isEmpty == false ? "IL \(device.ilVersions!.joined(separator: " "))" : "no IL")
                facts.append("driver \(device.driverVersion ?? "?")")
                print("\(device.family) \(device.index) (OpenCL): \(device.name.terminalSafe()) — " + facts.joined(separator: ", ").terminalSafe())
            }
            if let explanation = device.explanation {
                print(TextTable(header: ["module", "path", "image", "why"], rows: explanation.modules.map { outcome in
                    guard outcome.error == nil else { return [outcome.module, "FAILS", "-", outcome.error ?? ""] }
                    return [outcome.module, outcome.path?.rawValue ?? "", outcome.target ?? "", outcome.reason ?? ""]
                }).render(indent: "    "))
            }
        }
        for family in listing.unavailable { print("\(family.family): \(family.reason.terminalSafe())") }
        if listing.devices.isEmpty { throw ExitCode(1) }
    }
}
