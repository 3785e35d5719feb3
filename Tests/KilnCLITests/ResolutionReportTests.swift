import Foundation
import KilnTestSupport
import Testing

/// `KILN_REPORT=1`: the `kiln` command writes the resolutions it made to stderr before it exits
/// (the library installs nothing at exit; the command asks for the report).
@Suite("KILN_REPORT through the kiln command", .enabled(if: FileManager.default.fileExists(atPath: "/etc/OpenCL/vendors/pocl.icd"),
                                                       "needs PoCL's cpu device to load the bundle on"))
struct ResolutionReportTests {
    /// Kernels/saxpy.cl built for `cpu` by the `kiln` command.
    static let bundle = Task<String, any Error> {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-report-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let output = folder.appendingPathComponent("saxpy.kiln").path
        let source = KilnProcess.projectRoot().appendingPathComponent("Kernels/saxpy.cl").path
        let run = try await KilnProcess.run(["build", source, "--devices", "cpu", "-o", output])
        guard run.status == 0 else { throw KilnProcessFailure(description: run.stderr) }
        return output
    }

    struct KilnProcessFailure: Error, CustomStringConvertible { var description: String }

    static func warm(_ environment: [String: String]) async throws -> KilnProcess.Outcome {
        var environment = environment
        environment["KILN_CACHE_DIR"] = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-cache-\(UUID())").path
        return try await KilnProcess.run(["cache", "warm", try await bundle.value], environment: environment)
    }

    @Test("with KILN_REPORT=1, kiln cache warm ends with the report of the module it loaded, on stderr")
    func report() async throws {
        let run = try await Self.warm(["KILN_REPORT": "1"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("kiln: 1 module loads, 0 compiled at run time"), "\(run.stderr)")
        #expect(run.stderr.contains("saxpy") && run.stderr.contains(" aot "), "\(run.stderr)")
    }

    @Test("without KILN_REPORT, no report")
    func noReport() async throws {
        let run = try await Self.warm(["KILN_REPORT": "0"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!run.stderr.contains("module loads"), "\(run.stderr)")
    }
}
