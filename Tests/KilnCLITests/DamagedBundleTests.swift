import Foundation
import KilnTestSupport
import Testing

/// Every command that takes a bundle, run over damaged bundles: each must exit non-zero with the
/// error on stderr (a JSON error object under `--json`) and nothing on stdout.
@Suite("kiln over damaged bundles: exit status and streams")
struct DamagedBundleTests {
    /// The commands that take a bundle, with `FILE` where it goes.
    static let commands: [[String]] = [
        ["inspect", "FILE"], ["explain", "FILE", "--device", "A100"], ["verify", "FILE"], ["devices", "FILE"], ["cache", "warm", "FILE"],
    ]

    /// A good bundle's bytes, and damaged copies of it, by name.
    static func damaged() throws -> [(name: String, bytes: [UInt8])] {
        let good = try SyntheticBundle.bytes(modules: ["saxpy", "gemm"], deviceList: "sm_80,cpu")
        var generator = SplitMix64(seed: 16)
        var damaged: [(String, [UInt8])] = [
            ("empty", []),
            ("magic only", Array(good.prefix(8))),
            ("half", Array(good.prefix(good.count / 2))),
            ("one byte short", Array(good.dropLast())),
            ("one byte more", good + [0]),
            ("random bytes", (0..<4096).map { _ in UInt8(truncatingIfNeeded: generator.next()) }),
            ("random after the magic", Array(good.prefix(8)) + (0..<4096).map { _ in UInt8(truncatingIfNeeded: generator.next()) }),
        ]
        // One flipped byte in the header, in the image table, and at eighths of the file.
        for offset in [9, 40, 140, 170, 250] + (1..<8).map({ good.count * $0 / 8 }) {
            var bytes = good
            bytes[offset] ^= 0x5A
            damaged.append(("byte \(offset) flipped", bytes))
        }
        return damaged
    }

    @Test("each command fails on each damaged bundle that inspect rejects: non-zero, stderr only, JSON error under --json")
    func everyCommand() async throws {
        let folder = try SpecialFiles.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let environment = ["KILN_CACHE_DIR": folder + "/cache"]
        var rejected = 0
        for (index, damage) in try Self.damaged().enumerated() {
            let path = folder + "/damaged-\(index).kiln"
            try Data(damage.bytes).write(to: URL(fileURLWithPath: path))
            // A flip inside an image's bytes is found only when the image is read: not these commands' job.
            guard try await KilnProcess.run(["inspect", path], environment: environment).status != 0 else { continue }
            rejected += 1
            for command in Self.commands {
                let arguments = command.map { $0 == "FILE" ? path : $0 }
                let text = try await KilnProcess.run(arguments, environment: environment, limit: .seconds(60))
                let what = "kiln \(command.joined(separator: " ")) on \(damage.name)"
                #expect(!text.timedOut, "\(what) hung")
                #expect(text.status != 0, "\(what) exited 0")
                #expect(text.stdout.isEmpty, "\(what) printed on stdout: \(text.stdout)")
                #expect(text.stderr.hasPrefix("Error: ") && text.stderr.contains(path), "\(what): \(text.stderr)")
                let json = try await KilnProcess.run(arguments + ["--json"], environment: environment, limit: .seconds(60))
                #expect(json.status != 0, "\(what) --json exited 0")
                #expect(json.stdout.isEmpty, "\(what) --json printed on stdout: \(json.stdout)")
                let object = try JSONSerialization.jsonObject(with: Data(json.stderr.utf8)) as? [String: Any]
                let error = object?["error"] as? [String: Any]
                #expect(["corruptBundle", "unsupportedBundleVersion", "io"].contains(error?["code"] as? String ?? ""),
                        "\(what) --json: \(json.stderr)")
                #expect((error?["message"] as? String)?.contains(path) == true, "\(what) --json: \(json.stderr)")
            }
        }
        #expect(rejected >= 10, "inspect rejected only \(rejected) damaged bundles")
    }

    @Test("errors under --json are one JSON object on stderr, whatever failed")
    func jsonErrors() async throws {
        let unknown = try await KilnProcess.run(["targets", "pvc,ats-m15", "--json"])
        #expect(unknown.status != 0)
        #expect(unknown.stdout.isEmpty)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(unknown.stderr.utf8)) as? [String: [String: String]])
        #expect(object["error"]?["code"] == "unknownDevice")
        #expect(object["error"]?["message"]?.contains("did you mean 'ats-m150'?") == true)
        let usage = try await KilnProcess.run(["explain", "--json"])
        #expect(usage.status != 0)
        let usageObject = try #require(try JSONSerialization.jsonObject(with: Data(usage.stderr.utf8)) as? [String: [String: String]])
        #expect(usageObject["error"]?["code"] == "invalidArgument")
    }

    @Test("a source image over the 64 MiB bound is refused before a JIT compiles it",
          .enabled(if: FileManager.default.fileExists(atPath: "/etc/OpenCL/vendors/pocl.icd"), "needs PoCL's cpu device to JIT for"))
    func oversizedSource() async throws {
        let folder = try SpecialFiles.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/big.kiln"
        try SyntheticBundle.writer(modules: ["big"], deviceList: "sm_80,no-ptx", imageSize: 65 << 20).write(to: path)
        let run = try await KilnProcess.run(["verify", path, "--jit", "always"], environment: ["KILN_CACHE_DIR": folder + "/cache"])
        #expect(run.status != 0)
        #expect((run.stdout + run.stderr).contains("the source image big × source claims \(65 << 20) bytes, over the 64 MiB a JIT compiles"),
                "\(run.stdout)\(run.stderr)")
    }
}
