import ArgumentParser
import KilnBundle
import KilnCore
import KilnRuntime
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `kiln verify FILE`: load and check every image a bundle would use on this machine's devices.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Load, on every device of this machine, the images a bundle would use, resolve every kernel, and check Kiln's own kernels against float64 references.",
        discussion: """
        Only Kiln's own kernels have references; any other kernel is loaded and resolved but not run, \
        and shows as "loaded, not checked". Exits 0 when this machine has a device and, on every \
        device, every module loads and every check that runs passes. A module that needs a JIT goes \
        through the JIT cache (KILN_CACHE_DIR) and the remote cache KILN_REMOTE_CACHE names, as a \
        program's would.
        """)

    @Argument(help: "The .kiln bundle to verify.")
    var file: String

    @Option(name: .long, help: "The JIT policy: auto, never or always (default: KILN_JIT, else auto).")
    var jit: JITPolicy?

    @Option(name: .long, help: ArgumentHelp("Refuse the bundle unless this public key signed it (repeatable; default: KILN_TRUSTED_KEYS).", valueName: "key.pub"))
    var trust: [String] = []

    @OptionGroup var output: OutputOptions

    func run() throws {
        let policy = try jit ?? JITPolicy(environment: ProcessInfo.processInfo.environment)
        let environment = ProcessInfo.processInfo.environment
        let trusted = trust.isEmpty ? try TrustedKeys(environment: environment) : try TrustedKeys(files: trust)
        let report = try Verifier.verify(bundle: file, policy: policy, trustedKeys: trusted)
        if output.json {
            try output.printJSON(report)
        } else {
            for device in report.devices {
                print("\(device.device.terminalSafe()): \(Self.verdict(device))")
                print(TextTable(header: ["module", "path", "image", "kernels", "checked", "result"], rows: device.modules.map { m in
                    let checked = m.kernels.filter { $0.absent == nil }.count
                    let failed = m.kernels.filter { !$0.passed }
                    let result = m.error ?? (!failed.isEmpty ? failed.map { "\($0.kernel): \($0.failure ?? "")" }.joined(separator: "; ")
                        : m.unchecked.isEmpty ? "ok"
                        : checked == 0 ? "loaded, not checked"
                        : "ok; \(m.unchecked.count) loaded, not checked")
                    return [m.module, m.resolution?.path.rawValue ?? "-", m.resolution?.target ?? "-", "\(m.kernelsResolved)",
                            "\(checked)", result]
                }).render())
                for issue in device.knownIssues { print("  known issue: \(issue)") }
            }
            if report.devices.isEmpty { print("no devices to verify on") }
            for family in report.unavailable { print("\(family.family): \(family.reason.terminalSafe())") }
        }
        if !report.passed { throw ExitCode(1) }
    }

    /// A device's line: FAIL; PASS when checks ran and passed; "loaded, not checked" when every
    /// module loaded but no kernel has a reference — no claim that anything computed right.
    static func verdict(_ device: Verifier.DeviceReport) -> String {
        guard device.passed else { return "FAIL" }
        if device.checked == 0 {
            return device.unchecked == 0 ? "loaded (no kernels)"
                : "loaded, not checked — \(device.unchecked == 1 ? "its kernel" : "all \(device.unchecked) kernels") resolved; none has a reference check (Kiln checks only its own kernels)"
        }
        return device.unchecked == 0 ? "PASS (\(device.checked) checked)"
            : "PASS (\(device.checked) checked; \(device.unchecked) loaded, not checked)"
    }
}
