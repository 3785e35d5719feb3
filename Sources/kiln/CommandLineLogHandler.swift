import KilnCore
import KilnRuntime
import Logging

/// How the `kiln` command shows what its libraries log through swift-log: a warning or an error
/// as one `kiln: warning: …` line on stderr, as the command's own messages read; nothing below.
///
/// The libraries only log. A program that links them decides where that goes through its own
/// swift-log setup (swift-log's default writes each message to stderr with a timestamp); this is
/// the command's.
struct CommandLineLogHandler: LogHandler {
    /// The logger's label: `kiln.cache`, `kiln.resolution`.
    let label: String
    var logLevel: Logger.Level = .warning
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    /// Makes every logger of the process write through this handler; called once, first thing in `main`.
    static func bootstrap() {
        LoggingSystem.bootstrap { label in CommandLineLogHandler(label: label) }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let word = event.level >= .error ? "error" : "warning"
        StandardError.write("kiln: \(word): \(event.message.description.terminalSafe(multiline: true))\n")
    }
}
