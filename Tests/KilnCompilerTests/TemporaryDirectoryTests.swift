import Foundation
@testable import KilnCompiler
import KilnCore
import Testing

/// A compile's private folder and the files written into it.
@Suite("Temporary directory")
struct TemporaryDirectoryTests {
    @Test("a compile's file is written whole, private to this user, replacing what was there; the folder goes when the body returns")
    func writesWhole() async throws {
        let kept = try await TemporaryDirectory.with(prefix: "kiln-test") { (folder) async throws(KilnError) -> String in
            let path = folder + "/m.cl"
            try TemporaryDirectory.write(Array("an older, longer text".utf8), to: path)
            try TemporaryDirectory.write(Array("kernel void k() {}\n".utf8), to: path)
            #expect(FileManager.default.contents(atPath: path) == Data("kernel void k() {}\n".utf8))
            let mode = (try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1
            #expect(mode & 0o077 == 0, "mode \(String(mode, radix: 8))")
            return folder
        }
        #expect(!FileManager.default.fileExists(atPath: kept))
    }

    @Test("a file that cannot be written is an io error naming the path; a symbolic link in its place is not followed")
    func refuses() async throws {
        let missing = "/nonexistent-kiln-folder/m.cl"
        let error = try #require(throws: KilnError.self) { try TemporaryDirectory.write([1, 2, 3], to: missing) }
        #expect(error.code == .io && error.message.contains(missing))
        try await TemporaryDirectory.with(prefix: "kiln-test") { (folder) async throws(KilnError) in
            let target = folder + "/target", link = folder + "/m.cl"
            #expect(FileManager.default.createFile(atPath: target, contents: Data("kept".utf8)))
            #expect((try? FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)) != nil)
            #expect(throws: KilnError.self) { try TemporaryDirectory.write([1, 2, 3], to: link) }
            #expect(FileManager.default.contents(atPath: target) == Data("kept".utf8))
        }
    }
}
