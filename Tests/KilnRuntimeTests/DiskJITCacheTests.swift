import Foundation
import KilnCore
@testable import KilnRuntime
import KilnTestSupport
import Testing

/// The JIT cache with real files and real processes.
@Suite("JIT cache on disk")
struct DiskJITCacheTests {
    static func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-cache-\(UUID())").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        return path
    }

    static func key(_ n: Int) -> JITCacheKey {
        JITCacheKey(portableSHA256: "feed\(n)", target: "compute_80", device: "sm_90", compiler: "test")
    }

    static var source: String { KilnProcess.projectRoot().appendingPathComponent("Kernels/saxpy.cl").path }

    @Test("a stored entry reads back, under its key only, and compileOnce then does not compile")
    func roundTrip() throws {
        let cache = try DiskJITCache(configuration: CacheConfiguration(root: try Self.folder()))
        #expect(cache.lookup(key: Self.key(1)) == nil)
        cache.store(key: Self.key(1), bytes: [1, 2, 3])
        #expect(cache.lookup(key: Self.key(1)) == [1, 2, 3])
        #expect(cache.lookup(key: Self.key(2)) == nil)
        let (bytes, cached) = try cache.compileOnce(key: Self.key(1)) { Issue.record("compiled a cached key"); return [] }
        #expect(bytes == [1, 2, 3] && cached)
        let mode = try FileManager.default.attributesOfItem(atPath: cache.directory)[.posixPermissions] as? Int
        #expect(mode == 0o700)
    }

    @Test("a truncated or bit-flipped entry is dropped and compiled again", arguments: ["truncate", "flip"])
    func damaged(_ damage: String) throws {
        let cache = try DiskJITCache(configuration: CacheConfiguration(root: try Self.folder()))
        cache.store(key: Self.key(1), bytes: Array(repeating: 9, count: 1000))
        let file = cache.path(Self.key(1), in: cache.directory)
        var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: file)))
        if damage == "truncate" { bytes.removeLast(10) } else { bytes[bytes.count - 500] ^= 0x40 }
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        var compiles = 0
        let (fresh, cached) = try cache.compileOnce(key: Self.key(1)) { compiles += 1; return Array(repeating: 9, count: 1000) }
        #expect(!cached && compiles == 1 && fresh.count == 1000)
        #expect(cache.lookup(key: Self.key(1)) == fresh, "the rebuilt entry replaces the damaged one")
    }

    @Test("over its bound, the least recently used entries go first")
    func eviction() throws {
        let entry = 10_000
        let cache = try DiskJITCache(configuration: CacheConfiguration(root: try Self.folder(), maximumBytes: Int64(entry * 4 + 1000)))
        for n in 0..<3 { cache.store(key: Self.key(n), bytes: Array(repeating: UInt8(n), count: entry)); usleep(20_000) }
        _ = cache.lookup(key: Self.key(0))  // 0 is now the most recently used
        usleep(20_000)
        for n in 3..<6 { cache.store(key: Self.key(n), bytes: Array(repeating: UInt8(n), count: entry)); usleep(20_000) }
        let stats = cache.stats()
        #expect(stats.bytes <= Int64(entry * 4 + 1000))
        #expect(stats.entries == 4)
        #expect(cache.lookup(key: Self.key(5)) != nil)
        #expect(cache.lookup(key: Self.key(1)) == nil, "the oldest unused entry was evicted")
        #expect(cache.lookup(key: Self.key(0)) != nil, "a recently read entry stays")
    }

    @Test("a folder other users can write to is refused when a JIT needs it, with the chmod that fixes it")
    func worldWritable() throws {
        let root = try Self.folder()
        chmod(root, 0o777)
        // Opening does not fail: a bundle that needs no JIT still runs.
        let cache = try DiskJITCache(configuration: CacheConfiguration(root: root))
        let error = try #require(throws: KilnError.self) { try cache.requireTrusted() }
        #expect(error.code == .cacheRefused)
        #expect(error.message.contains("chmod 700 \(root)"))
        let jit = try #require(throws: KilnError.self) { try cache.compileOnce(key: Self.key(1)) { [1] } }
        #expect(jit.code == .cacheRefused)
        cache.store(key: Self.key(1), bytes: [1])
        #expect(!FileManager.default.fileExists(atPath: root + "/jit"), "nothing is written into an unsafe folder")
    }

    @Test("a read-only second layer is consulted after the local one")
    func readOnlyLayer() throws {
        let shared = try Self.folder()
        try DiskJITCache(configuration: CacheConfiguration(root: shared)).store(key: Self.key(7), bytes: [7, 7])
        let cache = try DiskJITCache(configuration: CacheConfiguration(root: try Self.folder(), readOnlyRoot: shared))
        #expect(cache.lookup(key: Self.key(7)) == [7, 7])
        #expect(cache.stats().entries == 0, "the read-only layer is not copied into the local one")
    }

    @Test("sizes in KILN_CACHE_MAX_BYTES take K, M and G, and nonsense is an error")
    func sizes() throws {
        #expect(try CacheConfiguration(environment: ["KILN_CACHE_MAX_BYTES": "64M", "HOME": "/h"]).maximumBytes == 64 << 20)
        #expect(try CacheConfiguration(environment: ["KILN_CACHE_MAX_BYTES": "1048576", "HOME": "/h"]).maximumBytes == 1 << 20)
        #expect(try CacheConfiguration(environment: ["HOME": "/h"]).root == "/h/.cache/kiln")
        #expect(try CacheConfiguration(environment: ["XDG_CACHE_HOME": "/x"]).root == "/x/kiln")
        #expect(throws: KilnError.self) { try CacheConfiguration(environment: ["KILN_CACHE_MAX_BYTES": "lots"]) }
    }
}

