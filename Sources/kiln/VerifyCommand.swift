import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import KilnBundle
import KilnCore
import KilnRuntime
import KilnVerify
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
        and shows as "loaded, not checked". Every image of the bundle is read and checked against its \
        SHA-256 too, whether a device here uses it or not. Exits 0 when this machine has a device, \
        every image is intact and, on every device, every module loads and every check that runs passes. \
        A module that needs a JIT goes through the JIT cache (KILN_CACHE_DIR) and the remote cache \
        KILN_REMOTE_CACHE names, as a program's would.
        """)

    @Argument(help: "The .kiln bundle to verify.")
    var file: String

    @Option(name: .long, help: "The JIT policy: auto, never or always (default: KILN_JIT, else auto).")
    var jit: JITPolicy?

    @OptionGroup var trust: TrustOptions

    @Flag(name: .long, help: "Write each start-up phase (bundle open, manifest, image reads and checks, driver start, module loads, first launch) to standard error as a JSON line, as KILN_TRACE=1 does.")
    var trace = false

    @OptionGroup var output: OutputOptions

    func run() throws {
        // The flag is KILN_TRACE=1 for this process (a KILN_TRACE already naming a file wins);
        // it must be set before the first traced call reads it.
        let traceSetting = getenv(StartupTrace.environmentVariable).map { String(cString: $0) } ?? ""
        if trace, traceSetting.isEmpty || traceSetting == "0" { setenv(StartupTrace.environmentVariable, "1", 1) }
        let policy = try jit ?? JITPolicy(environment: ProcessInfo.processInfo.environment)
        let report = try Verifier.verify(bundle: file, policy: policy, trustedKeys: trust.keys(),
                                         jobs: ProcessInfo.processInfo.activeProcessorCount)
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
            if report.images.damaged.isEmpty {
                print("images: all \(report.images.checked) pass their SHA-256 check")
            } else {
                print("images: \(report.images.damaged.count) of \(report.images.checked) cannot be used (a device that would load one fails; rebuild the bundle or copy it again):")
                for image in report.images.damaged { print("  \(image.terminalSafe())") }
            }
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
