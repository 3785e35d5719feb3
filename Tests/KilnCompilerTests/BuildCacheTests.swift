import Foundation
import KilnBundle
@testable import KilnCompiler
import KilnCore
import KilnRuntime
import Testing

/// The build cache: the JIT cache's entry scheme and trust rules, so another user's image is
/// never embedded as "reused".
@Suite("Build cache")
struct BuildCacheTests {
    static func cache(maximumBytes: Int64 = CacheConfiguration.defaultMaximumBytes) throws -> BuildCache {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-build-cache-\(UUID())").path
        return BuildCache(directory: path, maximumBytes: maximumBytes)
    }

    static let image = CompiledImage(bytes: Array(repeating: 0xC0, count: 4096), log: "warning: x", ptxISAVersion: "9.0",
                                     symbols: ["k": "_Z1k"], hostString: nil)

    @Test("an image reads back whole, under its key only, from one entry file in a private folder")
    func roundTrip() throws {
        let cache = try Self.cache()
        cache.store(Self.image, key: "a")
        let read = try #require(cache.lookup("a"))
        #expect(read.bytes == Self.image.bytes && read.log == "warning: x" && read.ptxISAVersion == "9.0" && read.symbols == ["k": "_Z1k"])
        #expect(cache.lookup("b") == nil)
        let files = try FileManager.default.contentsOfDirectory(atPath: cache.directory).filter { $0 != "counters.kstat" }  // hits and misses
        #expect(files.count == 1 && files[0].hasSuffix(".kbuild"), "one entry file, no .bin/.json pair: \(files)")
        let counted = cache.counters()
        #expect(counted.localHits == 1 && counted.localMisses == 1, "\(counted)")
        let mode = try FileManager.default.attributesOfItem(atPath: cache.directory)[.posixPermissions] as? Int
        #expect(mode == 0o700)
    }

    @Test("a compressed frame reads back under its own key only: raw digest, level and reference")
    func frames() throws {
        let cache = try Self.cache()
        let raw = [UInt8](repeating: 1, count: 32), reference = [UInt8](repeating: 2, count: 32)
        let key = CompressionKey(rawSHA256: raw, level: 19, referenceSHA256: reference)
        cache.store([9, 8, 7], for: key)
        #expect(cache.frame(for: key) == [9, 8, 7])
        #expect(cache.frame(for: CompressionKey(rawSHA256: raw, level: 3, referenceSHA256: reference)) == nil)
        #expect(cache.frame(for: CompressionKey(rawSHA256: raw, level: 19, referenceSHA256: nil)) == nil)
        #expect(cache.frame(for: CompressionKey(rawSHA256: reference, level: 19, referenceSHA256: reference)) == nil)
    }

    @Test("a valid entry copied under another key is rejected")
    func boundToKey() throws {
        let cache = try Self.cache()
        cache.store(Self.image, key: "a")
        let digest = { (key: String) in SHA256Digest.hex(of: BuildCache.keyText(key)) }
        try FileManager.default.copyItem(atPath: cache.folder.entryPath(digest("a")), toPath: cache.folder.entryPath(digest("b")))
        #expect(cache.lookup("b") == nil)
        #expect(!FileManager.default.fileExists(atPath: cache.folder.entryPath(digest("b"))), "the lookup dropped it")
        try FileManager.default.copyItem(atPath: cache.folder.entryPath(digest("a")), toPath: cache.folder.entryPath(digest("b")))
        #expect(cache.prune().damaged == 1, "prune drops an entry whose key text does not hash to its name")
        #expect(cache.lookup("a") != nil)
    }

    @Test("a folder or entry another user owns or can write to is not used", arguments: ["folder-owner", "folder-mode", "entry-owner", "entry-mode"])
    func untrusted(_ what: String) throws {
        let cache = try Self.cache()
        cache.store(Self.image, key: "a")
        let entry = cache.folder.entryPath(SHA256Digest.hex(of: BuildCache.keyText("a")))
        switch what {
        case "folder-owner": #expect(chown(cache.directory, 65534, 65534) == 0)
        case "folder-mode": #expect(chmod(cache.directory, 0o777) == 0)
        case "entry-owner": #expect(chown(entry, 65534, 65534) == 0)
        default: #expect(chmod(entry, 0o666) == 0)
        }
        #expect(cache.lookup("a") == nil, "a planted entry would be embedded as reused")
        if what.hasPrefix("folder") {
            let problem = try #require(cache.trustProblem())
            #expect(problem.code == .cacheRefused)
            #expect(problem.message.contains(what == "folder-owner" ? "chown -h" : "chmod 700"))
        }
    }

