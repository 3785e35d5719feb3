import Foundation
import KilnTestSupport
import Testing

/// `kiln build`'s cache in the store it shares with the JIT cache: damaged entries are never
/// embedded, KILN_CACHE_MAX_BYTES bounds it, and `kiln cache` lists and counts its entries.
@Suite("Build cache: kiln build and kiln cache")
struct BuildCacheCLITests {
    /// One module, built for the portable forms only (`--devices none`): three images, no GPU toolchain.
    static func module() throws -> String {
        let folder = try SpecialFiles.folder()
        try "kernel void k(global float* x) { x[get_global_id(0)] = 2.0f * x[get_global_id(0)]; }\n"
            .write(toFile: folder + "/k.cl", atomically: false, encoding: .utf8)
        return folder
    }

    static func build(_ folder: String, _ output: String, _ environment: [String: String]) async throws -> KilnProcess.Outcome {
        try await KilnProcess.run(["build", folder + "/k.cl", "--devices", "none", "-o", folder + "/" + output], environment: environment)
    }

    /// The entry files of the store's build folder.
    static func buildEntries(_ root: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: root + "/build").filter { $0.hasSuffix(".kbuild") }.map { root + "/build/" + $0 }
    }

    static func json(_ text: String) throws -> Any { try JSONSerialization.jsonObject(with: Data(text.utf8)) }

    @Test("damaged build-cache entries are dropped, not used: the rebuild compiles again and the bundle is the same")
    func damagedEntries() async throws {
        let folder = try Self.module()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let environment = ["KILN_CACHE_DIR": folder + "/cache"]
        let first = try await Self.build(folder, "one.kiln", environment)
        #expect(first.status == 0, "\(first.stderr)")
        let entries = try Self.buildEntries(folder + "/cache")
        #expect(!entries.isEmpty)
        for entry in entries {  // flip the last byte of every payload: each fails its SHA-256
            var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: entry)))
            bytes[bytes.count - 1] ^= 0xFF
            try Data(bytes).write(to: URL(fileURLWithPath: entry))
        }
        let second = try await Self.build(folder, "two.kiln", environment)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stderr.contains("images to build, 0 in the build cache"), "\(second.stderr)")
        #expect(second.stderr.contains("dropped a damaged entry of the build cache folder"), "\(second.stderr)")
        #expect(FileManager.default.contentsEqual(atPath: folder + "/one.kiln", andPath: folder + "/two.kiln"))
        let verify = try await KilnProcess.run(["inspect", folder + "/two.kiln"])
        #expect(verify.status == 0, "\(verify.stderr)")
        let third = try await Self.build(folder, "three.kiln", environment)
        #expect(third.stderr.contains("images to build, 3 in the build cache"), "the entries were written again: \(third.stderr)")
    }

    @Test("KILN_CACHE_MAX_BYTES bounds the build cache as it bounds the JIT cache; kiln cache list and stats count build entries")
    func boundAndListing() async throws {
        let folder = try Self.module()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let unbounded = ["KILN_CACHE_DIR": folder + "/all"]
        #expect(try await Self.build(folder, "one.kiln", unbounded).status == 0)
        let sizes = try Self.buildEntries(folder + "/all").map { try FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int ?? 0 }
        let total = sizes.reduce(0, +)
        #expect(sizes.count >= 3, "an image per target, and compressed frames")

        let list = try await KilnProcess.run(["cache", "list", "--json"], environment: unbounded)
        #expect(list.status == 0, "\(list.stderr)")
        let listed = try #require(try Self.json(list.stdout) as? [[String: Any]])
        #expect(listed.count == sizes.count && listed.allSatisfy { $0["cache"] as? String == "build" }, "\(list.stdout)")
        #expect(listed.contains { ($0["key"] as? String)?.hasPrefix("kiln-build-key") == true })

        let bound = max(total / 2, sizes.max() ?? 0)  // the newest entry always stays, whatever its size
        let bounded = ["KILN_CACHE_DIR": folder + "/bounded", "KILN_CACHE_MAX_BYTES": String(bound)]
        let run = try await Self.build(folder, "two.kiln", bounded)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(FileManager.default.contentsEqual(atPath: folder + "/one.kiln", andPath: folder + "/two.kiln"))
        let kept = try Self.buildEntries(folder + "/bounded")
        #expect(!kept.isEmpty && kept.count < sizes.count, "evicted down to the bound: \(kept.count) of \(sizes.count)")
        let stats = try await KilnProcess.run(["cache", "stats", "--json"], environment: bounded)
        let build = try #require((try Self.json(stats.stdout) as? [String: Any])?["build"] as? [String: Any])
        #expect((build["bytes"] as? Int ?? .max) <= bound && build["maximumBytes"] as? Int == bound, "\(stats.stdout)")
        #expect(build["entries"] as? Int == kept.count)
    }
}
