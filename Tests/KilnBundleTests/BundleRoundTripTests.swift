import KilnBundle
import KilnCore
import KilnTestSupport
import Testing

@Suite("Bundle writer and reader")
struct BundleRoundTripTests {
    static let modules = ["saxpy", "gemm", "softmax"]
    static let devices = "ats-m150,pvc,sm_80,sm_90,cpu"

    @Test("every image reads back byte for byte, checked")
    func roundTrip() throws {
        let path = try SyntheticBundle.temporaryFile(try SyntheticBundle.bytes(modules: Self.modules, deviceList: Self.devices))
        let reader = try BundleReader(path: path)
        let list = try DeviceList.parse(Self.devices)
        #expect(reader.imageCount == Self.modules.count * list.targets.count)
        for module in Self.modules {
            for target in list.targets {
                let bytes = try reader.image(module: module, target: target.name)
                #expect(bytes == SyntheticBundle.image(module: module, target: target.name, size: 4096))
            }
        }
        let manifest = try reader.manifest()
        #expect(manifest.deviceList == Self.devices)
        #expect(manifest.modules.map(\.name) == Self.modules.sorted())
        #expect(manifest.targets.map(\.name) == list.targets.map(\.name))
        #expect(reader.writerVersion == KilnVersion.current)
    }

    @Test("the same inputs give byte-identical files, whatever the order images were added in")
    func deterministic() throws {
        let first = try SyntheticBundle.bytes(modules: Self.modules, deviceList: Self.devices)
        let second = try SyntheticBundle.bytes(modules: Self.modules.reversed(), deviceList: Self.devices)
        #expect(first == second)
    }

    @Test("identical images are stored once")
    func deduplicates() throws {
        let manifest = Manifest(
            deviceList: "sm_80,sm_86",
            modules: [ModuleRecord(name: "m", language: .cuda, sourceSHA256: "", kernels: [])],
            targets: [TargetRecord(name: "sm_80", format: .cubin, toolchain: "t"),
                      TargetRecord(name: "sm_86", format: .cubin, toolchain: "t")],
            toolchains: [:])
        let image = SyntheticBundle.image(module: "m", target: "x", size: 50_000, compressible: false)
        var writer = BundleWriter(manifest: manifest)
        try writer.add(module: "m", target: "sm_80", format: .cubin, toolchain: "t", bytes: image)
        try writer.add(module: "m", target: "sm_86", format: .cubin, toolchain: "t", bytes: image)
        let bytes = try writer.serialize()
        #expect(bytes.count < 60_000, "two 50 kB images should be stored once")
        let reader = try BundleReader(path: try SyntheticBundle.temporaryFile(bytes))
        let entries = try reader.entries()
        #expect(entries.count == 2)
        #expect(entries[0].offset == entries[1].offset)
        #expect(try reader.image(entries[1]) == image)
    }

    @Test("compressible images are stored with zstd, noise is stored as is")
    func codecs() throws {
        let bytes = try SyntheticBundle.bytes(modules: ["m"], deviceList: "sm_90,no-ptx,no-source", imageSize: 20_000)
        let entry = try #require(try BundleReader(path: try SyntheticBundle.temporaryFile(bytes)).entry(module: "m", target: "sm_90"))
        #expect(entry.codec == .zstd)
        #expect(entry.storedSize < entry.rawSize / 2)

        var writer = try SyntheticBundle.writer(modules: ["m"], deviceList: "sm_90,no-ptx,no-source")
        let noise = SyntheticBundle.image(module: "m", target: "n", size: 20_000, compressible: false)
        try writer.add(module: "m", target: "sm_90", format: .cubin, toolchain: "t", bytes: noise)
        let stored = try #require(try BundleReader(path: try SyntheticBundle.temporaryFile(try writer.serialize())).entry(module: "m", target: "sm_90"))
        #expect(stored.codec == .none)
        #expect(stored.storedSize == 20_000)
    }

    @Test("lookup of an image the bundle lacks is nil, and reading it names the fix")
    func missingImage() throws {
        let reader = try BundleReader(path: try SyntheticBundle.temporaryFile(try SyntheticBundle.bytes(modules: ["a", "c"], deviceList: "pvc")))
        #expect(try reader.entry(module: "b", target: "pvc") == nil)
        #expect(try reader.entry(module: "a", target: "sm_90") == nil)
        let error = try #require(throws: KilnError.self) { try reader.image(module: "b", target: "pvc") }
        #expect(error.code == .imageNotFound)
        #expect(error.message.contains("kiln inspect"))
    }

    @Test("the writer refuses images of modules or targets the manifest lacks")
    func writerValidates() throws {
        var writer = try SyntheticBundle.writer(modules: ["m"], deviceList: "pvc")
        #expect(throws: KilnError.self) { try writer.add(module: "x", target: "pvc", format: .zebin, toolchain: "t", bytes: [1]) }
        #expect(throws: KilnError.self) { try writer.add(module: "m", target: "sm_90", format: .cubin, toolchain: "t", bytes: [1]) }
    }
}
