#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import KilnBundle
import KilnCore

/// Bundles made of synthetic images, for tests and benchmarks that run before (or
/// without) the compilers: every image is deterministic bytes derived from its name.
public enum SyntheticBundle {
    /// The PoCL host string a synthetic `cpu` image records, unless a test names its own.
    public static let cpuHost = "pthread-x86_64-pc-linux-gnu-skylake-avx512"

    /// A manifest and writer for modules × the targets of a device list, with an image per pair.
    ///
    /// - Parameter cpuHost: the host string `cpu` images record; a test that loads one on this
    ///   machine's PoCL passes the device's, since only an exact match is loaded.
    public static func writer(modules: [String], deviceList: String, imageSize: Int = 4096,
                              compressible: Bool = true, cpuHost: String = cpuHost) throws -> BundleWriter {
        try writer(modules: modules, deviceList: deviceList, cpuHost: cpuHost) { module, target in
            image(module: module, target: target, size: imageSize, compressible: compressible)
        }
    }

    /// A writer like ``writer(modules:deviceList:imageSize:compressible:)`` whose images of one
    /// module are near copies of each other (``relatedImage(module:target:size:mutationRate:)``),
    /// as cubins of neighbouring architectures are.
    public static func relatedWriter(modules: [String], deviceList: String, imageSize: Int = 16_384,
                                     mutationRate: Int = 10) throws -> BundleWriter {
        try writer(modules: modules, deviceList: deviceList) { module, target in
            relatedImage(module: module, target: target, size: imageSize, mutationRate: mutationRate)
        }
    }

    /// Noise that depends on the module only, with `mutationRate` bytes in 1,000 changed by the
    /// target: incompressible alone, small against a sibling.
    public static func relatedImage(module: String, target: String, size: Int = 16_384, mutationRate: Int = 10) -> [UInt8] {
        var bytes = image(module: module, target: "", size: size, compressible: false)
        var generator = SplitMix64(seed: UInt64(truncatingIfNeeded: target.utf8.reduce(5381) { $0 &* 33 &+ Int($1) }))
        for _ in 0..<(size * mutationRate / 1000) {
            bytes[Int(generator.next() % UInt64(size))] = UInt8(truncatingIfNeeded: generator.next())
        }
        return bytes
    }

    static func writer(modules: [String], deviceList: String, language: SourceLanguage = .openCLC, cpuHost: String = cpuHost,
                       image: (String, String) -> [UInt8]) throws -> BundleWriter {
        let list = try DeviceList.parse(deviceList)
        let manifest = Manifest(
            deviceList: deviceList,
            modules: modules.map { name in
                ModuleRecord(name: name, language: language, sourceSHA256: String(repeating: "0", count: 64),
                             kernels: [KernelRecord(name: "\(name)_kernel", parameters: [
                                 ParameterRecord(name: "out", type: "float*", addressSpace: "global"),
                                 ParameterRecord(name: "n", type: "int"),
                             ])])
            },
            targets: list.targets.map { target in
                TargetRecord(name: target.name, format: target.format, toolchain: toolchain(for: target),
                             ptxISAVersion: target.format == .ptx ? "9.0" : nil,
                             ipVersion: ipVersion(of: target),
                             hostString: target.kind == .cpu ? cpuHost : nil)
            },
            toolchains: ["synthetic": KilnVersion.current])
        var writer = BundleWriter(manifest: manifest, compressionLevel: 3)
        for module in modules {
            for target in list.targets {
                try writer.add(module: module, target: target.name, format: target.format,
                               toolchain: toolchain(for: target),
                               bytes: image(module, target.name))
            }
        }
        return writer
    }

    /// The bytes of a synthetic bundle whose modules are in `language`.
    public static func bytes(modules: [String], deviceList: String, imageSize: Int = 4096,
                             language: SourceLanguage = .openCLC) throws -> [UInt8] {
        try writer(modules: modules, deviceList: deviceList, language: language) { module, target in
            image(module: module, target: target, size: imageSize)
        }.serialize()
    }

    /// The synthetic image of one module for one target: text-like and compressible, or noise,
    /// inside the structure of the target's format (``SyntheticImage``) so it passes `ImageCheck`.
    public static func image(module: String, target: String, size: Int, compressible: Bool = true) -> [UInt8] {
        SyntheticImage.wrap(payload(module: module, target: target, size: size, compressible: compressible),
                            target: target, module: module)
    }

    /// The bytes an image is made around.
    static func payload(module: String, target: String, size: Int, compressible: Bool) -> [UInt8] {
        var generator = SplitMix64(seed: UInt64(truncatingIfNeeded: (module + "/" + target).utf8.reduce(5381) { $0 &* 33 &+ Int($1) }))
        if compressible {
            let words = ["ld.global", "st.global", "mad.f32", "bar.sync", "\(module)", "\(target)", "ret;", "\n"]
            var out: [UInt8] = []
            while out.count < size {
                out += Array(words[Int(generator.next() % UInt64(words.count))].utf8) + [32]
            }
            return Array(out.prefix(size))
        }
        return (0..<size).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
    }

    static func toolchain(for target: Target) -> String {
        switch target.format {
        case .cubin, .ptx: "nvrtc 13.0.88"
        case .zebin, .spirv: "ocloc 22.43.24595"
        case .poclBinary: "pocl 3.1"
        case .source: "kiln \(KilnVersion.current)"
        }
    }

    static func ipVersion(of target: Target) -> String? {
        if case .intelDevice(let ip) = target.kind { return ip.description }
        return nil
    }

    /// Writes bytes to a fresh file in a temporary folder and returns its path.
    public static func temporaryFile(_ bytes: [UInt8], name: String = "test.kiln") throws -> String {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("kiln-tests-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }
}

/// A small seeded generator, so mutation tests repeat exactly.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Creates a generator from a seed.
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
