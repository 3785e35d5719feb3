#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import KilnBundle
import KilnCore
import Synchronization

/// Intel targets through `ocloc` (Debian's `intel-opencl-icd`), run as a subprocess: a zebin per
/// Intel device, and SPIR-V for the `spirv` portable form.
///
/// Each compile runs `ocloc compile -file MODULE.cl -device NAME -output MODULE -out_dir TMP --format zebin`
/// in a private folder and keeps the `.bin` it writes; `spirv` runs with `-spv_only` instead. ocloc
/// 22.43 writes the legacy patch-token format for `pvc` unless `--format zebin` is given.
/// Before a device's first compile, `ocloc ids NAME` must give the IP version Kiln's registry
/// records for it, so a bundle's IP versions are the ones ocloc compiled for.
public struct OclocToolchain: Toolchain {
    /// The `ocloc` executable.
    public let executable: String
    /// ocloc's driver version (`ocloc query OCL_DRIVER_VERSION`): `22.43.24595`.
    public let version: String
    /// The device whose features SPIR-V is compiled with: the listed Intel device of the highest
    /// IP version, else `pvc`. Without one, ocloc turns fp16 and fp64 off and SPIR-V loses kernels.
    public let spirvDevice: String
    private let confirmed = ConfirmedIDs()

    /// What to tell users who lack ocloc.
    static let install = "install it with `apt-get install intel-opencl-icd` (Debian 12, Ubuntu 22.04+), or name one with KILN_OCLOC"

