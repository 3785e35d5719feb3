import Foundation
import KilnCore
import KilnTestSupport
import Testing

@Suite("output files: written whole, and only over regular files")
struct OutputFileTests {
    static let bytes = Array("KILNBNDL and more".utf8)

    static func contents(_ path: String) -> [UInt8]? {
        (try? Data(contentsOf: URL(fileURLWithPath: path))).map(Array.init)
    }

    @Test("a new file and an existing regular file are written, and no temporary file is left")
    func regular() throws {
        let folder = try SpecialFiles.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try OutputFile.write(Self.bytes, to: folder + "/app.kiln", inputs: [], what: "bundle")
        #expect(Self.contents(folder + "/app.kiln") == Self.bytes)
        try OutputFile.write([1, 2, 3], to: folder + "/app.kiln", inputs: [], what: "bundle")
        #expect(Self.contents(folder + "/app.kiln") == [1, 2, 3])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["app.kiln"])
    }

    @Test("a private device node is refused and stays a device", .enabled(if: SpecialFiles.canMakeDeviceNodes, "needs root to mknod"))
    func device() throws {
        let folder = try SpecialFiles.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = try SpecialFiles.deviceNode(in: folder)
        let error = try #require(throws: KilnError.self) { try OutputFile.write(Self.bytes, to: path, inputs: [], what: "bundle") }
        #expect(error.message == "'\(path)' is a character device, not a regular file — Kiln replaces only regular files; give the bundle a new path or a regular file's")
        #expect(SpecialFiles.type(of: path) == S_IFCHR)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["null"], "no temporary file is left")
    }

    @Test("a FIFO and a folder are refused, and stay what they were")
    func fifoAndFolder() throws {
        let folder = try SpecialFiles.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let fifo = try SpecialFiles.fifo(in: folder)
        let pipe = try #require(throws: KilnError.self) { try OutputFile.write(Self.bytes, to: fifo, inputs: [], what: "bundle") }
        #expect(pipe.message.contains("is a FIFO (named pipe), not a regular file"))
        #expect(SpecialFiles.type(of: fifo) == S_IFIFO)
        let dir = try #require(throws: KilnError.self) { try OutputFile.write(Self.bytes, to: folder, inputs: [], what: "bundle") }
        #expect(dir.message == "'\(folder)' is a folder — give the path of the bundle file, e.g. '\(folder)/app.kiln'")
    }

    @Test("an input given as the output, by a hard link, a symbolic link or another spelling, is refused and kept")
    func inputAsOutput() throws {
        let folder = try SpecialFiles.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let source = folder + "/k.cl"
        let text = Array("kernel void k(global float* x) {}".utf8)
        try Data(text).write(to: URL(fileURLWithPath: source))
        try FileManager.default.linkItem(atPath: source, toPath: folder + "/hard.kiln")
        try FileManager.default.createSymbolicLink(atPath: folder + "/soft.kiln", withDestinationPath: source)
        for output in [source, folder + "/./k.cl", folder + "/hard.kiln", folder + "/soft.kiln"] {
            let error = try #require(throws: KilnError.self) { try OutputFile.write(Self.bytes, to: output, inputs: [source], what: "bundle") }
            #expect(error.message == "'\(output)' is the input '\(source)' — writing the bundle there would destroy it; give the bundle another path")
        }
        #expect(Self.contents(source) == text)
    }

    @Test("a symbolic link to another file is refused, not replaced or written through")
    func symbolicLink() throws {
        let folder = try SpecialFiles.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data([9]).write(to: URL(fileURLWithPath: folder + "/real.kiln"))
        try FileManager.default.createSymbolicLink(atPath: folder + "/link.kiln", withDestinationPath: folder + "/real.kiln")
        let error = try #require(throws: KilnError.self) { try OutputFile.write(Self.bytes, to: folder + "/link.kiln", inputs: [], what: "bundle") }
        #expect(error.message.contains("is a symbolic link"))
        #expect(Self.contents(folder + "/real.kiln") == [9])
    }

    @Test("a missing folder is one line: the path, the system's reason and the fix")
    func missingFolder() throws {
        let folder = try SpecialFiles.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/no/such/app.kiln"
        let error = try #require(throws: KilnError.self) { try OutputFile.write(Self.bytes, to: path, inputs: [], what: "bundle") }
        #expect(error.code == .io)
        #expect(error.message == "cannot write bundle '\(path)': No such file or directory — create the folder '\(folder)/no/such' first, or write the bundle elsewhere")
        #expect(error.cause == nil, "the message carries the cause; printing both would say it twice")
    }

    @Test("a read-only folder is refused with the reason and the fix", .enabled(if: getuid() != 0, "root writes into read-only folders"))
    func readOnly() throws {
        let folder = try SpecialFiles.folder()
        defer { chmod(folder, 0o755); try? FileManager.default.removeItem(atPath: folder) }
        chmod(folder, 0o555)
        let error = try #require(throws: KilnError.self) { try OutputFile.write(Self.bytes, to: folder + "/app.kiln", inputs: [], what: "bundle") }
        #expect(error.message == "cannot write bundle '\(folder)/app.kiln': Permission denied — write the bundle into a folder you can write to")
    }
}
