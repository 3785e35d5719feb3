import Foundation
import KilnBundle
import KilnCompiler
import KilnCore
import KilnRuntime
import KilnTestSupport
import Testing

/// `KILN_TRACE` and `ComputeDevice.first`, seen from outside a process that runs one kernel as a
/// user's program does (KilnStartupProbe), on PoCL's CPU device.
@Suite("Start-up trace and device choice", .enabled(if: OpenCLFixtures.pocl != nil, "PoCL (pocl-opencl-icd) is not installed"))
struct StartupProbeTests {
    /// A bundle for `cpu` (and the source) of the first kernel of Kernels/gemm_variants.cl, as module `gemm_variants`.
    static let bundle = Task<String, any Error> {
        let text = try String(contentsOf: KilnProcess.projectRoot().appendingPathComponent("Kernels/gemm_variants.cl"), encoding: .utf8)
        guard let second = text.ranges(of: "__kernel void").dropFirst().first else {
            throw KilnError(.invalidArgument, "Kernels/gemm_variants.cl holds fewer than two kernels")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-startup-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let source = folder.appendingPathComponent("gemm_variants.cl")
        try String(text[..<second.lowerBound]).write(to: source, atomically: true, encoding: .utf8)
        let output = folder.appendingPathComponent("gemm.kiln").path
        _ = try await Builder(deviceList: DeviceList.parse("cpu"), toolchains: [SourceToolchain(), PoCLToolchain()],
                        options: .init(jobs: 1, cache: nil))
            .build(sources: [SourceModule(path: source.path)], output: output)
        return output
    }

    /// The trace's lines, each as a JSON object.
    static func lines(_ path: String) throws -> [[String: Any]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not JSON: \(line)")
        }
    }

    static func traceFile() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("kiln-trace-\(UUID()).jsonl").path
    }

    /// Whether ComputeDevice.first() lands on PoCL here: it would take a CUDA GPU first, and the bundle has no image for one.
    static let firstIsPoCL = (try? CUDADriver.load()) == nil

    static func environment(trace: String) -> [String: String] {
        ["KILN_TRACE": trace,
         "KILN_CACHE_DIR": FileManager.default.temporaryDirectory.appendingPathComponent("kiln-cache-\(UUID())").path]
    }

    @Test("KILN_TRACE=FILE: a first kernel writes each phase from process start to the first download, and checks only the image it loads",
          .enabled(if: firstIsPoCL, "a CUDA GPU is the first device here, and the test bundle is for cpu"))
    func phases() async throws {
        let bundle = try await Self.bundle.value
        let trace = Self.traceFile()
        let run = try await KilnProcess.run(["first-kernel", bundle], program: "KilnStartupProbe", environment: Self.environment(trace: trace))
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("gemm_variants aot cpu"), "\(run.stdout)")
        #expect(run.stderr.isEmpty, "a trace to a file writes nothing on stderr: \(run.stderr)")
        let lines = try Self.lines(trace)
        let phases = lines.compactMap { $0["phase"] as? String }
        #expect(phases.first == "process")
        let process = try #require(lines.first)
        #expect((process["ms"] as? Double).map { $0 >= 0 && $0 < 60_000 } == true, "process start → first call: \(process)")
        for phase in ["opencl.enumerate", "bundle.open", "manifest.read", "crypto.dlopen", "manifest.decode", "bundle.table", "resolve",
                      "image.read", "image.sha256", "module.load", "kernel.lookup", "launch.first", "download.first", "first-result"] {
            #expect(phases.filter { $0 == phase }.count == 1, "\(phase) in \(phases)")
        }
        #expect(phases.firstIndex(of: "bundle.open")! < phases.firstIndex(of: "module.load")!)
        #expect(phases.firstIndex(of: "module.load")! < phases.firstIndex(of: "launch.first")!)
        let checked = lines.filter { $0["phase"] as? String == "image.sha256" }.compactMap { $0["detail"] as? String }
        #expect(checked == ["gemm_variants × cpu"], "only the image loaded is read and checked, not the source beside it")
        for line in lines.dropFirst() {
            let at = try #require(line["at_ms"] as? Double), ms = try #require(line["ms"] as? Double)
            #expect(at >= 0 && ms >= 0, "\(line)")
        }
        let total = try #require(lines.first { $0["phase"] as? String == "first-result" }?["ms"] as? Double)
        let load = try #require(lines.first { $0["phase"] as? String == "module.load" }?["ms"] as? Double)
        #expect(load <= total, "a nested phase lasts no longer than the one around it")
    }

    @Test("a program that links KilnRuntime loads neither Foundation nor libcrypto when it starts")
    func linkedLibraries() async throws {
        // The dynamic loader lists what it loads and stops before main (what `ldd` does).
        let run = try await KilnProcess.run([], program: "KilnStartupProbe", environment: ["LD_TRACE_LOADED_OBJECTS": "1"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("libc.so"), "the loader listed the libraries: \(run.stdout)")
        #expect(!run.stdout.contains("Foundation"), "\(run.stdout)")
        #expect(!run.stdout.contains("libcrypto"), "opened when the first SHA-256 needs it: \(run.stdout)")
    }

    @Test("ComputeDevice.first([.nvidia]) never enumerates OpenCL; with CUDA missing, first() falls back to OpenCL")
    func openCLOnlyWhenNeeded() async throws {
        let trace = Self.traceFile()
        let nvidia = try await KilnProcess.run(["first-device", "nvidia"], program: "KilnStartupProbe", environment: Self.environment(trace: trace))
        let phases = try Self.lines(trace).compactMap { $0["phase"] as? String }
        #expect(!phases.contains("opencl.enumerate"), "\(phases)")
        #expect(phases.contains("cuda.dlopen"), "CUDA was tried: \(phases)")
        if nvidia.status == 0 { return }  // a machine with a GPU: nothing more to see here
        let fallback = Self.traceFile()
        let any = try await KilnProcess.run(["first-device"], program: "KilnStartupProbe", environment: Self.environment(trace: fallback))
        #expect(any.status == 0 && any.stdout.contains("OpenCL device"), "\(any.stdout)\(any.stderr)")
        #expect(try Self.lines(fallback).contains { $0["phase"] as? String == "opencl.enumerate" })
        let cpu = Self.traceFile()
        _ = try await KilnProcess.run(["first-device", "cpu"], program: "KilnStartupProbe", environment: Self.environment(trace: cpu))
        #expect(!(try Self.lines(cpu).contains { ($0["phase"] as? String)?.hasPrefix("cuda.") == true }), "asking for cpu alone leaves CUDA alone")
    }

    @Test("with KILN_TRACE unset or 0 nothing is written; KILN_TRACE=1 writes the lines to stderr",
          .enabled(if: firstIsPoCL, "a CUDA GPU is the first device here, and the test bundle is for cpu"), arguments: ["", "0", "1"])
    func offAndStderr(value: String) async throws {
        let run = try await KilnProcess.run(["first-kernel", try await Self.bundle.value], program: "KilnStartupProbe",
                                      environment: Self.environment(trace: value))
        #expect(run.status == 0, "\(run.stderr)")
        if value == "1" {
            let phases = run.stderr.split(separator: "\n").map { String($0) }
            #expect(phases.count > 10 && phases.allSatisfy { $0.hasPrefix("{\"phase\":\"") && $0.hasSuffix("}") }, "\(run.stderr)")
        } else {
            #expect(run.stderr.isEmpty, "\(run.stderr)")
        }
    }
}
