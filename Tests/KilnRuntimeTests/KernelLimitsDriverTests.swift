import Foundation
import KilnCompiler
import KilnCore
import KilnTestSupport
import Testing

/// A kernel's own limits on the CPU drivers, seen from a program that runs kernels as a user's
/// does (KilnStartupProbe launch-limits, the check bench/gpu/check.sh runs on the GPU): PoCL, and
/// Intel's CPU runtime (which a process picks with OCL_ICD_VENDORS, so it needs a process of its own).
@Suite("Kernel limits on PoCL and Intel's CPU runtime", .enabled(if: OpenCLFixtures.pocl != nil, "PoCL (pocl-opencl-icd) is not installed"))
struct KernelLimitsDriverTests {
    /// bench/gpu/kernels/local_limits.cl built for `cpu` (and its source, which Intel's runtime compiles).
    static let bundle = Task<String, any Error> {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-limits-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let output = folder.appendingPathComponent("limits.kiln").path
        let source = KilnProcess.projectRoot().appendingPathComponent("bench/gpu/kernels/local_limits.cl").path
        _ = try await Builder(deviceList: DeviceList.parse("cpu"), toolchains: [SourceToolchain(), PoCLToolchain()],
                        options: .init(jobs: 1, cache: nil))
            .build(sources: [SourceModule(path: source)], output: output)
        return output
    }

    /// Intel's CPU OpenCL runtime, which scripts/setup.sh installs into .toolchains/intel-ocl.
    static let intelVendors = KilnProcess.projectRoot().appendingPathComponent(".toolchains/intel-ocl/vendors").path

    static func probe(_ environment: [String: String]) async throws -> KilnProcess.Outcome {
        var environment = environment
        environment["KILN_CACHE_DIR"] = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-cache-\(UUID())").path
        return try await KilnProcess.run(["launch-limits", try await bundle.value], program: "KilnStartupProbe", environment: environment)
    }

    @Test("PoCL: local memory over what the kernel leaves of the device's is refused by Kiln and nothing runs; within it runs")
    func pocl() async throws {
        let run = try await Self.probe([:])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("launch-limits: all checks passed"), "\(run.stdout)")
        #expect(run.stdout.contains("is refused by Kiln: kernel 'staged' needs") && run.stdout.contains("the refused launch wrote nothing"), "\(run.stdout)")
    }

    @Test("Intel's CPU runtime: the same refusal, against its own (smaller) local memory",
          .enabled(if: FileManager.default.fileExists(atPath: intelVendors + "/intel-cpu.icd"), "Intel's CPU runtime is not in .toolchains/intel-ocl (scripts/setup.sh installs it)"))
    func intelCPU() async throws {
        let run = try await Self.probe(["OCL_ICD_VENDORS": Self.intelVendors])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(!run.stdout.contains("pthread-"), "the device is Intel's, not PoCL's: \(run.stdout)")
        #expect(run.stdout.contains("launch-limits: all checks passed"), "\(run.stdout)")
        #expect(run.stdout.contains("is refused by Kiln: kernel 'staged' needs"), "\(run.stdout)")
    }
}