    @Test("prune removes a killed writer's and Foundation's temporary files, and evicts to the bound")
    func prune() throws {
        let cache = try Self.cache(maximumBytes: 10_000)
        for key in ["a", "b", "c"] { cache.store(Self.image, key: key); usleep(20_000) }
        #expect(FileManager.default.createFile(atPath: cache.directory + "/.dat.nosync1a2b.XYZ", contents: Data(count: 100)))
        #expect(FileManager.default.createFile(atPath: cache.directory + "/.abc.123.456.tmp", contents: Data(count: 100)))
        #expect(cache.totals().leftovers == 2)
        let result = cache.prune()
        #expect(result.leftovers >= 2)
        #expect(cache.totals().leftovers == 0)
        #expect(cache.totals().bytes <= 10_000)
        #expect(cache.lookup("c") != nil, "the newest entry stays")
        #expect(cache.lookup("a") == nil, "the oldest went")
    }

    /// The entry file of a key.
    static func entry(_ cache: BuildCache, _ key: String) -> String {
        cache.folder.entryPath(SHA256Digest.hex(of: BuildCache.keyText(key)))
    }

    @Test("a damaged entry is a miss and is removed, never used; the key is stored again", arguments: ["payload", "header", "truncated"])
    func damaged(_ damage: String) throws {
        let cache = try Self.cache()
        cache.store(Self.image, key: "a")
        let file = Self.entry(cache, "a")
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
        switch damage {
        case "payload": bytes[bytes.count - 1] ^= 0xFF  // the image's last byte: fails the SHA-256
        case "header": bytes[12] ^= 0x01  // the payload length: no longer fits the file
        default: bytes.removeLast(100)  // a short write
        }
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        #expect(cache.lookup("a") == nil, "a damaged image would be embedded")
        #expect(!FileManager.default.fileExists(atPath: file), "the damaged entry is removed")
        cache.store(Self.image, key: "a")
        #expect(cache.lookup("a")?.bytes == Self.image.bytes)
    }

    @Test("a damaged compressed frame is a miss and is removed")
    func damagedFrame() throws {
        let cache = try Self.cache()
        let key = CompressionKey(rawSHA256: [UInt8](repeating: 1, count: 32), level: 19, referenceSHA256: nil)
        cache.store([9, 8, 7], for: key)
        let file = cache.folder.entryPath(SHA256Digest.hex(of: key.text))
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
        bytes[bytes.count - 1] ^= 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        #expect(cache.frame(for: key) == nil)
        #expect(!FileManager.default.fileExists(atPath: file))
    }

    @Test("a writer's temporary file is never read, whole or half-written, and is not an entry", arguments: [false, true])
    func temporaryNotRead(_ halfWritten: Bool) throws {
        let source = try Self.cache()
        source.store(Self.image, key: "a")
        let whole = try Data(contentsOf: URL(fileURLWithPath: Self.entry(source, "a")))
        let cache = try Self.cache()
        try cache.folder.createFolder()
        // What a writer killed before its rename leaves: `.DIGEST.PID.RANDOM.tmp`, beside no entry.
        let temporary = "\(cache.directory)/.\(SHA256Digest.hex(of: BuildCache.keyText("a"))).4242.77.tmp"
        try (halfWritten ? whole.prefix(whole.count / 2) : whole).write(to: URL(fileURLWithPath: temporary))
        #expect(cache.lookup("a") == nil, "only a renamed entry is read")
        #expect(cache.entries().isEmpty)
        #expect(cache.totals().entries == 0 && cache.totals().leftovers == 1)
        #expect(cache.prune().leftovers == 1, "no live writer holds it, so prune removes it")
        #expect(!FileManager.default.fileExists(atPath: temporary))
    }

    @Test("storing evicts the least recently used entries, images and frames alike, to the bound")
    func evictsOnStore() throws {
        let cache = try Self.cache(maximumBytes: 10_000)
        for key in ["a", "b", "c"] { cache.store(Self.image, key: key); usleep(20_000) }
        let frame = CompressionKey(rawSHA256: [UInt8](repeating: 3, count: 32), level: 19, referenceSHA256: nil)
        cache.store([UInt8](repeating: 5, count: 3000), for: frame)
        #expect(cache.totals().bytes <= 10_000, "\(cache.totals())")
        #expect(cache.frame(for: frame) != nil && cache.lookup("c") != nil, "the newest stay")
        #expect(cache.lookup("a") == nil, "the oldest went")
    }
}
