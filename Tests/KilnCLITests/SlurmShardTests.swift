import Foundation
import KilnBundle
import KilnTestSupport
import Testing

/// The sharded build of `Kernels/` on a real Slurm (Examples/slurm/submit.sh): a 4-task job array
/// builds the parts, a job that depends on it merges them. Runs where `sbatch` is on PATH or
/// KILN_TEST_SERVICES=1 (as in CI, where `scripts/services/slurm.sh` starts a one-node Slurm):
/// then a Slurm that is not usable fails the test, so CI never passes without it.
@Suite("Slurm sharded build", .serialized,
       .enabled(if: SlurmService.sbatch != nil || SlurmService.required,
                "no sbatch on PATH and KILN_TEST_SERVICES is not 1 — run scripts/services/slurm.sh to start a one-node Slurm"),
       .enabled(if: ShardedBuildFixture.toolchainsInstalled,
                "needs clang-16 + libclc-16 and nvJitLink (scripts/setup.sh installs them)"))
struct SlurmShardTests {
    @Test("a 4-shard Slurm array job and a dependent merge give the single build's bundle byte for byte")
    func slurmArray() async throws {
        try await SlurmService.requireUsable()
        let root = KilnProcess.projectRoot()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-slurm-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let devices = "sm_80,sm_90"
        let single = folder + "/single.kiln"
        let build = try await KilnProcess.run(["build", root.appendingPathComponent("Kernels").path, "--devices", devices,
                                         "--no-cache", "-o", single], limit: .seconds(600))
        #expect(build.status == 0, "\(build.stderr)")

        let merged = folder + "/app.kiln"
        let submit = try await SlurmService.run(
            [root.appendingPathComponent("Examples/slurm/submit.sh").path, merged, "4",
             root.appendingPathComponent("Kernels").path, "--devices", devices, "--no-cache"],
            environment: ["KILN": KilnProcess.executable().path, "KILN_PARTS": folder + "/parts", "KILN_SLURM_WAIT": "1"],
            limit: 900)
        let logs = (try? FileManager.default.contentsOfDirectory(atPath: folder + "/parts"))?.sorted()
            .filter { $0.hasSuffix(".log") }
            .map { "\($0):\n" + ((try? String(contentsOfFile: folder + "/parts/" + $0, encoding: .utf8)) ?? "") }
            .joined(separator: "\n") ?? ""
        #expect(submit.status == 0, "submit.sh: \(submit.output)\n\(logs)")
        // Four array tasks each wrote their part, and the merge job wrote the bundle.
        for index in 0..<4 {
            #expect(FileManager.default.fileExists(atPath: folder + "/parts/part-\(index).kiln"), "\(logs)")
            #expect(FileManager.default.fileExists(atPath: folder + "/parts/shard-\(index).log"))
        }
        // Each module × target compiled once across the array: the shards' planned compiles (their
        // progress line "kiln: N images to build, 0 in the build cache") add up to the bundle's images.
        var planned = 0
        for index in 0..<4 {
            let log = (try? String(contentsOfFile: folder + "/parts/shard-\(index).log", encoding: .utf8)) ?? ""
            let line = log.split(separator: "\n").first { $0.hasPrefix("kiln: ") && $0.hasSuffix(" to build, 0 in the build cache") }
            planned += line.flatMap { Int($0.dropFirst("kiln: ".count).prefix { $0.isNumber }) } ?? 0
        }
        let images = try BundleReader.checked(path: single).imageCount
        #expect(planned == images, "the shards compiled \(planned) images, the single build holds \(images)\n\(logs)")
        let mergedBytes = try Data(contentsOf: URL(fileURLWithPath: merged))
        #expect(mergedBytes == (try Data(contentsOf: URL(fileURLWithPath: single))), "the Slurm-built bundle differs from the single build")
    }
}

/// The Slurm that the tests submit to.
enum SlurmService {
    /// `sbatch`'s path, or nil when it is not on PATH.
    static let sbatch: String? = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        .split(separator: ":").map { "\($0)/sbatch" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    /// Whether CI requires the services (KILN_TEST_SERVICES=1): then an unusable Slurm is a failure.
    static let required = ProcessInfo.processInfo.environment["KILN_TEST_SERVICES"] == "1"

    /// Fails, saying how to start Slurm, unless `sbatch` exists and `sinfo` shows a node that takes jobs.
    static func requireUsable() async throws {
        let fix = "start the one-node Slurm with `bash scripts/services/slurm.sh`"
        try #require(sbatch != nil, "KILN_TEST_SERVICES=1 but sbatch is not on PATH — \(fix)")
        let sinfo = try await run(["sinfo", "-h", "-o", "%t"], limit: 30)
        let states = sinfo.output.split(whereSeparator: \.isNewline).map(String.init)
        try #require(sinfo.status == 0 && states.contains { ["idle", "mix", "alloc"].contains($0) },
                     "Slurm is not usable (sinfo: \(sinfo.output.trimmingCharacters(in: .whitespacesAndNewlines))) — \(fix)")
    }

    /// Runs a program to its end (killed after `limit` seconds), stdout and stderr together.
    static func run(_ arguments: [String], environment: [String: String] = [:],
                    limit: Double) async throws -> (status: Int32, output: String) {
        let run = try await KilnProcess.run(executable: arguments[0], Array(arguments.dropFirst()),
                                            environment: environment.mapValues { $0 }, combined: true, limit: .seconds(limit))
        return (run.status, run.timedOut ? run.stderr : run.stdout)
    }
}
