import Foundation
@testable import kiln
import KilnCompiler
import KilnTestSupport
import Synchronization
import Testing

/// What the commands say when nobody watches a terminal, and when nothing is found.
@Suite("kiln output: progress in a pipe, no devices")
struct OutputHygieneTests {
    @Test("not on a terminal: the plan, a line per compiled image, and the compiles still running when nothing finished for a while")
    func progressLines() {
        let reporter = ProgressReporter(verbose: false, interactive: false, interval: 10,
                                        output: { Self.record($0) }, clock: { Self.clock.withLock { $0 } })
        Self.lines.withLock { $0 = [] }
        reporter.handle(.planned(total: 3, cached: 1))
        reporter.handle(.finished(module: "cached", target: "sm_90", seconds: 0, cached: true, done: 1, total: 3))
        reporter.handle(.started(module: "gemm", target: "pvc", invocation: "ocloc …"))
        reporter.handle(.started(module: "softmax", target: "sm_90", invocation: "clang …"))
        Self.clock.withLock { $0 += 4 }
        reporter.handle(.finished(module: "softmax", target: "sm_90", seconds: 4, cached: false, done: 2, total: 3))
        Self.clock.withLock { $0 += 5 }
        reporter.tick()  // 5 s since the last line: quiet
        Self.clock.withLock { $0 += 6 }
        reporter.tick()  // 11 s: names what still runs
        reporter.tick()  // just said it: quiet
        reporter.finish()
        #expect(Self.lines.withLock { $0 } == [
            "kiln: 3 images to build, 1 in the build cache\n",
            "kiln: [2/3] softmax × sm_90 4.00 s\n",
            "kiln: [2/3] still compiling gemm × pvc (15 s)\n",
        ])
    }

    /// What the reporter wrote, and its clock, which the test moves.
    static let lines = Mutex<[String]>([])
    static let clock = Mutex(1000.0)
    static func record(_ text: String) { lines.withLock { $0.append(text) } }

    @Test("a build in a pipe prints its progress on stderr, its result on stdout")
    func buildInPipe() async throws {
        let folder = try SpecialFiles.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "kernel void k(global float* x) { x[0] = 1.0f; }\n".write(toFile: folder + "/k.cl", atomically: false, encoding: .utf8)
        let run = try await KilnProcess.run(["build", folder + "/k.cl", "--devices", "none", "-o", folder + "/app.kiln", "--no-cache"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.hasPrefix("kiln: 3 images to build, 0 in the build cache\n"), "\(run.stderr)")
        #expect(run.stderr.contains("/3] k × source "), "\(run.stderr)")
        #expect(run.stderr.contains("kiln: [3/3] k × "), "\(run.stderr)")
        #expect(!run.stdout.contains("kiln: ["))
    }

    @Test("devices exits 1 when it finds no device, and says why per family")
    func noDevices() async throws {
        let empty = try SpecialFiles.folder()
        defer { try? FileManager.default.removeItem(atPath: empty) }
        // ocl-icd reads driver files from OCL_ICD_VENDORS instead of /etc/OpenCL/vendors.
        let environment = ["OCL_ICD_VENDORS": empty, "LD_LIBRARY_PATH": empty]
        let probe = try await KilnProcess.run(["devices", "--json"], environment: environment)
        let listing = try JSONSerialization.jsonObject(with: Data(probe.stdout.utf8)) as? [String: Any]
        try #require((listing?["devices"] as? [Any])?.isEmpty == true, "this machine still shows a device: \(probe.stdout)")
        #expect(probe.status == 1)
        let text = try await KilnProcess.run(["devices"], environment: environment)
        #expect(text.status == 1)
        #expect(text.stdout.contains("no devices found"))
        #expect(text.stdout.contains("nvidia: "))
    }

    @Test("a library's warning reaches kiln's stderr once, as a kiln: warning: line (a cache that cannot be written)",
          .enabled(if: FileManager.default.fileExists(atPath: "/etc/OpenCL/vendors/pocl.icd"), "needs PoCL's cpu device to JIT for"))
    func libraryWarningOnce() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-unwritable-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        // The cache folder would be inside a regular file: nothing can be created there.
        #expect(FileManager.default.createFile(atPath: folder + "/file", contents: nil), "the test could not write its file")
        let run = try await KilnProcess.run(["verify", try await ResolutionReportTests.bundle.value, "--jit", "always"],
                                      environment: ["KILN_CACHE_DIR": folder + "/file/cache"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        let lines = run.stderr.split(separator: "\n").filter { $0.contains("cannot write the JIT cache") }
        #expect(lines.count == 1, "\(run.stderr)")
        #expect(lines.first?.hasPrefix("kiln: warning: cannot write the JIT cache") == true, "\(run.stderr)")
    }
}
