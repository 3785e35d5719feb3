#if canImport(Glibc)
import Glibc
#endif
@testable import KilnCore
import Testing

/// The pieces of a trace line; the lines themselves are tested from outside a process (StartupProbeTests).
@Suite("StartupTrace")
struct StartupTraceTests {
    @Test("milliseconds keep three decimals, rounded to the microsecond",
          arguments: [(UInt64(0), "0.000"), (1_499, "0.001"), (1_500, "0.002"), (12_345_678, "12.346"), (3_000_000_000, "3000.000")])
    func milliseconds(nanoseconds: UInt64, text: String) {
        #expect(StartupTrace.milliseconds(nanoseconds) == text)
    }

    @Test("details are JSON strings: quotes, backslashes and control characters escaped")
    func jsonString() {
        #expect(StartupTrace.jsonString("gemm × sm_90") == "\"gemm × sm_90\"")
        #expect(StartupTrace.jsonString("a\"b\\c\nd\u{1B}") == "\"a\\\"b\\\\c\\u000ad\\u001b\"")
    }

    @Test("the process's start time, from /proc/self/stat, lies before now on the same clock")
    func processStart() throws {
        let start = try #require(StartupTrace.processStart())
        let now = StartupTrace.now()
        #expect(start <= now)
        #expect(now - start < 24 * 3600 * 1_000_000_000, "this test process started less than a day ago")
    }
}
