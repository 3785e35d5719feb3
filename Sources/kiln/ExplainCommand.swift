import ArgumentParser
import KilnBundle
import KilnCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `kiln explain FILE --device NAME`: what would happen on a device, before anything runs.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Say which image would serve each module on a device, and by which path, before anything runs.",
        discussion: """
        Paths: aot (a device binary built for this device), aot-compatible (one built for a compatible \
        device), jit (a portable form compiled at run time, then cached). Exits non-zero when a module \
        would fail to load.
        """)

    @Argument(help: "The .kiln bundle to explain.")
    var file: String

    @Option(name: .long, help: "The device, by product or target name: 'A10', 'Arc A380', 'H100', 'pvc', 'sm_86', 'cpu'.")
    var device: String

    @Option(name: .long, help: "The JIT policy: auto, never or always (default: KILN_JIT, else auto).")
    var jit: JITPolicy?

    @Option(name: .long, help: "For NVIDIA devices, the driver's CUDA version (e.g. 12.4), to check that it accepts the bundle's PTX.")
    var driverVersion: String?

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let driverVersion, CUDAVersion(driverVersion) == nil {
            throw ValidationError("--driver-version '\(driverVersion)' is not a CUDA version; write it as 12.4 or 13.0.")
        }
    }

    func run() throws {
        var identity = try DeviceIdentity.named(device)
        if let driverVersion, let version = CUDAVersion(driverVersion) {
            guard case .nvidia(let cc, _) = identity.kind else {
                throw ValidationError("--driver-version applies to NVIDIA devices, and '\(device)' is not one.")
            }
            identity.kind = .nvidia(cc, driverVersion: version.driverNumber)
        }
        let policy = try jit ?? JITPolicy(environment: ProcessInfo.processInfo.environment)
        let explanation = try BundleExplanation(reader: BundleReader.checked(path: file), device: identity, policy: policy)
        if output.json {
            try output.printJSON(explanation)
        } else {
            print("\(file.terminalSafe()) on \(explanation.identity.terminalSafe()), KILN_JIT=\(policy.rawValue):")
            print(TextTable(header: ["module", "path", "image", "why"], rows: explanation.modules.map { outcome in
                guard outcome.error == nil else { return [outcome.module, "FAILS", "-", outcome.error ?? ""] }
                let why = ([outcome.reason ?? ""] + outcome.conditions.map { "if \($0)" }).joined(separator: "; ")
                return [outcome.module, outcome.path?.rawValue ?? "", outcome.target ?? "", why]
            }).render())
        }
        if !explanation.servable {
            throw ExitCode(1)
        }
    }
}

extension JITPolicy: ExpressibleByArgument {}

/// A CUDA version as people write it (`12.4`), and as `cuDriverGetVersion` gives it (12040).
struct CUDAVersion {
    var major: Int
    var minor: Int

    init?(_ text: String) {
        let parts = text.split(separator: ".")
        guard (1...2).contains(parts.count), let major = Int(parts[0]), (9...99).contains(major) else { return nil }
        let minor = parts.count == 2 ? Int(parts[1]) : 0
        guard let minor, (0...9).contains(minor) else { return nil }
        self.major = major
        self.minor = minor
    }

    var driverNumber: Int { major * 1000 + minor * 10 }
}
