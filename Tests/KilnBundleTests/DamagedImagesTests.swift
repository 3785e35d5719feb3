import KilnBundle
import KilnCore
import KilnTestSupport
import Testing

/// The whole-bundle check (`kiln verify`): every image read and checked, several at once, and
/// each image that cannot be used reported once, in table order, whatever the number of jobs.
@Suite("Reading every image")
struct DamagedImagesTests {
    /// A bundle with cubins stored against references, and its bytes with one image's stored
    /// body damaged in its middle: the image `victim` picks from the entries.
    static func bundles(damaging victim: ([ImageEntry]) -> ImageEntry?) throws -> (whole: String, damaged: String, entries: [ImageEntry]) {
        let bytes = try SyntheticBundle.relatedWriter(modules: ["saxpy", "gemm"], deviceList: "sm_80,sm_86,sm_90,cpu").serialize()
        let whole = try SyntheticBundle.temporaryFile(bytes, name: "whole.kiln")
        let entries = try BundleReader(path: whole).entries()
        let victim = try #require(victim(entries))
        var damaged = bytes
        damaged[Int(victim.offset + victim.storedSize / 2)] ^= 0x5A
        return (whole, try SyntheticBundle.temporaryFile(damaged, name: "damaged.kiln"), entries)
    }

    @Test("an intact bundle has no damaged image, read one or several at a time", arguments: [1, 2, 8])
    func intact(_ jobs: Int) throws {
        let (whole, _, entries) = try Self.bundles { $0.first }
        #expect(try BundleReader(path: whole).damagedImages(entries, jobs: jobs).isEmpty)
    }

    @Test("a damaged image is reported with a corruptBundle error, and only it", arguments: [1, 2, 8])
    func oneDamaged(_ jobs: Int) throws {
        let (_, damaged, entries) = try Self.bundles { $0.first { $0.module == "gemm" && $0.target == "cpu" } }
        let found = try BundleReader(path: damaged).damagedImages(entries, jobs: jobs)
        #expect(found.map { "\($0.entry.module) × \($0.entry.target)" } == ["gemm × cpu"])
        #expect((found.first?.error as? KilnError)?.code == .corruptBundle)
    }

    @Test("a damaged reference is reported with every image stored against it, in table order", arguments: [1, 2, 8])
    func damagedReference(_ jobs: Int) throws {
        // The reference of gemm's first image stored against one.
        let (_, damaged, entries) = try Self.bundles { entries in
            entries.first { $0.module == "gemm" && $0.reference != nil }.flatMap { entries[$0.reference!] }
        }
        let reference = try #require(entries.first { $0.module == "gemm" && $0.reference != nil }?.reference)
        let dependents = entries.filter { $0.reference == reference }
        let expected = entries.filter { $0 == entries[reference] || dependents.contains($0) }
        let found = try BundleReader(path: damaged).damagedImages(entries, jobs: jobs)
        #expect(found.map(\.entry) == expected)
    }
}
