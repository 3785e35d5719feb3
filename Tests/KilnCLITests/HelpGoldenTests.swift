import ArgumentParser
import Foundation
@testable import kiln
import KilnTestSupport
import Testing

/// `--help` of every command, against golden files in Tests/KilnCLITests/Golden.
/// After a deliberate change, run with KILN_UPDATE_GOLDEN=1 to rewrite them, and review the diff.
@Suite("Help text")
struct HelpGoldenTests {
    static let commands: [(String, any ParsableCommand.Type)] = [
        ("kiln", Kiln.self),
        ("build", BuildCommand.self),
        ("merge", MergeCommand.self),
        ("targets", TargetsCommand.self),
        ("inspect", InspectCommand.self),
        ("extract", ExtractCommand.self),
        ("explain", ExplainCommand.self),
        ("devices", DevicesCommand.self),
        ("verify", VerifyCommand.self),
        ("cache", CacheCommand.self),
        ("cache-warm", CacheCommand.Warm.self),
        ("keygen", KeygenCommand.self),
        ("sign", SignCommand.self),
    ]

    @Test("--help matches its golden file", arguments: commands.map(\.0))
    func help(_ name: String) throws {
        let command = try #require(Self.commands.first { $0.0 == name }?.1)
        let text = Kiln.helpMessage(for: command, columns: 100) + "\n"
        let golden = KilnProcess.projectRoot().appendingPathComponent("Tests/KilnCLITests/Golden/\(name).txt")
        if ProcessInfo.processInfo.environment["KILN_UPDATE_GOLDEN"] == "1" {
            try text.write(to: golden, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: golden, encoding: .utf8)
        #expect(text == expected, "help of '\(name)' changed; rerun with KILN_UPDATE_GOLDEN=1 if that was meant")
    }

    @Test("every option's help is one sentence ending in a period", arguments: commands.map(\.0))
    func helpStyle(_ name: String) throws {
        let command = try #require(Self.commands.first { $0.0 == name }?.1)
        let text = Kiln.helpMessage(for: command, columns: 1000)
        let optionLines = text.split(separator: "\n").filter { $0.hasPrefix("  -") || $0.hasPrefix("  <") }
        #expect(!optionLines.isEmpty || name == "kiln")
        for line in optionLines {
            let help = line.split(separator: "  ", omittingEmptySubsequences: true).dropFirst().joined(separator: " ")
            guard !help.isEmpty, !help.contains("(default:") || help.hasSuffix(")") else { continue }
            #expect(help.hasSuffix(".") || help.hasSuffix(")"), "'\(help)' should end with a period")
        }
    }

    @Test("`kiln help cache` and the README give the same order of cache layers: local first, then read-only")
    func cacheLayerOrder() throws {
        let help = Kiln.helpMessage(for: CacheCommand.self, columns: 1000)
        let readme = try String(contentsOf: KilnProcess.projectRoot().appendingPathComponent("README.md"), encoding: .utf8)
        #expect(help.contains("a read-only layer in KILN_CACHE_READONLY is read after it"), "\(help)")
        #expect(readme.contains("| `KILN_CACHE_READONLY` | a read-only second JIT cache layer"))
        #expect(readme.contains("read after the local one"))
    }
}
