import Foundation
import KilnTestSupport
import Testing

/// `kiln build` with outputs and sources that are not regular files, or are each other: refused,
/// in one line on stderr, without blocking, leaving every file as it was.
@Suite("kiln build: output and source paths")
struct PathSafetyTests {
    static let text = "kernel void scale(global float* x, float a) { x[get_global_id(0)] *= a; }\n"

    /// A folder holding one kernel source, `k.cl`.
    static func sources() throws -> String {
        let folder = try SpecialFiles.folder()
        try text.write(toFile: folder + "/k.cl", atomically: false, encoding: .utf8)
        return folder
    }

    /// Runs `kiln build` and checks that it failed with one line on stderr and nothing on stdout.
    static func refused(_ arguments: [String], saying needle: String) async throws {
        let run = try await KilnProcess.run(["build"] + arguments + ["--devices", "sm_80", "--no-cache"], limit: .seconds(60))
        #expect(!run.timedOut, "kiln build \(arguments) hung")
        #expect(run.status != 0)
        #expect(run.stdout.isEmpty)
        let lines = run.stderr.split(separator: "\n")
        #expect(lines.count == 1, "one line, not a dump: \(run.stderr)")
        #expect(run.stderr.contains(needle), "\(run.stderr)")
        #expect(!run.stderr.contains("cause:") && !run.stderr.contains("Error Domain"), "\(run.stderr)")
    }

    @Test("-o a private device node (a copy of /dev/null's numbers) is refused and stays a device",
          .enabled(if: SpecialFiles.canMakeDeviceNodes, "needs root to mknod"))
    func outputDevice() async throws {
        let folder = try Self.sources()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let node = try SpecialFiles.deviceNode(in: folder)
        try await Self.refused([folder + "/k.cl", "-o", node], saying: "'\(node)' is a character device, not a regular file")
        #expect(SpecialFiles.type(of: node) == S_IFCHR)
    }

    @Test("-o a FIFO or a folder is refused, and each stays what it was")
    func outputFIFOAndFolder() async throws {
        let folder = try Self.sources()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let fifo = try SpecialFiles.fifo(in: folder)
        try await Self.refused([folder + "/k.cl", "-o", fifo], saying: "'\(fifo)' is a FIFO (named pipe), not a regular file")
        #expect(SpecialFiles.type(of: fifo) == S_IFIFO)
        try await Self.refused([folder + "/k.cl", "-o", folder], saying: "'\(folder)' is a folder — give the path of the bundle file")
    }

    @Test("-o one of the inputs, by its path, a hard link or a symbolic link, is refused and the source is kept")
    func outputIsInput() async throws {
        let folder = try Self.sources()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let source = folder + "/k.cl"
        try FileManager.default.linkItem(atPath: source, toPath: folder + "/hard.kiln")
        try FileManager.default.createSymbolicLink(atPath: folder + "/soft.kiln", withDestinationPath: source)
        for output in [source, folder + "/hard.kiln", folder + "/soft.kiln"] {
            try await Self.refused([folder, "-o", output], saying: "'\(output)' is the input '\(source)'")
        }
        #expect(try String(contentsOfFile: source, encoding: .utf8) == Self.text)
    }

    @Test("-o into a missing folder says the path, the reason and the fix in one line")
    func outputMissingFolder() async throws {
        let folder = try Self.sources()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let output = folder + "/out/app.kiln"
        try await Self.refused([folder + "/k.cl", "-o", output],
                         saying: "cannot write bundle '\(output)': No such file or directory — create the folder '\(folder)/out' first")
    }

    @Test("a FIFO as a kernel source is refused at once, without waiting for a writer")
    func sourceFIFO() async throws {
        let folder = try Self.sources()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let fifo = try SpecialFiles.fifo(in: folder, name: "pipe.cl")
        try await Self.refused([fifo, "-o", folder + "/app.kiln"], saying: "'\(fifo)': it is a FIFO (named pipe), not a regular file")
        // A folder holding a FIFO among its sources is refused the same way.
        try await Self.refused([folder, "-o", folder + "/app.kiln"], saying: "it is a FIFO (named pipe)")
    }

    @Test("a device node as a kernel source is refused before it is opened",
          .enabled(if: SpecialFiles.canMakeDeviceNodes, "needs root to mknod"))
    func sourceDevice() async throws {
        let folder = try Self.sources()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let node = try SpecialFiles.deviceNode(in: folder, name: "null.cl")
        try await Self.refused([node, "-o", folder + "/app.kiln"], saying: "'\(node)': it is a character device, not a regular file")
    }

    @Test("a binary .cl is 'not UTF-8 text', with a fix")
    func binarySource() async throws {
        let folder = try SpecialFiles.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data([0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0xFF, 0xFE]).write(to: URL(fileURLWithPath: folder + "/k.cl"))
        try await Self.refused([folder + "/k.cl", "-o", folder + "/app.kiln"], saying: "is not UTF-8 text — a kernel source must be text; if this is the right file, convert it to UTF-8")
    }
}
