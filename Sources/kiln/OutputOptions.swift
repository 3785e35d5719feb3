import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The output options that every reporting command shares.
///
/// Under `--json` a command prints its result as one JSON value on stdout; a failure prints
/// `{"error": {"code": …, "message": …}}` on stderr and exits non-zero (``Kiln/fail(_:)``).
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON instead of text, for scripts.")
    var json = false

    /// Prints a value as pretty JSON with sorted keys.
    func printJSON(_ value: some Encodable) throws {
        print(try Self.json(value))
    }

    /// A value as pretty JSON with sorted keys; control characters in strings come out escaped.
    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
