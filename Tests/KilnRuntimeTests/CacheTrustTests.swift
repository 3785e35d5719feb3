import Foundation
import KilnCore
@testable import KilnRuntime
import KilnTestSupport
import Testing

/// The cache as one trust boundary: folders and entries that another user owns or can write
/// are refused in every layer, entries are bound to their key, no symlink leads out, locks
/// are never removed under a holder, and leftovers are counted and removed once dead.
/// Tests run as root, so "another user" is uid 65534, set with chown.
@Suite("JIT cache trust")
struct CacheTrustTests {
    static let other: uid_t = 65534

    static func key(_ n: Int) -> JITCacheKey { DiskJITCacheTests.key(n) }

    /// A read-only layer holding a valid entry for key 7, and a cache that reads it.
    static func layered() throws -> (cache: DiskJITCache, shared: String) {
        let shared = try DiskJITCacheTests.folder()
        chmod(shared, 0o755)
        try DiskJITCache(configuration: CacheConfiguration(root: shared)).store(key: key(7), bytes: [7, 7])
        let cache = try DiskJITCache(configuration: CacheConfiguration(root: try DiskJITCacheTests.folder(), readOnlyRoot: shared))
        #expect(cache.lookup(key: key(7)) == [7, 7], "the well-formed layer is read")
        return (cache, shared)
    }

    @Test("a read-only layer another user owns is refused, with the chown that fixes it", arguments: ["root", "jit", "entry"])
    func readOnlyOwnedByAnother(_ what: String) throws {
        let (cache, shared) = try Self.layered()
        let item = switch what {
        case "root": shared
        case "jit": shared + "/jit"
        default: cache.readOnly!.entryPath(Self.key(7).digest)
        }
        #expect(chown(item, Self.other, Self.other) == 0)
        #expect(cache.lookup(key: Self.key(7)) == nil, "an entry another user could have planted was loaded")
        if what != "entry" {
            let error = try #require(throws: KilnError.self) { try cache.compileOnce(key: Self.key(7)) { [1] } }
            #expect(error.code == .cacheRefused)
            #expect(error.message.contains("chown -h \(geteuid()) \(item)"))
            #expect(error.message.contains("KILN_CACHE_READONLY"))
        }
    }

    @Test("a read-only layer others can write to is refused, with the chmod that fixes it")
    func readOnlyWorldWritable() throws {
        let (cache, shared) = try Self.layered()
        chmod(shared + "/jit", 0o777)
        #expect(cache.lookup(key: Self.key(7)) == nil)
        let error = try #require(throws: KilnError.self) { try cache.requireTrusted() }
        #expect(error.message.contains("chmod go-w \(shared)/jit"))
    }

    @Test("a valid entry filed under another key is rejected, in both layers")
    func boundToKey() throws {
        let (cache, shared) = try Self.layered()
        let readOnly = try #require(cache.readOnly)
        try FileManager.default.copyItem(atPath: readOnly.entryPath(Self.key(7).digest), toPath: readOnly.entryPath(Self.key(8).digest))
        #expect(cache.lookup(key: Self.key(8)) == nil)
        cache.store(key: Self.key(1), bytes: [1, 1])
        try FileManager.default.copyItem(atPath: cache.local.entryPath(Self.key(1).digest), toPath: cache.local.entryPath(Self.key(2).digest))
        #expect(cache.lookup(key: Self.key(2)) == nil)
        #expect(cache.prune().damaged == 0, "the copy was already dropped on lookup")
        _ = shared
    }

    @Test("an entry that is a symbolic link is not followed out of the cache")
    func symlinkedEntry() throws {
        let (cache, shared) = try Self.layered()
        try FileManager.default.createDirectory(atPath: cache.directory, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: cache.local.entryPath(Self.key(7).digest),
                                                   withDestinationPath: shared + "/jit/" + Self.key(7).digest + ".kjit")
        chmod(shared + "/jit", 0o777)  // the layer it points into is not to be read
        #expect(cache.lookup(key: Self.key(7)) == nil)
    }

    @Test("a local entry another user owns is dropped, not loaded")
    func localEntryOwnedByAnother() throws {
        let cache = try DiskJITCache(configuration: CacheConfiguration(root: try DiskJITCacheTests.folder()))
        cache.store(key: Self.key(3), bytes: [3])
        #expect(chown(cache.local.entryPath(Self.key(3).digest), Self.other, Self.other) == 0)
        #expect(cache.lookup(key: Self.key(3)) == nil)
    }

    @Test("a lock file removed between another process's open and flock does not let two holders in")
    func lockRace() throws {
        let cache = try DiskJITCache(configuration: CacheConfiguration(root: try DiskJITCacheTests.folder()))
        let digest = Self.key(4).digest
        var cleared = false
        // Between this holder's open and its flock, clear removes the (unheld) lock file.
        let held = try #require(cache.local.lock(digest: digest) {
            if !cleared { cleared = true; cache.clear() }
        })
        #expect(cleared)
        // A second process opens the lock file the path now names: it must find it held.
        let fd = open(cache.directory + "/\(digest).lock", O_CREAT | O_RDWR, 0o600)
        defer { close(fd) }
        #expect(flock(fd, LOCK_EX | LOCK_NB) != 0, "a second holder got the key's lock")
        // Neither prune nor clear removes a held lock.
        _ = cache.prune()
        cache.clear()
        #expect(FileManager.default.fileExists(atPath: cache.directory + "/\(digest).lock"))
        withExtendedLifetime(held) {}
    }

    @Test("temporary files count in stats and the bound; prune removes only those no live writer holds")
    func leftovers() throws {
        let cache = try DiskJITCache(configuration: CacheConfiguration(root: try DiskJITCacheTests.folder(), maximumBytes: 1 << 20))
        cache.store(key: Self.key(1), bytes: [1])
        let live = cache.directory + "/.\(Self.key(2).digest).1.1.tmp", dead = cache.directory + "/.\(Self.key(3).digest).2.2.tmp"
        let foundation = cache.directory + "/.dat.nosync1234.abcdef"
        for file in [live, dead, foundation] { #expect(FileManager.default.createFile(atPath: file, contents: Data(count: 300 << 10)), "the test could not write \(file)") }
        let writer = open(live, O_RDWR)
        defer { close(writer) }
        #expect(flock(writer, LOCK_EX) == 0)
        let stats = cache.stats()
        #expect(stats.leftovers == 3)
        #expect(stats.bytes >= 900 << 10)
        // Over the bound (1 MiB with 900 KiB of leftovers), a store removes dead leftovers first.
        cache.store(key: Self.key(4), bytes: Array(repeating: 4, count: 200 << 10))
        #expect(cache.stats().bytes <= 1 << 20)
        #expect(cache.lookup(key: Self.key(4))?.count == 200 << 10, "the new entry stays")
        #expect(FileManager.default.fileExists(atPath: live), "a live writer's file is kept")
        _ = cache.prune()
        #expect(!FileManager.default.fileExists(atPath: dead))
        #expect(!FileManager.default.fileExists(atPath: foundation))
        #expect(FileManager.default.fileExists(atPath: live), "prune keeps a live writer's file, whatever its age")
        flock(writer, LOCK_UN)
        #expect(cache.prune().leftovers >= 1)
        #expect(!FileManager.default.fileExists(atPath: live), "once its writer is gone, prune removes it at once")
    }
}
