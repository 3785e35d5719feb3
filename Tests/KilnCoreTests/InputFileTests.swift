import Foundation
import KilnCore
import KilnTestSupport
import Testing

@Suite("input files: only regular files are read")
struct InputFileTests {
    @Test("a regular file is read whole")
    func regular() throws {
        let folder = try SpecialFiles.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let bytes = (0..<200_000).map { UInt8(truncatingIfNeeded: $0) }
        try Data(bytes).write(to: URL(fileURLWithPath: folder + "/k.bin"))
        #expect(try InputFile.bytes(folder + "/k.bin", what: "kernel source") == bytes)
    }

    @Test("a FIFO with no writer is refused at once, naming it, instead of blocking")
    func fifo() throws {
        let folder = try SpecialFiles.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = try SpecialFiles.fifo(in: folder, name: "k.cl")
        let error = try #require(throws: KilnError.self) { try InputFile.text(path, what: "kernel source") }
        #expect(error.code == .io)
        #expect(error.message == "cannot read kernel source '\(path)': it is a FIFO (named pipe), not a regular file — give the path of a kernel source file")
    }

    @Test("a device node is refused before it is opened", .enabled(if: SpecialFiles.canMakeDeviceNodes, "needs root to mknod"))
    func device() throws {
        let folder = try SpecialFiles.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = try SpecialFiles.deviceNode(in: folder, name: "k.cl")
        let error = try #require(throws: KilnError.self) { try InputFile.text(path, what: "kernel source") }
        #expect(error.message.contains("it is a character device, not a regular file"))
    }

    @Test("a folder and a missing file are refused with the path and the reason")
    func folderAndMissing() throws {
        let folder = try SpecialFiles.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let dir = try #require(throws: KilnError.self) { try InputFile.bytes(folder, what: "kernel source") }
        #expect(dir.message.contains("it is a folder"))
        let missing = try #require(throws: KilnError.self) { try InputFile.bytes(folder + "/none.cl", what: "kernel source") }
        #expect(missing.message == "cannot read kernel source '\(folder)/none.cl': No such file or directory — check the path")
    }

    @Test("bytes that are not UTF-8 are refused with a fix")
    func binary() throws {
        let folder = try SpecialFiles.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data([0x7F, 0x45, 0x4C, 0x46, 0xFF, 0xFE, 0x00]).write(to: URL(fileURLWithPath: folder + "/k.cl"))
        let error = try #require(throws: KilnError.self) { try InputFile.text(folder + "/k.cl", what: "kernel source") }
        #expect(error.code == .invalidArgument)
        #expect(error.message.contains("is not UTF-8 text — "))
        #expect(error.message.contains("convert it to UTF-8"))
    }
}
