import KilnBundle
import KilnCore

/// The last step of a build: the manifest and the bundle's bytes, made from the plan and its
/// images however they were compiled — by one `kiln build`, or by shards that `kiln merge` joins.
/// Both go through here, so both write the same bytes.
public struct BundleAssembly: Sendable {
    /// The device list as the user wrote it.
    public var deviceList: String
    /// The targets in device-list order, as planned: format, the toolchain that builds each, the
    /// Intel IP version (what an image adds is filled in from the images).
    public var targets: [TargetRecord]
    /// The modules in build order, their kernels as listed (symbols and targets unset).
    public var modules: [ModuleRecord]
    /// The toolchains' versions by name.
    public var toolchains: [String: String]
    /// The images, in any order.
    public var images: [BuiltImage]

    /// Creates an assembly.
    public init(deviceList: String, targets: [TargetRecord], modules: [ModuleRecord],
                toolchains: [String: String], images: [BuiltImage]) {
        self.deviceList = deviceList
        self.targets = targets
        self.modules = modules
        self.toolchains = toolchains
        self.images = images
    }

    /// The images in plan order: by target in device-list order, then by module in build order.
    public var orderedImages: [BuiltImage] {
        let targetRank = Dictionary(targets.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        let moduleRank = Dictionary(modules.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        return images.sorted {
            (targetRank[$0.record.target] ?? .max, moduleRank[$0.record.module] ?? .max)
                < (targetRank[$1.record.target] ?? .max, moduleRank[$1.record.module] ?? .max)
        }
    }

    /// The manifest: each kernel's symbol (from the first image that names one) and the targets
    /// whose images hold it (nil when all do); each target's toolchain, PTX ISA and host string
    /// from its first image.
    public func manifest() -> Manifest {
        let images = orderedImages
        var held: [String: [String: Set<String>]] = [:]  // module → target → kernels its image holds
        for image in images {
            held[image.record.module, default: [:]][image.record.target] = Set(image.record.kernels)
        }
        let modules = self.modules.map { module -> ModuleRecord in
            var record = module
            let symbols = images.first { $0.record.module == module.name && !$0.record.symbols.isEmpty }?.record.symbols ?? [:]
            let built = held[module.name] ?? [:]
            for index in record.kernels.indices {
                let name = record.kernels[index].name
                record.kernels[index].symbol = symbols[name]
                let targets = self.targets.map(\.name).filter { built[$0]?.contains(name) == true }
                record.kernels[index].targets = targets.count == built.count ? nil : targets
            }
            return record
        }
        let targets = self.targets.map { planned -> TargetRecord in
            var record = planned
            let first = images.first { $0.record.target == planned.name }
            if let first { record.toolchain = first.record.toolchain }
            record.ptxISAVersion = first?.record.ptxISAVersion
            record.hostString = first?.record.hostString
            return record
        }
        return Manifest(deviceList: deviceList, modules: modules, targets: targets, toolchains: toolchains)
    }

    /// The bundle's bytes, the images compressed at a level (against siblings where that helps).
    ///
    /// - Throws: `KilnError.invalidArgument` for an image the format cannot hold.
    public func bundle(compressionLevel: Int32, jobs: Int, cache: (any CompressedImageCache)?) throws(KilnError) -> [UInt8] {
        try writer(manifest: manifest(), compressionLevel: compressionLevel).serialize(jobs: jobs, cache: cache)
    }

    /// A shard part's bytes: the manifest of these images with the shard's record, each image
    /// compressed alone at a fast level (merging compresses them again, as the single build does).
    ///
    /// - Throws: `KilnError.invalidArgument` for an image the format cannot hold.
    public func part(_ shard: ShardRecord, jobs: Int) throws(KilnError) -> [UInt8] {
        var manifest = manifest()
        manifest.shard = shard
        var writer = try writer(manifest: manifest, compressionLevel: Self.partCompressionLevel)
        writer.usesReferences = false
        return try writer.serialize(jobs: jobs, cache: nil)
    }

    /// The zstd level of a part's images: fast, since the merge compresses them again.
    static let partCompressionLevel: Int32 = 3

    private func writer(manifest: Manifest, compressionLevel: Int32) throws(KilnError) -> BundleWriter {
        var writer = BundleWriter(manifest: manifest, compressionLevel: compressionLevel)
        for image in images {
            try writer.add(module: image.record.module, target: image.record.target, format: image.format,
                           toolchain: image.record.toolchain, bytes: image.bytes)
        }
        return writer
    }
}

/// One image made for a bundle, with what its build learned about it.
public struct BuiltImage: Sendable {
    /// Its module, target, toolchain, kernels, symbols, PTX ISA and host string.
    public var record: ShardImageRecord
    /// The format of its bytes.
    public var format: ImageFormat
    /// The image's bytes.
    public var bytes: [UInt8]

    /// Creates a built image.
    public init(record: ShardImageRecord, format: ImageFormat, bytes: [UInt8]) {
        self.record = record
        self.format = format
        self.bytes = bytes
    }
}
