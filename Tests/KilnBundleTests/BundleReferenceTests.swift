#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
@testable import KilnBundle
import KilnCore
import KilnTestSupport
import Synchronization
import Testing

/// Images stored against a sibling image (format version 2): chosen deterministically, read back
/// byte for byte, one level deep, and refused with both names when the reference is damaged.
@Suite("Images stored against a reference")
struct BundleReferenceTests {
    static let modules = ["gemm", "saxpy"]
    static let devices = "sm_80,sm_86,sm_90,sm_100,no-source"

    static func bundle(jobs: Int = 1, cache: (any CompressedImageCache)? = nil, reversed: Bool = false) throws -> [UInt8] {
        try SyntheticBundle.relatedWriter(modules: reversed ? modules.reversed() : modules, deviceList: devices)
            .serialize(jobs: jobs, cache: cache)
    }

    @Test("near-copy cubins are stored against a base within two places, and read back byte for byte")
    func roundTrip() throws {
        let bytes = try Self.bundle()
        let reader = try BundleReader(path: try SyntheticBundle.temporaryFile(bytes))
        #expect(reader.formatVersion == 2)
        let entries = try reader.entries()
        let order = ["sm_80", "sm_86", "sm_90", "sm_100"]
        for entry in entries {
            let expected = SyntheticBundle.relatedImage(module: entry.module, target: entry.target)
            #expect(try reader.image(entry) == expected, "\(entry.module) × \(entry.target)")
            guard let reference = entry.reference else {
                #expect(entry.codec != .zstdReferenced)
                continue
            }
            let base = try reader.entry(at: reference)
            #expect(entry.format == .cubin && base.module == entry.module && base.codec != .zstdReferenced)
            let distance = try #require(order.firstIndex(of: entry.target)) - (try #require(order.firstIndex(of: base.target)))
            #expect((1...BundleWriter.referenceReach).contains(abs(distance)), "\(entry.target) against \(base.target): out of reach")
            #expect(entry.storedSize * 10 < entry.rawSize, "a near copy of its reference costs little")
        }
        // Four near copies: one base (the second or third), the other three within its reach stored against it.
        for module in Self.modules {
            #expect(entries.filter { $0.module == module && $0.codec == .zstdReferenced }.count == 3)
        }
    }

    @Test("the summary names each image's reference, and only for images stored against one")
    func summaryNamesReference() throws {
        let reader = try BundleReader(path: try SyntheticBundle.temporaryFile(try Self.bundle()))
        let summary = try BundleSummary(reader: reader)
        let entries = try reader.entries()
        #expect(summary.images.count == entries.count)
        for (image, entry) in zip(summary.images, entries) {
            if let reference = entry.reference {
                let base = try reader.entry(at: reference)
                #expect(image.reference == "\(base.module) × \(base.target)")
            } else {
                #expect(image.reference == nil)
            }
        }
        #expect(summary.images.contains { $0.reference != nil })
    }

    @Test("with references off (a shard part), every image is stored alone and the file is format version 1")
    func referencesOff() throws {
        var writer = try SyntheticBundle.relatedWriter(modules: Self.modules, deviceList: Self.devices)
        writer.usesReferences = false
        let reader = try BundleReader(path: try SyntheticBundle.temporaryFile(try writer.serialize(jobs: 2)))
        #expect(reader.formatVersion == 1)
        let entries = try reader.entries()
        #expect(!entries.isEmpty && entries.allSatisfy { $0.codec != .zstdReferenced && $0.reference == nil })
        for entry in entries {
            #expect(try reader.image(entry) == SyntheticBundle.relatedImage(module: entry.module, target: entry.target))
        }
    }

    /// `plan` with the sizes against each neighbour given as a table: `against[i][offset]`.
    static func plan(_ alone: [Int], _ against: [[Int: Int]]) -> [BundleWriter.Role] {
        BundleWriter.plan(alone: alone) { position, offset in against[position][offset] }
    }

