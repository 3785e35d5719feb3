import ArgumentParser
import KilnCore
import KilnRuntime
#if canImport(Glibc)
import Glibc
#endif

/// The `kiln` command: compiles compute kernels ahead of time and explains what runs where.
@main
struct Kiln: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiln",
        abstract: "Compile compute kernels ahead of time for a list of devices, and explain what each device will load.",
        version: KilnVersion.current,
        subcommands: [BuildCommand.self, MergeCommand.self, TargetsCommand.self, InspectCommand.self, ExtractCommand.self, ExplainCommand.self, DevicesCommand.self, VerifyCommand.self, CacheCommand.self, KeygenCommand.self, SignCommand.self,
                      PoCLCompileCommand.self]
    )

    /// Runs the command the arguments name; a failure ends the process through ``fail(_:)``.
    ///
    /// First, before anything else runs, it asks PoCL for generic work-group functions (a `setenv`,
    /// so here and nowhere in the library) and shows the libraries' warnings as `kiln: warning:`
    /// lines; last, with `KILN_REPORT=1`, it writes every resolution the command made to stderr.
    static func main() async {
        OpenCLRuntime.preferGenericWorkGroups()
        CommandLineLogHandler.bootstrap()
        do {
            var command = try parseAsRoot(splittingJoinedValues(Array(CommandLine.arguments.dropFirst())))
            if var command = command as? AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
            ResolutionLog.shared.writeReportIfAsked()
        } catch {
            fail(error)
        }
    }

    /// The arguments with a joined `-DNAME=VALUE` or `-Ifolder=…` split in two (`-D`, `NAME=VALUE`),
    /// as compilers take them: the argument parser reads `-DNAME=VALUE` as an option `-DNAME` with
    /// the value `VALUE`. Arguments after `--` are left alone.
    static func splittingJoinedValues(_ arguments: [String]) -> [String] {
        let end = arguments.firstIndex(of: "--") ?? arguments.endIndex
        return arguments[..<end].flatMap { argument -> [String] in
            guard argument.count > 2, argument.hasPrefix("-D") || argument.hasPrefix("-I"), argument.contains("=") else { return [argument] }
            return [String(argument.prefix(2)), String(argument.dropFirst(2))]
        } + arguments[end...]
    }

    /// Ends the process for an error: its message once on stderr (as a JSON object
    /// `{"error": {"code": …, "message": …}}` under `--json`), then a non-zero exit.
    ///
    /// A `KilnError` prints its message alone, with control characters escaped: the message
    /// already says the cause. An `ExitCode` exits quietly (the command has reported), and help,
    /// version and usage errors without `--json` are the argument parser's.
    static func fail(_ error: any Error) -> Never {
        ResolutionLog.shared.writeReportIfAsked()
        if let exitCode = error as? ExitCode { Glibc.exit(exitCode.rawValue) }
        let json = CommandLine.arguments.dropFirst().prefix { $0 != "--" }.contains("--json")
        let code: String, message: String
        if let error = error as? KilnError {
            (code, message) = (error.code.description, error.message)
        } else {
            let status = exitCode(for: error)
            guard json, !status.isSuccess else { exit(withError: error) }
            code = status == .validationFailure ? "\(KilnError.Code.invalidArgument)" : "failed"
            message = self.message(for: error)
        }
        if json, let object = try? OutputOptions.json(["error": ["code": code, "message": message]]) {
            StandardError.write(object + "\n")
        } else {
            // A message already placed as a compiler places one (`kiln.json:1:13: error: …`) stands
            // alone, so SwiftPM and editors show it at that line.
            let prefix = isDiagnostic(message) ? "" : "Error: "
            StandardError.write("\(prefix)\(message.terminalSafe(multiline: true))\n")
        }
        Glibc.exit(EXIT_FAILURE)
    }

    /// Whether a message opens as a compiler's diagnostic does: `PATH:LINE:COLUMN: error: `.
    static func isDiagnostic(_ message: String) -> Bool {
        guard let range = message.prefix(while: { $0 != "\n" }).firstRange(of: ": error: ") else { return false }
        let place = message[..<range.lowerBound].split(separator: ":", omittingEmptySubsequences: false)
        return place.count >= 3 && place.suffix(2).allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) }
    }
}
