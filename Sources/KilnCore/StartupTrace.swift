#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Where a program's start-up time goes: with `KILN_TRACE` set, each phase from process start to
/// the first launch — bundle open, manifest, image read, decompression and SHA-256, driver init,
/// context, module load, kernel lookup, first launch, first sync — is written as one JSON line
/// when it ends.
///
/// `KILN_TRACE=1` writes the lines to standard error; any other value is a file they are
/// appended to. The first line is the time from the process's start (the kernel's start time in
/// `/proc/self/stat`, in clock ticks of 10 ms) to Kiln's first traced call:
///
/// ```
/// {"phase":"process","at_ms":0.0,"ms":21.4,"resolution_ms":10}
/// {"phase":"cuda.init","at_ms":21.5,"ms":98.2}
/// {"phase":"image.sha256","at_ms":250.1,"ms":0.4,"detail":"gemm_variants × sm_90","bytes":412160}
/// ```
///
/// `at_ms` is when the phase began, counted from that first call; `ms` how long it took. Phases
/// may nest (`module.load` holds `image.read`). With `KILN_TRACE` unset, a traced phase costs one
/// branch: no clock is read.
public enum StartupTrace {
    /// The environment variable that turns the trace on.
    public static let environmentVariable = "KILN_TRACE"

    /// Where the lines go, read from the environment on first use: -1 when the trace is off.
    @usableFromInline
    static let output: Int32 = {
        guard let value = getenv(environmentVariable).map({ String(cString: $0) }), !value.isEmpty, value != "0" else { return -1 }
        if value == "1" { return STDERR_FILENO }
        let fd = open(value, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        if fd < 0 {
            let warning = Array("kiln: \(environmentVariable)='\(value.terminalSafe())' cannot be opened (\(String(cString: strerror(errno)))) — set it to 1 for standard error, or to a file in a folder you can write; tracing to standard error\n".utf8)
            _ = warning.withUnsafeBytes { Glibc.write(STDERR_FILENO, $0.baseAddress, $0.count) }
            return STDERR_FILENO
        }
        return fd
    }()

    /// Whether the trace is on (`KILN_TRACE` is set, and not to 0).
    @inlinable
    public static var isEnabled: Bool { output >= 0 }

    /// Runs `body` as a phase, and with the trace on writes its line when it ends (marked
    /// `"failed":true` if it threw).
    ///
    /// - Parameters:
    ///   - phase: The phase's name: `bundle.open`, `cuda.init`.
    ///   - detail: What it worked on, for the line: `gemm_variants × sm_90`; only evaluated with the trace on.
    ///   - bytes: How many bytes it handled, for the line; only evaluated with the trace on.
    @inlinable
    public static func measure<T, E: Error>(_ phase: StaticString, detail: @autoclosure () -> String? = nil,
                                            bytes: @autoclosure () -> Int? = nil,
                                            _ body: () throws(E) -> T) throws(E) -> T {
        guard isEnabled else { return try body() }
        return try traced(phase, detail(), bytes(), body)
    }

    /// Like ``measure(_:detail:bytes:_:)``, but only the first time the phase runs in the process
    /// (`launch.first`, `sync.first`): later runs are not traced.
    @inlinable
    public static func measureFirst<T, E: Error>(_ phase: StaticString, _ body: () throws(E) -> T) throws(E) -> T {
        guard isEnabled, claimFirst(phase) else { return try body() }
        return try traced(phase, nil, nil, body)
    }

    @usableFromInline
    static func traced<T, E: Error>(_ phase: StaticString, _ detail: String?, _ bytes: Int?,
                                    _ body: () throws(E) -> T) throws(E) -> T {
        let span = Span(phase, detail: detail, bytes: bytes)
        do {
            let result = try body()
            span.end()
            return result
        } catch {
            span.end(failed: true)
            throw error
        }
    }

    /// Starts a phase whose end is not one closure's (an initializer's body): nil when the trace
    /// is off. `defer { span?.end() }` ends it.
    @inlinable
    public static func begin(_ phase: StaticString, detail: @autoclosure () -> String? = nil) -> Span? {
        guard isEnabled else { return nil }
        return Span(phase, detail: detail(), bytes: nil)
    }

    /// A phase that has begun, written when it ends.
    public struct Span: Sendable {
        let phase: StaticString
        let detail: String?
        let bytes: Int?
        let start: UInt64

        @usableFromInline
        init(_ phase: StaticString, detail: String?, bytes: Int?) {
            _ = origin  // the first traced call starts the clock (and writes the `process` line)
            self.phase = phase
            self.detail = detail
            self.bytes = bytes
            start = now()
        }

        /// Writes the phase's line.
        public func end(failed: Bool = false) {
            StartupTrace.write(phase, start: start, end: now(), detail: detail, bytes: bytes, failed: failed)
        }
    }

    /// The phases ``measureFirst(_:_:)`` has traced.
    private static let claimed = Mutex<Set<String>>([])

    @usableFromInline
    static func claimFirst(_ phase: StaticString) -> Bool {
        claimed.withLock { $0.insert(phase.description).inserted }
    }

    /// Nanoseconds on `CLOCK_BOOTTIME`, the clock `/proc/self/stat` counts the start time on.
    static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_BOOTTIME, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    /// The first traced call's time, which writes the `process` line when it is taken.
    private static let origin: UInt64 = {
        let first = now()
        let started = processStart()
        var line = "{\"phase\":\"process\",\"at_ms\":0.0"
        if let started, started <= first {
            line += ",\"ms\":\(milliseconds(first - started)),\"resolution_ms\":\(1000 / max(sysconf(Int32(_SC_CLK_TCK)), 1))"
        }
        emit(line + "}\n")
        return first
    }()

    /// The process's start on `CLOCK_BOOTTIME`, in nanoseconds: field 22 of `/proc/self/stat`
    /// (clock ticks since boot); nil where it cannot be read.
    static func processStart() -> UInt64? {
        let fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 1024)
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        // The command name (field 2) is in parentheses and may hold spaces: count from the last ')'.
        guard let close = buffer[..<count].lastIndex(of: UInt8(ascii: ")")) else { return nil }
        let fields = buffer[(close + 1)..<count].split(separator: UInt8(ascii: " "))
        // Fields after the name start at 3 (state); the start time is field 22.
        guard fields.count > 19, let ticks = UInt64(String(decoding: fields[19], as: UTF8.self)) else { return nil }
        let perSecond = UInt64(max(sysconf(Int32(_SC_CLK_TCK)), 1))
        return ticks * (1_000_000_000 / perSecond)
    }

    static func write(_ phase: StaticString, start: UInt64, end: UInt64, detail: String?, bytes: Int?, failed: Bool) {
        let origin = origin
        var line = "{\"phase\":\"\(phase)\",\"at_ms\":\(milliseconds(start >= origin ? start - origin : 0)),\"ms\":\(milliseconds(end - start))"
        if let detail { line += ",\"detail\":\(jsonString(detail))" }
        if let bytes { line += ",\"bytes\":\(bytes)" }
        if failed { line += ",\"failed\":true" }
        emit(line + "}\n")
    }

    /// Milliseconds with three decimals: `12.345`.
    static func milliseconds(_ nanoseconds: UInt64) -> String {
        let micro = (nanoseconds + 500) / 1000
        let fraction = String(micro % 1000)
        return "\(micro / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    /// A JSON string literal of some text.
    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// Writes one line in a single `write`, so lines of threads and processes sharing the file never interleave.
    private static func emit(_ line: String) {
        let bytes = Array(line.utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(output, $0.baseAddress, $0.count) }
    }
}
