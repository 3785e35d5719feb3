import Foundation
import KilnBundle
import KilnTestSupport
import Testing

/// The OpenCL C conformance kernels (Tests/Conformance): built for NVIDIA, Intel and CPU targets
/// with `-D` and `-I`, then run on PoCL from the AOT image and from the self-contained source,
/// each result against its reference. The same bundle runs on the GPU machine (bench/gpu).
@Suite("OpenCL C conformance", .enabled(if: FileManager.default.fileExists(atPath: "/etc/OpenCL/vendors/pocl.icd")
                                         && FileManager.default.isExecutableFile(atPath: "/usr/bin/ocloc")
                                         && FileManager.default.isExecutableFile(atPath: "/usr/bin/clang-16"),
                                         "needs PoCL, ocloc and clang-16 (scripts/setup.sh installs them)"))
struct ConformanceTests {
    static let root = KilnProcess.projectRoot().appendingPathComponent("Tests/Conformance")
    /// Kernels compiled out on PoCL 3.1's CPU device (no cl_khr_fp16, no subgroups).
    static let absentOnPoCL: Set<String> = ["half_precision", "subgroup_sum"]

    /// The bundle, built once for sm_80,sm_90,ats-m150,pvc,cpu.
    static let bundle = Task<String, any Error> {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-conformance-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let output = folder.appendingPathComponent("conformance.kiln").path
        let build = try await KilnProcess.run(["build", root.path, "-D", "KILN_SCALE=3", "-I", root.appendingPathComponent("include").path,
                                         "--devices", "sm_80,sm_90,ats-m150,pvc,cpu", "-o", output, "--no-cache"])
        guard build.status == 0 else { throw KilnProcessFailure(description: build.stderr) }
        return output
    }

    struct KilnProcessFailure: Error, CustomStringConvertible { var description: String }

    /// Intel's CPU OpenCL runtime, which scripts/setup.sh installs into .toolchains/intel-ocl.
    static let intelVendors = KilnProcess.projectRoot().appendingPathComponent(".toolchains/intel-ocl/vendors").path

    /// Every kernel's report on the cpu device: kernel → (checked error, or why it is absent).
    static func kernelReports(_ arguments: [String], environment extra: [String: String] = [:],
                              path: String? = nil) async throws -> [String: [String: Any]] {
        var environment = ["KILN_CACHE_DIR": FileManager.default.temporaryDirectory.appendingPathComponent("kiln-cache-\(UUID())").path]
        environment.merge(extra) { $1 }
        let run = try await KilnProcess.run(["verify", try await bundle.value, "--json"] + arguments, environment: environment)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let devices = try #require(report["devices"] as? [[String: Any]])
        let cpu = try #require(devices.first { ($0["target"] as? String) == "cpu" })
        let modules = try #require(cpu["modules"] as? [[String: Any]])
        #expect(modules.count == 11)
        var kernels: [String: [String: Any]] = [:]
        for module in modules {
            #expect(module["error"] == nil, "\(module)")
            if let path {
                let resolution = module["resolution"] as? [String: Any]
                #expect("\(resolution?["path"] ?? "")/\(resolution?["target"] ?? "")" == path, "\(module)")
            }
            for kernel in module["kernels"] as? [[String: Any]] ?? [] { kernels[kernel["kernel"] as? String ?? "?"] = kernel }
        }
        return kernels
    }

    @Test("every conformance kernel passes against its reference, AOT and through the JIT from source",
          arguments: [[], ["--jit", "always"]])
    func passes(_ arguments: [String]) async throws {
        let kernels = try await Self.kernelReports(arguments)
        #expect(kernels.count == 15, "every kernel is reported: \(kernels.keys.sorted())")
        for (name, report) in kernels {
            if Self.absentOnPoCL.contains(name) {
                #expect(report["absent"] is String, "\(name) should be compiled out on PoCL: \(report)")
            } else {
                let error = try #require(report["error"] as? Double, "\(name) was not checked: \(report)")
                #expect(error <= (report["tolerance"] as? Double ?? 0), "\(name): \(report)")
            }
        }
    }

    @Test("on Intel's CPU OpenCL runtime every kernel (half, double and subgroups too) passes from the SPIR-V",
          .enabled(if: FileManager.default.fileExists(atPath: intelVendors + "/intel-cpu.icd"),
                   "Intel's CPU runtime is not installed: run scripts/setup.sh"))
    func intelDriverTakesSPIRV() async throws {
        let kernels = try await Self.kernelReports([], environment: ["OCL_ICD_VENDORS": Self.intelVendors], path: "jit/spirv")
        #expect(kernels.count == 15)
        for (name, report) in kernels {
            let error = try #require(report["error"] as? Double, "\(name) was not checked: \(report)")
            #expect(error <= (report["tolerance"] as? Double ?? 0), "\(name): \(report)")
        }
    }

    @Test("the bundle records where each kernel is: half and double precision only where the device has them")
    func targets() async throws {
        let run = try await KilnProcess.run(["inspect", try await Self.bundle.value, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("double_precision") && run.stdout.contains("subgroup_sum"))
        let bundle = try BundleReader(path: try await Self.bundle.value).manifest()
        let precision = try #require(bundle.module(named: "precision"))
        #expect(precision.kernels.first { $0.name == "double_precision" }?.isIn(target: "acm-g10") == false, "Arc A has no fp64")
        #expect(precision.kernels.first { $0.name == "double_precision" }?.isIn(target: "pvc") == true)
        #expect(precision.kernels.first { $0.name == "half_precision" }?.isIn(target: "sm_90") == true)
        #expect(precision.kernels.first { $0.name == "single_precision" }?.targets == nil, "in every image")
        #expect(try #require(bundle.module(named: "text_forms")).kernels.map(\.name) == ["scaled"], "the #ifdef KILN_NEVER kernel is not listed")
    }
}
