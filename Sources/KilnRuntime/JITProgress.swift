#if canImport(Glibc)
import Glibc
#endif
import KilnCore

/// Says on a terminal that a first-run JIT is under way, so nobody wonders whether the
/// program hangs; says nothing in a pipe (the report and the log carry it).
enum JITProgress {
    static func around<T, E: Error>(module: String, from target: String, to device: String,
                                 _ body: () throws(E) -> T) throws(E) -> T {
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
