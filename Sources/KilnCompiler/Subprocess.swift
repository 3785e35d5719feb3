#if canImport(FoundationEssentials)
import FoundationEssentials
#endif
import Foundation
import KilnCore

/// Runs a command line tool and collects what it printed, stdout and stderr together.
struct Subprocess: Sendable {
    /// The tool's exit status and output.
    struct Output: Sendable {
        var status: Int32
        var text: String
    }

    /// The executable's path.
    let executable: String

    /// Runs the tool with arguments in a folder and waits for it.
    ///
    /// - Throws: `KilnError.toolchainUnavailable` if the tool cannot be started.
    func run(_ arguments: [String], in directory: String? = nil) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw KilnError(.toolchainUnavailable, "cannot run '\(executable)': \(error) — check that it is installed and executable", cause: error)
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, text: String(decoding: data, as: UTF8.self))
    }

    /// The first executable of a name on a `PATH`, or nil.
    static func find(_ name: String, path: String?) -> String? {
        for folder in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
