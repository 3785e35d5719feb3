#if canImport(Glibc)
import Glibc
#endif
import KilnCore
import Subprocess
import Synchronization
import SystemPackage

/// A program Kiln runs as a child process (ocloc, clang; the tests' `kiln`), through
/// swift-subprocess: standard output and standard error are read at once, so a child that fills
/// one pipe never blocks on it; the run has a time limit and each stream a size limit.
public struct ChildProcess: Sendable {
    /// How a child ended and what it printed.
    public struct Outcome: Sendable {
        /// The exit status; for a child that a signal ended, the signal's number (as `Foundation.Process` reports it).
        public var status: Int32
        /// The signal that ended the child, or nil when it exited.
        public var signal: Int32?
        /// What it wrote to standard output (and to standard error, for a run that combines them).
        public var output: [UInt8]
        /// What it wrote to standard error; empty for a run that combines it with standard output.
        public var errorOutput: [UInt8]

        /// Standard output as text.
        public var text: String { String(decoding: output, as: UTF8.self) }
        /// Standard error as text.
        public var errorText: String { String(decoding: errorOutput, as: UTF8.self) }
    }

    /// How long a compiler may run by default: long enough for the biggest module Kiln builds, short
    /// enough that a hung compiler fails the build instead of stopping it.
    public static let compilerTimeLimit: Duration = .seconds(900)
    /// How much a compiler may print to each stream by default (its log; images go to files).
    public static let compilerOutputLimit = 16 << 20

    /// The executable's path.
    public let executable: String
    /// The arguments after the executable's name.
    public var arguments: [String]
    /// The folder it runs in; nil for this process's.
    public var directory: String?
    /// Variables added to (or, with a nil value, removed from) this process's environment.
    public var environment: [String: String?]
    /// Whether standard error goes into ``Outcome/output`` with standard output, as `2>&1` does.
    public var combinesOutput: Bool
    /// How long it may run before it is killed.
    public var timeLimit: Duration
    /// The most bytes it may write to each of its output streams before it is killed.
    public var outputLimit: Int

    /// Describes a run of a program; nothing starts until ``run(started:)``.
    ///
    /// - Parameters:
    ///   - executable: The program's path.
    ///   - arguments: Its arguments, without its own name.
    ///   - directory: The folder it runs in; nil for this process's.
    ///   - environment: Variables added to this process's environment; a nil value removes one.
    ///   - combinesOutput: Whether standard error is collected with standard output, in order.
    ///   - timeLimit: How long it may run before it is killed and the run fails.
    ///   - outputLimit: The most bytes each output stream may carry before it is killed and the run fails.
    public init(executable: String, arguments: [String], directory: String? = nil, environment: [String: String?] = [:],
                combinesOutput: Bool = true, timeLimit: Duration = compilerTimeLimit, outputLimit: Int = compilerOutputLimit) {
        self.executable = executable
        self.arguments = arguments
        self.directory = directory
        self.environment = environment
        self.combinesOutput = combinesOutput
        self.timeLimit = timeLimit
        self.outputLimit = outputLimit
    }

    /// The command line, for messages.
    var commandLine: String { ([executable] + arguments).joined(separator: " ") }

    /// Runs the program to its end.
    ///
    /// The limits stop the child itself, not programs it started: those keep running, though the
    /// run does not wait for them (it ends when the child does, even while one of them holds the
    /// output pipe open). Kiln's tools (ocloc, clang) start none that outlive them. The limit
    /// counts from the moment the child runs, and a child that has ended is never stopped as past
    /// it: the timer and the collection of the child's output both run on Swift's cooperative
    /// threads, and while synchronous work elsewhere holds them all, a child that ended in time
    /// would otherwise look as if it had run past its limit (a 30 s `sinfo` in a loaded test run).
    ///
    /// - Parameter started: Called once with the child's process id, as soon as it runs.
    /// - Returns: Its status and output; a non-zero status is an outcome, not an error.
    /// - Throws: `KilnError.toolchainUnavailable` if it cannot be started; `.timedOut` if it ran past
    ///   ``timeLimit``; `.io` if it printed more than ``outputLimit`` (it is killed in both cases).
    public func run(started: @escaping @Sendable (Int32) -> Void = { _ in }) async throws(KilnError) -> Outcome {
        let limit = timeLimit
        let running = Started()
        let finished: Outcome?
        do {
            finished = try await withThrowingTaskGroup(of: Outcome?.self) { group in
                group.addTask {
                    try await collect(self) { pid in
                        running.value.withLock { $0 = (pid, .now) }
                        started(pid)
                    }
                }
                group.addTask {
                    try await Task.sleep(for: limit)
                    // Past the limit only when the child has run that long and is still running.
                    while true {
                        guard let (pid, since) = running.value.withLock({ $0 }) else {
                            try await Task.sleep(for: .milliseconds(100))
                            continue
                        }
                        let left = limit - since.duration(to: .now)
                        if left > .zero {
                            try await Task.sleep(for: left)
                        } else if Self.hasEnded(pid) {
                            try await Task.sleep(for: .milliseconds(100))  // its outcome is on its way
                        } else {
                            return nil
                        }
                    }
                }
                let first = try await group.next() ?? nil
                // Either the child ended (the timer is stopped) or the timer did (cancelling the
                // run makes swift-subprocess kill the child; its result is not used).
                group.cancelAll()
                return first
            }
        } catch let error as KilnError {
            throw error
        } catch let error as SubprocessError where error.code == .outputLimitExceeded {
            throw KilnError(.io, "'\(commandLine)' printed more than \(outputLimit) bytes and was stopped — run it by hand to see what it prints", cause: error)
        } catch {
            throw KilnError(.toolchainUnavailable, "cannot run '\(executable)': \(error) — check that it is installed and executable", cause: error)
        }
        guard let finished else {
            throw KilnError(.timedOut, "'\(commandLine)' ran past its limit of \(limit.components.seconds) s and was stopped — run it by hand to see where it hangs")
        }
        return finished
    }

