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

    /// A tool's executable: the file an override variable names, else the first on `PATH`.
    ///
    /// - Throws: `KilnError.toolchainUnavailable` for an override that is not executable, or with
    ///   `missing` when the tool is not on `PATH`.
    static func tool(_ name: String, override variable: String, environment: [String: String], missing: String) throws -> String {
        if let named = environment[variable], !named.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: named) else {
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
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
