import Foundation
import KilnTestSupport
import Testing

/// Names that came from a bundle, the environment or an argument reach the terminal with their
/// control characters escaped, in output and in errors.
@Suite("kiln output: control characters escaped")
struct TerminalOutputTests {
    /// A module name that would retitle the window and clear the screen, printed raw.
    static let evil = "evil\u{1B}]0;pwned\u{07}\u{1B}[2J\u{9B}31m"
    static let escaped = "evil\\u{1B}]0;pwned\\u{7}\\u{1B}[2J\\u{9B}31m"

    static func isRaw(_ text: String) -> Bool {
        text.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) }
    }

    @Test("a bundle's module and kernel names are escaped by every command that prints them", arguments: [
        ["inspect", "FILE", "--images"], ["explain", "FILE", "--device", "A100"], ["verify", "FILE"], ["devices", "FILE"], ["cache", "warm", "FILE"],
    ])
    func bundleNames(_ command: [String]) async throws {
        let folder = try SpecialFiles.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/evil.kiln"
        try SyntheticBundle.writer(modules: [Self.evil], deviceList: "sm_80").write(to: path)
        let run = try await KilnProcess.run(command.map { $0 == "FILE" ? path : $0 }, environment: ["KILN_CACHE_DIR": folder + "/cache"])
        #expect(!Self.isRaw(run.stdout), "stdout: \(run.stdout.debugDescription)")
        #expect(!Self.isRaw(run.stderr), "stderr: \(run.stderr.debugDescription)")
        if command[0] == "inspect" || command[0] == "explain" {
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.contains(Self.escaped), "\(run.stdout)")
        }
    }

    @Test("a device name with control characters is escaped in the error, in both places it appears")
    func deviceName() async throws {
        let folder = try SpecialFiles.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/app.kiln"
        try SyntheticBundle.writer(modules: ["m"], deviceList: "sm_80").write(to: path)
        let run = try await KilnProcess.run(["explain", path, "--device", "sm_80\u{1B}[8m"])
        #expect(run.status != 0)
        #expect(!Self.isRaw(run.stderr), "stderr: \(run.stderr.debugDescription)")
        #expect(run.stderr.contains("sm_80\\u{1B}[8m"), "\(run.stderr)")
    }

    @Test("a device list from the environment is escaped in the error")
    func environmentList() async throws {
        let folder = try SpecialFiles.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "kernel void k(global float* x) {}\n".write(toFile: folder + "/k.cl", atomically: false, encoding: .utf8)
        let run = try await KilnProcess.run(["build", folder, "-o", folder + "/app.kiln"],
                                      environment: ["KILN_AOT_DEVLIST": "pvc,\u{1B}]0;title\u{07}"])
        #expect(run.status != 0)
        #expect(!Self.isRaw(run.stderr), "stderr: \(run.stderr.debugDescription)")
        #expect(run.stderr.contains("\\u{1B}]0;title\\u{7}"), "\(run.stderr)")
    }
}