    /// Finds `ocloc` (`KILN_OCLOC`, else `PATH`) and reads its version.
    ///
    /// - Parameters:
    ///   - environment: Where `KILN_OCLOC` and `PATH` are read.
    ///   - deviceList: The build's devices, which pick the device SPIR-V is compiled with.
    /// - Throws: `KilnError.toolchainUnavailable` naming where it looked and how to install it.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment, deviceList: DeviceList? = nil) async throws(KilnError) {
        let intel = (deviceList?.targets ?? []).compactMap { target -> (IntelIPVersion, String)? in
            if case .intelDevice(let ip) = target.kind { return (ip, target.name) }
            return nil
        }
        spirvDevice = intel.max { ($0.0.major, $0.0.minor, $0.0.revision) < ($1.0.major, $1.0.minor, $1.0.revision) }?.1 ?? "pvc"
        let path = try ChildProcess.tool("ocloc", override: "KILN_OCLOC", environment: environment,
                                       missing: "ocloc (Intel's offline compiler) was not found on PATH, and Intel targets need it — \(Self.install)")
        executable = path
        version = try await TemporaryDirectory.with(prefix: "kiln-ocloc") { (folder) async throws(KilnError) -> String in
            let output = try await ChildProcess(executable: path, arguments: ["query", "OCL_DRIVER_VERSION"], directory: folder).run()
            let file = folder + "/OCL_DRIVER_VERSION"
            guard output.status == 0, let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw KilnError(.toolchainUnavailable,
                    "'\(path) query OCL_DRIVER_VERSION' failed (exit \(output.status)): \(output.text.trimmingWhitespace()) — reinstall intel-opencl-icd")
            }
            return String(text.filter { $0 != "\u{0}" }).trimmingWhitespace()
        }
    }

    /// `ocloc VERSION`.
    public var identity: String { "ocloc \(version)" }

    public var languages: Set<SourceLanguage> { [.openCLC] }

    public func builds(_ target: Target) -> Bool {
        switch target.kind {
        case .intelDevice, .spirv: true
        default: false
        }
    }

    /// ocloc's arguments for a module and target, with the source file and output folder given.
    func arguments(file: String, module: SourceModule, target: Target, outputFolder: String) -> [String] {
        var arguments = ["compile", "-file", file, "-output", module.name, "-out_dir", outputFolder]
        if target.kind == .spirv {
            arguments += ["-spv_only", "-device", spirvDevice]
        } else {
            arguments += ["-device", target.name, "--format", "zebin"]
        }
        return arguments
    }

    public func invocation(for module: SourceModule, target: Target) -> String {
        ([executable] + arguments(file: module.path, module: module, target: target, outputFolder: "TMP")).joined(separator: " ")
    }

    public func compile(_ module: SourceModule, for target: Target) async throws(KilnError) -> CompiledImage {
        guard builds(target) else {
            throw KilnError(.toolchainUnavailable, "ocloc does not build target \(target.name)")
        }
        guard module.language == .openCLC else {
            throw KilnError(.invalidArgument, "\(module.path): ocloc compiles OpenCL C (.cl), not \(module.language.rawValue)")
        }
        if case .intelDevice(let ip) = target.kind { try await confirm(target, ipVersion: ip) }
        return try await TemporaryDirectory.with(prefix: "kiln-ocloc") { (folder) async throws(KilnError) -> CompiledImage in
            let file = "\(folder)/\(module.name).cl"
            try TemporaryDirectory.write(Array(module.text.utf8), to: file)
            let output = try await ChildProcess(executable: executable,
                                                arguments: arguments(file: file, module: module, target: target, outputFolder: folder),
                                                directory: folder).run()
            let log = output.text.replacingAll(file, with: module.path).trimmingWhitespace()
            if output.status != 0 {
                throw failure(log, status: output.status, module: module, target: target)
            }
            let suffix = target.kind == .spirv ? ".spv" : ".bin"
            let made = (try? FileManager.default.contentsOfDirectory(atPath: folder))?.filter { $0.hasSuffix(suffix) } ?? []
            guard made.count == 1, let bytes = FileManager.default.contents(atPath: "\(folder)/\(made[0])") else {
                throw KilnError(.compilationFailed,
                    "\(module.path) for \(target.name): \(identity) exited 0 but wrote \(made.isEmpty ? "no" : "\(made.count)") \(suffix) file\(made.count == 1 ? "" : "s") — run `\(invocation(for: module, target: target))` to see why\n\(log)")
            }
            let quiet = log.split(separator: "\n").filter { $0 != "Build succeeded." && !$0.isEmpty }.joined(separator: "\n")
            return CompiledImage(bytes: Array(bytes), log: quiet)
        }
    }

    /// The error for a failed ocloc run: an unknown device, or a kernel it rejects.
    private func failure(_ log: String, status: Int32, module: SourceModule, target: Target) -> KilnError {
        if log.contains("Cannot get HW Info") || log.contains("Could not determine device target") {
            return KilnError(.toolchainUnavailable,
                "\(identity) does not know device '\(target.name)' (exit \(status)): \(log) — install a newer intel-opencl-icd, or leave \(target.name) out of the device list")
        }
        return KilnError(.compilationFailed,
            "\(module.path) for \(target.name): \(identity) rejected it (exit \(status)):\n\(log)\n— fix the kernel; `\(invocation(for: module, target: target))` reproduces it")
    }

    /// Checks once per device that `ocloc ids NAME` gives the IP version the registry records.
    private func confirm(_ target: Target, ipVersion: IntelIPVersion) async throws(KilnError) {
        if confirmed.contains(target.name) { return }
        let output = try await ChildProcess(executable: executable, arguments: ["ids", target.name]).run()
        let ids = output.text.split(whereSeparator: \.isNewline).compactMap { IntelIPVersion($0.trimmingWhitespace()) }
        guard output.status == 0, !ids.isEmpty else {
            throw KilnError(.toolchainUnavailable,
                "\(identity) does not know device '\(target.name)' (`ocloc ids \(target.name)`: \(output.text.trimmingWhitespace())) — install a newer intel-opencl-icd, or leave \(target.name) out of the device list")
        }
        guard ids == [ipVersion] else {
            throw KilnError(.toolchainUnavailable,
                "\(identity) says '\(target.name)' is IP version \(ids.map(\.description).joined(separator: ", ")), but Kiln's registry says \(ipVersion) — name the device by its IP version, or use the ocloc Kiln's registry was made from (22.43)")
        }
        confirmed.insert(target.name)
    }

    /// `ocloc ids` answers already checked.
    private final class ConfirmedIDs: Sendable {
        private let names = Mutex<Set<String>>([])
        func contains(_ name: String) -> Bool { names.withLock { $0.contains(name) } }
        func insert(_ name: String) { _ = names.withLock { $0.insert(name) } }
    }
}
