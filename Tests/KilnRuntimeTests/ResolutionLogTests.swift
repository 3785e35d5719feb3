import Foundation
import KilnCore
@testable import KilnRuntime
import KilnTestSupport
import Testing

/// The process's resolution log: bounded however many modules a program loads, and printed only
/// when a program asks (no handler at exit).
@Suite("The resolution log")
struct ResolutionLogTests {
    static func record(_ index: Int, path: ResolutionPath) -> ResolutionRecord {
        ResolutionRecord(module: "m\(index)", device: "cpu", path: path, target: "cpu", imageSHA256: String(repeating: "a", count: 64),
                         seconds: 0.001, reason: "test")
    }

    @Test("after 10,000 resolutions a log of capacity 10 keeps the last 10, in order, and counts all by path")
    func bounded() {
        let log = ResolutionLog(capacity: 10)
        for index in 0..<10_000 { log.append(Self.record(index, path: index % 4 == 0 ? .jit : .aot)) }
        #expect(log.all.map(\.module) == (9_990..<10_000).map { "m\($0)" })
        #expect(log.total == 10_000)
        #expect(log.counts == [.jit: 2_500, .aot: 7_500])
        let report = log.report
        #expect(report.hasPrefix("kiln: 10000 module loads, 2500 compiled at run time; the last 10 are listed\n"), "\(report)")
        #expect(report.split(separator: "\n").count == 12, "heading, column names and 10 rows: \(report)")
    }

    @Test("the shared log keeps at most its default capacity")
    func sharedCapacity() {
        #expect(ResolutionLog.shared.capacity == ResolutionLog.defaultCapacity)
    }

    @Test("a log that has dropped nothing reports as the summary of its records")
    func unbounded() {
        let log = ResolutionLog(capacity: 10)
        log.append(Self.record(1, path: .jit))
        #expect(log.report == ResolutionLog.summary(log.all))
        #expect(log.report.hasPrefix("kiln: 1 module loads, 1 compiled at run time\n"))
    }

    @Test("KILN_REPORT=1 in a program that does not ask for the report prints nothing at exit",
          .enabled(if: OpenCLFixtures.pocl != nil && StartupProbeTests.firstIsPoCL, "needs PoCL as the first device"))
    func noReportAtExit() async throws {
        let environment = ["KILN_REPORT": "1",
                           "KILN_CACHE_DIR": FileManager.default.temporaryDirectory.appendingPathComponent("kiln-cache-\(UUID())").path]
        let run = try await KilnProcess.run(["first-kernel", try await StartupProbeTests.bundle.value], program: "KilnStartupProbe", environment: environment)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("gemm_variants aot cpu"), "the module was loaded: \(run.stdout)")
        #expect(!run.stderr.contains("module loads"), "no report written at exit by the library: \(run.stderr)")
    }
}
