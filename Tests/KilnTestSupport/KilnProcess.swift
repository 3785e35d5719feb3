import Foundation

/// Runs the `kiln` executable that the test build made, as a user would.
public enum KilnProcess {
    /// What a run printed and how it ended.
    public struct Outcome: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
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

        /// Waits for the program to end and returns what it printed.
        public func wait() -> Outcome {
            // Read both pipes before waiting, so a full pipe cannot block the child.
            let stdout = out.fileHandleForReading.readDataToEndOfFile()
            let stderr = err.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return Outcome(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                           stderr: String(decoding: stderr, as: UTF8.self))
        }
    }

    /// Starts a program with arguments and an environment (added to this process's).
    public static func start(_ arguments: [String], program: String = "kiln",
                             environment: [String: String] = [:]) throws -> Running {
        let running = Running()
        running.process.executableURL = executable(program)
        running.process.arguments = arguments
        running.process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        running.process.standardOutput = running.out
        running.process.standardError = running.err
        try running.process.run()
        return running
    }

    /// Runs a program (by default `kiln`) to its end.
    public static func run(_ arguments: [String], program: String = "kiln",
                           environment: [String: String] = [:]) throws -> Outcome {
        try start(arguments, program: program, environment: environment).wait()
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
