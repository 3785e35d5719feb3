import Foundation
import KilnCompiler
import KilnCore
import Synchronization

/// Runs the `kiln` executable that the test build made, as a user would, and other programs the
/// tests need, through Kiln's one way to run a child (``ChildProcess``, over swift-subprocess).
public enum KilnProcess {
    /// What a run printed and how it ended.
    public struct Outcome: Sendable {
        /// The exit status; for a program a signal ended, the signal's number.
        public var status: Int32
        /// The signal that ended the program, or nil when it exited.
        public var signal: Int32?
        public var stdout: String
        /// Standard error; empty for a run that combined it with standard output.
        public var stderr: String
        /// Whether the program ran past its time limit and was killed: it hung.
        public var timedOut: Bool
    }

    /// How much a program may print to each stream before the run fails.
    public static let outputLimit = 256 << 20

    /// A program the test build made (`kiln`, `KilnCacheProbe`), beside the test bundle.
    public static func executable(_ name: String = "kiln") -> URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent(name)
    }

    /// A started program, to wait for.
    public final class Running: Sendable {
        let task: Task<Outcome, any Error>
        private let identifier: Identifier

        /// The child's process id, set once it runs.
        final class Identifier: Sendable {
            let value = Mutex<Int32?>(nil)
        }

        init(_ child: ChildProcess) {
            let identifier = Identifier()
            self.identifier = identifier
            task = Task { try await KilnProcess.outcome(child) { pid in identifier.value.withLock { $0 = pid } } }
        }

        /// The program's process id once it runs; nil before.
        public var processIdentifier: Int32? { identifier.value.withLock { $0 } }

        /// Waits for the program to end and returns what it printed.
        public func wait() async throws -> Outcome { try await task.value }
    }

    /// Starts a program the test build made with arguments and an environment (added to this
    /// process's); it is killed if it runs longer than `limit`, so a hang fails a test instead of
    /// stopping the suite.
    public static func start(_ arguments: [String], program: String = "kiln",
                             environment: [String: String] = [:], limit: Duration = .seconds(300)) -> Running {
        Running(child(executable(program).path, arguments, environment: environment.mapValues { $0 }, limit: limit))
    }

    /// Runs a program the test build made (by default `kiln`) to its end.
    public static func run(_ arguments: [String], program: String = "kiln",
                           environment: [String: String] = [:], limit: Duration = .seconds(300)) async throws -> Outcome {
        try await outcome(child(executable(program).path, arguments, environment: environment.mapValues { $0 }, limit: limit))
    }

    /// Runs any program (a path, or a name looked up on `PATH`) to its end; with `combined`, its
    /// standard error is in `stdout`, in order.
    public static func run(executable: String, _ arguments: [String], in directory: String? = nil,
                           environment: [String: String?] = [:], combined: Bool = false,
                           limit: Duration = .seconds(300)) async throws -> Outcome {
        var child = child(executable.hasPrefix("/") ? executable : "/usr/bin/env",
                          executable.hasPrefix("/") ? arguments : [executable] + arguments,
                          environment: environment, limit: limit)
        child.directory = directory
        child.combinesOutput = combined
        return try await outcome(child)
    }

    static func child(_ path: String, _ arguments: [String], environment: [String: String?], limit: Duration) -> ChildProcess {
        ChildProcess(executable: path, arguments: arguments, environment: environment, combinesOutput: false,
                     timeLimit: limit, outputLimit: outputLimit)
    }

    /// Runs a child; a run past its limit is an outcome with `timedOut`, not an error.
    static func outcome(_ child: ChildProcess, started: @escaping @Sendable (Int32) -> Void = { _ in }) async throws -> Outcome {
        do {
            let ended = try await child.run(started: started)
            return Outcome(status: ended.status, signal: ended.signal, stdout: ended.text, stderr: ended.errorText, timedOut: false)
        } catch let error where error.code == .timedOut {
            return Outcome(status: -1, signal: nil, stdout: "", stderr: error.message, timedOut: true)
        }
    }

    /// The project's root folder, found from a test source file's path.
    public static func projectRoot(from file: String = #filePath) -> URL {
        var url = URL(fileURLWithPath: file)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        return url
    }
}