    /// The child's process id and when it started running, once it has.
    private final class Started: Sendable {
        let value = Mutex<(pid: Int32, since: ContinuousClock.Instant)?>(nil)
    }

    /// Whether a child process has ended: it is gone, or a zombie its parent has not yet reaped
    /// (its state in `/proc/PID/stat`; without that file, only a process that is gone has ended,
    /// so a hung child is still stopped where `/proc` is not mounted).
    static func hasEnded(_ pid: Int32) -> Bool {
        guard let stat = try? InputFile.bytes("/proc/\(pid)/stat", what: "process status") else {
            return kill(pid, 0) == -1 && errno == ESRCH
        }
        // The state is the field after the command's name, which is in parentheses and may hold any byte.
        guard let close = stat.lastIndex(of: UInt8(ascii: ")")), close + 2 < stat.count else { return false }
        return [UInt8(ascii: "Z"), UInt8(ascii: "X")].contains(stat[close + 2])
    }

    /// A tool's executable: the file an override variable names, else the first on `PATH`.
    ///
    /// - Parameters:
    ///   - name: The executable's file name (`ocloc`).
    ///   - variable: The environment variable that names it instead (`KILN_OCLOC`).
    ///   - environment: The environment to read `variable` and `PATH` from.
    ///   - missing: The message when it is not on `PATH`: what needs it and how to install it.
    /// - Throws: `KilnError.toolchainUnavailable` for an override that is not executable, or with
    ///   `missing` when the tool is not on `PATH`.
    static func tool(_ name: String, override variable: String, environment: [String: String], missing: String) throws(KilnError) -> String {
        if let named = environment[variable], !named.isEmpty {
            guard isExecutable(named) else {
                throw KilnError(.toolchainUnavailable, "\(variable)='\(named)' is not an executable file — point it at \(name), or unset it")
            }
            return named
        }
        guard let found = find(name, path: environment["PATH"]) else { throw KilnError(.toolchainUnavailable, missing) }
        return found
    }

    /// The first executable of a name on a `PATH`, or nil.
    static func find(_ name: String, path: String?) -> String? {
        for folder in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(folder)/\(name)"
            if isExecutable(candidate) { return candidate }
        }
        return nil
    }

    /// Whether a path is a regular file this process may execute.
    static func isExecutable(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG && access(path, X_OK) == 0
    }
}

/// Runs a child with swift-subprocess and collects both streams (a free function: inside
/// ``ChildProcess``, `run` is its own method).
private func collect(_ child: ChildProcess, started: @Sendable (Int32) -> Void) async throws -> ChildProcess.Outcome {
    let variables = Dictionary(uniqueKeysWithValues: child.environment.map { (Environment.Key(stringLiteral: $0.key), $0.value) })
    let configuration = Configuration(
        executable: .path(FilePath(child.executable)),
        arguments: Arguments(child.arguments),
        environment: Environment.inherit.updating(variables),
        workingDirectory: child.directory.map { FilePath($0) }
    )
    let status: TerminationStatus, output: [UInt8], errorOutput: [UInt8]
    if child.combinesOutput {
        let result = try await run(configuration, input: .none, output: .bytes(limit: child.outputLimit),
                                   error: .combinedWithOutput) { execution in
            started(execution.processIdentifier.value)
        }
        (status, output, errorOutput) = (result.terminationStatus, result.standardOutput, [])
    } else {
        let result = try await run(configuration, input: .none, output: .bytes(limit: child.outputLimit),
                                   error: .bytes(limit: child.outputLimit)) { execution in
            started(execution.processIdentifier.value)
        }
        (status, output, errorOutput) = (result.terminationStatus, result.standardOutput, result.standardError)
    }
    switch status {
    case .exited(let code): return ChildProcess.Outcome(status: code, signal: nil, output: output, errorOutput: errorOutput)
    case .signaled(let signal): return ChildProcess.Outcome(status: signal, signal: signal, output: output, errorOutput: errorOutput)
    }
}
