#if canImport(Glibc)
import Glibc
#endif
import KilnCore
import Logging
import Synchronization

/// Every resolution this process made, on every device: kept for the API, logged through
/// swift-log (`kiln.resolution`, debug level), and printed at exit when `KILN_REPORT=1`.
public final class ResolutionLog: Sendable {
    /// The process's log.
    public static let shared = ResolutionLog()

    private let records = Mutex<[ResolutionRecord]>([])
    private let reportInstalled = Mutex(false)
    private let logger = Logger(label: "kiln.resolution")

    /// The resolutions so far, in the order they were made.
    public var all: [ResolutionRecord] { records.withLock { $0 } }

    func append(_ record: ResolutionRecord) {
        records.withLock { $0.append(record) }
        logger.debug("resolved", metadata: [
            "module": "\(record.module)", "device": "\(record.device)", "path": "\(record.path.rawValue)",
            "image": "\(record.target)", "sha256": "\(record.imageSHA256)", "seconds": "\(record.seconds)",
        ])
        installReportIfAsked()
    }

    /// The resolutions as a table, for people.
    public static func summary(_ records: [ResolutionRecord]) -> String {
        guard !records.isEmpty else { return "kiln: no module was loaded" }
        let header = ["module", "device", "path", "image", "sha256", "ms"]
        let rows = records.map { r in
            [r.module.terminalSafe(), r.device.terminalSafe(), r.path.rawValue, r.target, String(r.imageSHA256.prefix(12)),
             String(Int((r.seconds * 1000).rounded()))]
        }
        let widths = header.indices.map { c in ([header] + rows).map { $0[c].count }.max() ?? 0 }
        let lines = ([header] + rows).map { row in
            String(row.enumerated().map { $1.padding(toLength: widths[$0]) }.joined(separator: "  ")
                .reversed().drop { $0 == " " }.reversed())
        }
        let compiled = records.filter { $0.path == .jit }.count
        return "kiln: \(records.count) module loads, \(compiled) compiled at run time\n" + lines.map { "  " + $0 }.joined(separator: "\n")
    }

    private func installReportIfAsked() {
        guard getenv("KILN_REPORT").map({ String(cString: $0) == "1" }) == true else { return }
        let first = reportInstalled.withLock { installed in
            defer { installed = true }
            return !installed
        }
        if first {
            atexit {
                StandardError.write(ResolutionLog.summary(ResolutionLog.shared.all) + "\n")
            }
        }
    }
}

extension String {
    fileprivate func padding(toLength length: Int) -> String {
        count >= length ? self : self + String(repeating: " ", count: length - count)
    }
}

/// Says on a terminal that a first-run JIT is under way, so nobody wonders whether the
/// program hangs; says nothing in a pipe (the report and the log carry it).
enum JITProgress {
    static func around<T>(module: String, from target: String, to device: String, _ body: () throws -> T) rethrows -> T {
        let interactive = isatty(STDERR_FILENO) == 1
        if interactive {
            StandardError.write("kiln: compiling module '\(module.terminalSafe())' from \(target) for \(device) — once; the result is cached…\n")
        }
        let start = ContinuousClock.now
        let result = try body()
        if interactive {
            StandardError.write("kiln: compiled '\(module.terminalSafe())' in \((ContinuousClock.now - start).seconds.formatted2) s\n")
        }
        return result
    }
}

extension Double {
    fileprivate var formatted2: String {
        let hundredths = Int((self * 100).rounded())
        return "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100)"
    }
}

/// Writes to the standard error stream without Foundation, unbuffered; callers escape names
/// (``Swift/StringProtocol/terminalSafe(multiline:)``).
package enum StandardError {
    package static func write(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }
}