    @Test("the cheapest roles: a base covers its neighbours, and a reference is always a base")
    func plan() {
        #expect(Self.plan([100], [[:]]) == [.base])
        #expect(Self.plan([100, 100, 100], [[1: 10], [-1: 10, 1: 10], [-1: 10]]) == [.against(1), .base, .against(-1)])
        // sm_80, sm_86, sm_89 as measured on Kernels/gemm_variants: sm_86 is the base.
        #expect(Self.plan([28756, 29981, 30001], [[1: 11910], [-1: 13127, 1: 2840], [-1: 2510]])
                == [.against(1), .base, .against(-1)])
        // Nothing to gain: every image alone.
        #expect(Self.plan([10, 10, 10], [[:], [:], [:]]) == [.base, .base, .base])
    }

    @Test("a reference may lie two places away: sm_75 against sm_89 past sm_80")
    func twoPlacesAway() {
        // sm_75, sm_80, sm_89, sm_90 of Kernels/gemm_variants, stored bytes as measured (alone and
        // against each neighbour, coded; pairs not measured left out). One base, sm_89, serves all
        // three others: sm_75 from two places away, sm_90 saving 9.2% against it.
        let alone = [28500, 22520, 23880, 22725]
        let against: [[Int: Int]] = [[1: 21951, 2: 21464], [1: 11953, 2: 19909], [-1: 13158], [-2: 20676, -1: 20629]]
        #expect(Self.plan(alone, against) == [.against(2), .against(1), .base, .against(-1)])
        // Three places is out of reach, whatever it would save.
        #expect(Self.plan([100, 100, 100, 100], [[3: 1], [:], [:], [-3: 1]]) == [.base, .base, .base, .base])
    }

    @Test("the plan is the cheapest valid one, as every assignment of roles finds", arguments: 0..<40)
    func planIsExact(seed: Int) {
        var random = SplitMix64(seed: UInt64(seed))
        let count = 1 + seed % 6
        let alone = (0..<count).map { _ in 50 + Int(random.next() % 50) }
        let against: [[Int: Int]] = (0..<count).map { position in
            var sizes: [Int: Int] = [:]
            for offset in [-2, -1, 1, 2] where (0..<count).contains(position + offset) && random.next() % 3 != 0 {
                sizes[offset] = 5 + Int(random.next() % 60)
            }
            return sizes
        }
        func total(_ roles: [BundleWriter.Role]) -> Int? {
            var sum = 0
            for (position, role) in roles.enumerated() {
                switch role {
                case .base: sum += alone[position]
                case .against(let offset):
                    guard roles.indices.contains(position + offset), roles[position + offset] == .base,
                          let size = against[position][offset] else { return nil }
                    sum += size
                }
            }
            return sum
        }
        var best = Int.max
        func search(_ roles: [BundleWriter.Role]) {
            if roles.count == count {
                best = min(best, total(roles) ?? .max)
                return
            }
            for role in BundleWriter.Role.all { search(roles + [role]) }
        }
        search([])
        let roles = Self.plan(alone, against)
        #expect(roles.count == count)
        #expect(total(roles) == best, "alone \(alone), against \(against): \(roles)")
    }

    @Test("architecture order is by number for NVIDIA targets")
    func architectureOrder() {
        let names = ["sm_120", "pvc", "sm_80", "sm_90a", "sm_100", "acm-g10", "sm_90", "sm_86"]
        #expect(names.sorted(by: BundleWriter.architectureOrder)
                == ["sm_80", "sm_86", "sm_90", "sm_90a", "sm_100", "sm_120", "acm-g10", "pvc"])
    }

    @Test("the same inputs give the same bytes, whatever the order, the jobs or the cache")
    func deterministic() throws {
        let serial = try Self.bundle()
        #expect(try Self.bundle(reversed: true) == serial)
        #expect(try Self.bundle(jobs: 4) == serial)
        let cache = CountingCache()
        #expect(try Self.bundle(jobs: 2, cache: cache) == serial)
        #expect(try Self.bundle(jobs: 3, cache: cache) == serial)
    }

    @Test("a second write from the cache compresses nothing")
    func cacheHits() throws {
        let cache = CountingCache()
        let first = try Self.bundle(cache: cache)
        let stored = cache.stores.withLock { $0 }
        #expect(stored > 0)
        let second = try Self.bundle(jobs: 2, cache: cache)
        #expect(second == first)
        #expect(cache.stores.withLock { $0 } == stored, "the rebuild compressed again")
        // Each image's frame alone, each referenced one's against its reference, and the manifest.
        #expect(cache.frames.withLock { $0.count } == stored)
    }

    @Test("a cache that returns wrong frames is not believed")
    func lyingCache() throws {
        let expected = try Self.bundle()
        let cache = CountingCache()
        _ = try Self.bundle(cache: cache)
        cache.frames.withLock { frames in
            for key in frames.keys { frames[key] = Zstd.compress(Array("not this image".utf8), level: 3) }
        }
        #expect(try Self.bundle(cache: cache) == expected)
    }

    @Test("a bundle without references is still format version 1")
    func versionOneWithoutReferences() throws {
        let bytes = try SyntheticBundle.bytes(modules: ["m"], deviceList: "pvc,sm_90,cpu")
        #expect(try BundleReader(path: try SyntheticBundle.temporaryFile(bytes)).formatVersion == 1)
        #expect(bytes[BundleHeader.Field.formatVersion] == 1)
    }

    @Test("a damaged reference: the image stored against it reads right or is refused naming both, never wrong; the reference is refused")
    func damagedReference() throws {
        let bytes = try Self.bundle()
        let reader = try BundleReader(path: try SyntheticBundle.temporaryFile(bytes))
        let user = try #require(try reader.entries().first { $0.module == "gemm" && $0.codec == .zstdReferenced })
        let base = try reader.entry(at: try #require(user.reference))
        let expected = SyntheticBundle.relatedImage(module: "gemm", target: user.target)
        var refused = 0
        // One flipped bit at a time through the base's frame, then the whole frame zeroed.
        let damages: [(inout [UInt8]) -> Void] = stride(from: Int(base.offset), to: Int(base.offset + base.storedSize), by: 7).map { at in
            { $0[at] ^= 0x04 }
        } + [{ $0.replaceSubrange(Int(base.offset)..<Int(base.offset + base.storedSize), with: [UInt8](repeating: 0, count: Int(base.storedSize))) }]
        for damage in damages {
            var copy = bytes
            damage(&copy)
            let damaged = try BundleReader(path: try SyntheticBundle.temporaryFile(copy))
            // The image's own SHA-256 proves it whatever its reference holds; a failure names both.
            do throws(KilnError) {
                #expect(try damaged.image(module: "gemm", target: user.target) == expected)
            } catch {
                refused += 1
                #expect(error.code == .corruptBundle)
                #expect(error.message.contains("gemm × \(user.target)") && error.message.contains("gemm × \(base.target)"), "\(error.message)")
            }
            #expect(throws: KilnError.self) { _ = try damaged.image(module: "gemm", target: base.target).count }
            // The other module's images are untouched.
            #expect(try damaged.image(module: "saxpy", target: user.target) == SyntheticBundle.relatedImage(module: "saxpy", target: user.target))
        }
        #expect(refused > 0, "no damage reached the image stored against the base")
    }

    @Test("a base read for itself is kept and serves the images stored against it")
    func basesAreKept() throws {
        let bytes = try Self.bundle()
        let path = try SyntheticBundle.temporaryFile(bytes)
        let reader = try BundleReader(path: path)
        let user = try #require(try reader.entries().first { $0.codec == .zstdReferenced })
        let base = try reader.entry(at: try #require(user.reference))
        #expect(try reader.image(base) == SyntheticBundle.relatedImage(module: base.module, target: base.target))
        // Damage the base in place (its frame zeroed): the reader already holds it, checked, and does not read it again.
        var damaged = bytes
        damaged.replaceSubrange(Int(base.offset)..<Int(base.offset + base.storedSize), with: [UInt8](repeating: 0, count: Int(base.storedSize)))
        try Data(damaged).write(to: URL(fileURLWithPath: path))
        #expect(try reader.image(user) == SyntheticBundle.relatedImage(module: user.module, target: user.target))
        // A fresh reader reads the damaged base and refuses the image.
        #expect(throws: KilnError.self) { _ = try BundleReader(path: path).image(module: user.module, target: user.target).count }
    }

    @Test("a reference to an image that itself has one is refused: one level at most")
    func chainsAreRefused() throws {
        var file = BundleBytes(bytes: try Self.bundle())
        let reader = try BundleReader(path: try SyntheticBundle.temporaryFile(file.bytes))
        let entries = try reader.entries()
        let users = entries.indices.filter { entries[$0].module == "gemm" && entries[$0].codec == .zstdReferenced }
        try #require(users.count >= 2)
        file.set(UInt32(users[1]), at: file.entryBase(users[0]) + ImageEntry.Layout.Field.reference)
        file.resealEntry(users[0])
        let edited = try BundleReader(path: try SyntheticBundle.temporaryFile(file.bytes))
        let error = try #require(throws: KilnError.self) { _ = try edited.image(module: "gemm", target: entries[users[0]].target).count }
        #expect(error.code == .corruptBundle)
        #expect(error.message.contains("one level"))
        #expect(error.message.contains("gemm × \(entries[users[1]].target)"))
    }

    @Test("a reference outside the table, to itself, or where the codec has none is refused", arguments: [0, 1, 2])
    func badReferenceFields(_ kind: Int) throws {
        var file = BundleBytes(bytes: try Self.bundle())
        let entries = try BundleReader(path: try SyntheticBundle.temporaryFile(file.bytes)).entries()
        let user = try #require(entries.firstIndex { $0.codec == .zstdReferenced })
        let plain = try #require(entries.firstIndex { $0.codec != .zstdReferenced })
        switch kind {
        case 0: file.set(UInt32(entries.count), at: file.entryBase(user) + ImageEntry.Layout.Field.reference); file.resealEntry(user)
        case 1: file.set(UInt32(user), at: file.entryBase(user) + ImageEntry.Layout.Field.reference); file.resealEntry(user)
        default: file.set(UInt32(user), at: file.entryBase(plain) + ImageEntry.Layout.Field.reference); file.resealEntry(plain)
        }
        let reader = try BundleReader(path: try SyntheticBundle.temporaryFile(file.bytes))
        let error = try #require(throws: KilnError.self) { try reader.entries() }
        #expect(error.code == .corruptBundle)
    }

    @Test("a version-1 bundle may not hold a referenced image")
    func versionOneRefusesReferences() throws {
        var file = BundleBytes(bytes: try Self.bundle())
        file.set(UInt32(1), at: BundleHeader.Field.formatVersion)
        file.resealHeader()
        let reader = try BundleReader(path: try SyntheticBundle.temporaryFile(file.bytes))
        let error = try #require(throws: KilnError.self) { try reader.entries() }
        #expect(error.code == .corruptBundle)
    }

    @Test("four near-copy cubins take little more than two")
    func smaller() throws {
        let entries = try BundleReader(path: try SyntheticBundle.temporaryFile(try Self.bundle())).entries()
        let cubins = entries.filter { $0.format == .cubin }
        let stored = cubins.reduce(0) { $0 + $1.storedSize }, raw = cubins.reduce(0) { $0 + $1.rawSize }
        #expect(stored * 10 < raw * 6, "\(stored) bytes stored for \(raw) of incompressible near copies")
    }

    @Test("random bundles read back byte for byte", arguments: 0..<8)
    func property(_ seed: Int) throws {
        var generator = SplitMix64(seed: UInt64(seed) &* 0x9E37_79B9)
        let all = ["sm_75", "sm_80", "sm_86", "sm_89", "sm_90", "sm_100", "sm_120", "pvc", "ats-m150", "cpu"]
        let targets = all.filter { _ in generator.next() % 2 == 0 }
        let list = (targets.isEmpty ? ["sm_90"] : targets).joined(separator: ",")
        let modules = (0..<(1 + Int(generator.next() % 4))).map { "m\($0)" }
        let size = 512 + Int(generator.next() % 20_000), rate = 1 + Int(generator.next() % 40)
        let writer = try SyntheticBundle.relatedWriter(modules: modules, deviceList: list, imageSize: size, mutationRate: rate)
        let bytes = try writer.serialize(jobs: 1 + Int(generator.next() % 3))
        let reader = try BundleReader(path: try SyntheticBundle.temporaryFile(bytes))
        // Read in a shuffled order, so the last-reference cache is crossed every way.
        var entries = try reader.entries()
        entries.shuffle(using: &generator)
        for entry in entries {
            #expect(try reader.image(entry) == SyntheticBundle.relatedImage(module: entry.module, target: entry.target,
                                                                            size: size, mutationRate: rate),
                    "\(entry.module) × \(entry.target) of '\(list)'")
            if let reference = entry.reference {
                #expect(try reader.entry(at: reference).codec != .zstdReferenced)
            }
        }
    }
}

/// A cache in memory that counts what is stored in it.
final class CountingCache: CompressedImageCache {
    let frames = Mutex<[String: [UInt8]]>([:])
    let stores = Mutex(0)

    func frame(for key: CompressionKey) -> [UInt8]? { frames.withLock { $0[key.text] } }

    func store(_ frame: [UInt8], for key: CompressionKey) {
        stores.withLock { $0 += 1 }
        frames.withLock { $0[key.text] = frame }
    }
}
