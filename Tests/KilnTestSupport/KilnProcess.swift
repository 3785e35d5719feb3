import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Runs the `kiln` executable that the test build made, as a user would.
public enum KilnProcess {
    /// What a run printed and how it ended.
    public struct Outcome: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        /// Whether the program ran past its time limit and was killed: it hung.
        public var timedOut: Bool
    }

    /// A program the test build made (`kiln`, `KilnCacheProbe`), beside the test bundle.
    public static func executable(_ name: String = "kiln") -> URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent(name)
    }

    /// A started program, to wait for.
    public final class Running: @unchecked Sendable {
        public let process = Process()
        let out = Pipe(), err = Pipe()
        let killed = Mutex(false)

        /// Kills the program (SIGKILL) if it is still running after `limit`.
        func kill(after limit: Duration) {
            let seconds = Double(limit.components.seconds)
            DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { [self] in
                guard process.isRunning else { return }
                killed.withLock { $0 = true }
                Glibc.kill(process.processIdentifier, SIGKILL)
            }
        }

        /// Waits for the program to end and returns what it printed.
        public func wait() -> Outcome {
            // Read both pipes at once, before waiting, so that neither can fill and block the child.
            final class Box: @unchecked Sendable { var data = Data() }
            let stderrBox = Box()
            let done = DispatchSemaphore(value: 0)
            let errReader = err.fileHandleForReading
            DispatchQueue.global().async {
                stderrBox.data = errReader.readDataToEndOfFile()
                done.signal()
            }
            let stdout = out.fileHandleForReading.readDataToEndOfFile()
            done.wait()
            let stderr = stderrBox.data
            process.waitUntilExit()
            return Outcome(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                           stderr: String(decoding: stderr, as: UTF8.self), timedOut: killed.withLock { $0 })
        }
    }

    /// Starts a program with arguments and an environment (added to this process's); it is killed
    /// if it runs longer than `limit`, so a hang fails a test instead of stopping the suite.
    public static func start(_ arguments: [String], program: String = "kiln",
                             environment: [String: String] = [:], limit: Duration = .seconds(300)) throws -> Running {
        let running = Running()
        running.process.executableURL = executable(program)
        running.process.arguments = arguments
        running.process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        running.process.standardOutput = running.out
        running.process.standardError = running.err
        try running.process.run()
        running.kill(after: limit)
        return running
    }

    /// Runs a program (by default `kiln`) to its end.
    public static func run(_ arguments: [String], program: String = "kiln",
                           environment: [String: String] = [:], limit: Duration = .seconds(300)) throws -> Outcome {
        try start(arguments, program: program, environment: environment, limit: limit).wait()
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