/// Several real processes on one cache.
@Suite("JIT cache across processes", .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/clang-16"),
                                              "the probe compiles with clang 16: run scripts/setup.sh first"))
struct JITCacheProcessTests {
    @Test("8 processes on a cold cache compile once; all 8 get the same bytes")
    func eightProcesses() async throws {
        let root = try DiskJITCacheTests.folder()
        let log = root + "/compiles.log"
        let runs = (0..<8).map { _ in
            KilnProcess.start(["compile", DiskJITCacheTests.source, log], program: "KilnCacheProbe",
                                  environment: ["KILN_CACHE_DIR": root])
        }
        var outcomes: [KilnProcess.Outcome] = []
        for run in runs { outcomes.append(try await run.wait()) }
        for outcome in outcomes { #expect(outcome.status == 0, "\(outcome.stderr)") }
        let compiles = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        #expect(compiles.count == 1, "compiled \(compiles.count) times")
        let digests = Set(outcomes.map { $0.stdout.split(separator: " ").last.map(String.init) ?? "" })
        #expect(digests.count == 1)
        #expect(outcomes.filter { $0.stdout.hasPrefix("cached") }.count == 7)
    }

    @Test("a writer killed midway leaves nothing that is used, and prune clears its leftovers")
    func killedWriter() async throws {
        // The kill must land while the temporary file is being written. A thread of its own
        // watches for it and kills the probe the moment it shows: a watch on Swift's cooperative
        // threads ran only when tests doing synchronous work let it, and in a loaded CI run missed
        // the file five times in a row. The probe writes its process id to a file for the same
        // reason (the id KilnProcess learns also arrives on those threads). On a fast disk the
        // writer can still finish first; a try that misses is made again with a fresh cache.
        for _ in 0..<5 {
            let root = try DiskJITCacheTests.folder()
            let pidFile = root + "/probe.pid", jit = root + "/jit"
            let running = KilnProcess.start(["store-big", "400", pidFile], program: "KilnCacheProbe", environment: ["KILN_CACHE_DIR": root])
            let watch = BackgroundWork { () -> Bool in Self.killWhileWriting(jit: jit, pidFile: pidFile) }
            let outcome = try await running.wait()
            guard watch.wait(), outcome.signal == SIGKILL else { continue }
            let cache = try DiskJITCache(configuration: CacheConfiguration(root: root))
            let key = JITCacheKey(portableSHA256: "big", target: "compute_80", device: "probe", compiler: "probe")
            if let bytes = cache.lookup(key: key) {
                #expect(bytes.count == 400 << 20, "only a whole entry may ever be read")
            }
            #expect(cache.removeLeftovers() >= 1)
            #expect((try? FileManager.default.contentsOfDirectory(atPath: jit))?.contains { $0.hasSuffix(".tmp") } != true)
            return
        }
        Issue.record("in 5 tries the writer was never killed while its temporary file existed")
    }

    /// Watches a JIT cache folder (for at most five minutes) and kills the writer whose id is in
    /// `pidFile` as soon as a temporary file shows; false when the writer ended first.
    static func killWhileWriting(jit: String, pidFile: String) -> Bool {
        let deadline = ContinuousClock.now + .seconds(300)
        var pid: Int32?
        while ContinuousClock.now < deadline {
            pid = pid ?? (try? String(contentsOfFile: pidFile, encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            let names = (try? FileManager.default.contentsOfDirectory(atPath: jit)) ?? []
            if let pid, names.contains(where: { $0.hasSuffix(".tmp") }) { return kill(pid, SIGKILL) == 0 }
            if names.contains(where: { $0.hasSuffix(".kjit") }) { return false }
            if let pid, kill(pid, 0) == -1 { return false }  // gone without writing
            usleep(500)
        }
        return false
    }

    @Test("a cache that cannot be written still compiles, with one warning")
    func unwritable() async throws {
        let root = try DiskJITCacheTests.folder()
        let log = root + "/compiles.log"
        // The cache folder would be inside a regular file: nothing can be created there.
        let environment = ["KILN_CACHE_DIR": log + "/cache"]
        #expect(FileManager.default.createFile(atPath: log, contents: nil), "the test could not write its file")
        let first = try await KilnProcess.run(["compile", DiskJITCacheTests.source, log + ".2"], program: "KilnCacheProbe", environment: environment)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.hasPrefix("compiled"))
        // The library logs it once (swift-log's default handler writes it to stderr in a program
        // that sets up no logging, as this one); it used to be written a second time beside the log.
        #expect(first.stderr.components(separatedBy: "cannot write the JIT cache").count == 2, "exactly one warning: \(first.stderr)")
        #expect(first.stderr.contains("warning kiln.cache"), "through swift-log: \(first.stderr)")
        #expect(first.stderr.contains("not cached"))
        let second = try await KilnProcess.run(["compile", DiskJITCacheTests.source, log + ".2"], program: "KilnCacheProbe", environment: environment)
        #expect(second.stdout.hasPrefix("compiled"), "nothing was cached")
    }
}
