#if canImport(Glibc)
import Glibc
#endif
import KilnCore
import Logging
import Synchronization

/// The resolutions this process made, on every device: the most recent ones kept for the API,
/// every one counted by path and logged through swift-log (`kiln.resolution`, debug level).
///
/// The log is bounded: a long-running program that loads modules without end keeps the last
/// ``capacity`` records and the counts of all. Nothing is printed unless a program asks:
/// ``writeReportIfAsked()`` writes the report to stderr when `KILN_REPORT=1` (the `kiln` command
/// calls it before it exits; a program calls it where it wants the report, at its end).
public final class ResolutionLog: Sendable {
    /// The process's log, which every ``BundleSession`` appends to.
    public static let shared = ResolutionLog()

    /// The records kept by ``shared``.
    public static let defaultCapacity = 1000

    /// The most records the log keeps; older ones are dropped, and still counted.
    public let capacity: Int

    private struct State {
        /// The most recent records, oldest first; at most twice the capacity between trims.
        var records: [ResolutionRecord] = []
        var counts: [ResolutionPath: Int] = [:]
        var total = 0
    }

    private let state = Mutex(State())
    private let logger = Logger(label: "kiln.resolution")

    /// Creates an empty log.
    ///
    /// - Parameter capacity: The most records to keep (at least 1); every resolution is counted.
    init(capacity: Int = ResolutionLog.defaultCapacity) {
        self.capacity = max(1, capacity)
    }

    /// The most recent resolutions, at most ``capacity``, in the order they were made.
    public var all: [ResolutionRecord] { state.withLock { Array($0.records.suffix(capacity)) } }

    /// How many resolutions this log has seen, including those no longer kept.
    public var total: Int { state.withLock { $0.total } }

    /// How many resolutions took each path, including those no longer kept.
    public var counts: [ResolutionPath: Int] { state.withLock { $0.counts } }

    /// Records one resolution, dropping the oldest kept records past the capacity.
    ///
    /// - Parameter record: What happened when a module was resolved and loaded.
    /// - Complexity: Amortized O(1).
    func append(_ record: ResolutionRecord) {
        state.withLock { state in
            state.records.append(record)
            // Trimming in halves keeps an append amortized O(1).
            if state.records.count >= 2 * capacity { state.records.removeFirst(state.records.count - capacity) }
            state.counts[record.path, default: 0] += 1
            state.total += 1
        }
        logger.debug("resolved", metadata: [
            "module": "\(record.module)", "device": "\(record.device)", "path": "\(record.path.rawValue)",
            "image": "\(record.target)", "sha256": "\(record.imageSHA256)", "seconds": "\(record.seconds)",
        ])
    }

    /// The log as a table for people: the counts of every resolution, then the records kept.
    public var report: String {
        let (records, counts, total) = state.withLock { (Array($0.records.suffix(capacity)), $0.counts, $0.total) }
        let compiled = counts[.jit, default: 0]
        guard total > records.count else { return Self.summary(records) }
        return "kiln: \(total) module loads, \(compiled) compiled at run time; the last \(records.count) are listed\n"
            + Self.table(records)
    }

    /// Writes ``report`` to stderr if the environment has `KILN_REPORT=1`; reads the environment,
    /// never changes it. The `kiln` command calls it before it exits; a program calls it at its end.
    ///
    /// - Returns: Whether the report was written.
    @discardableResult
    public func writeReportIfAsked() -> Bool {
        guard getenv("KILN_REPORT").map({ String(cString: $0) == "1" }) == true else { return false }
        StandardError.write(report + "\n")
        return true
    }

    /// Resolutions as a table, for people.
    ///
    /// - Parameter records: The resolutions to show, in order.
    /// - Returns: A heading that counts them, then one row per record.
    public static func summary(_ records: [ResolutionRecord]) -> String {
        guard !records.isEmpty else { return "kiln: no module was loaded" }
        let compiled = records.filter { $0.path == .jit }.count
        return "kiln: \(records.count) module loads, \(compiled) compiled at run time\n" + table(records)
    }

    private static func table(_ records: [ResolutionRecord]) -> String {
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
        return lines.map { "  " + $0 }.joined(separator: "\n")
    }
}

extension String {
    fileprivate func padding(toLength length: Int) -> String {
        count >= length ? self : self + String(repeating: " ", count: length - count)
    }
}
