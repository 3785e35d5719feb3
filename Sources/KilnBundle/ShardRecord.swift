/// What a shard part (`kiln build --shard I/N`) records besides its images, so that
/// `kiln merge` can check that its parts belong together and write the bundle the single build
/// writes. A bundle that is not a part has none.
public struct ShardRecord: Codable, Sendable, Equatable {
    /// The shard's index, from 0 to `count - 1`.
    public var index: Int
    /// How many shards the build was split into.
    public var count: Int
    /// The SHA-256 of everything that decides the bundle's bytes: every module's expanded text,
    /// the device list, the build options and the toolchains' identities.
    public var inputs: String
    /// The zstd level the merged bundle is written with.
    public var compressionLevel: Int32
    /// How many images the whole build makes, across all shards.
    public var plannedImages: Int
    /// The modules' names in build order (the order of the sources).
    public var moduleOrder: [String]
    /// The targets as the build plans them, before any image is made: name, format, the toolchain
    /// that builds it, and the Intel IP version.
    public var plannedTargets: [TargetRecord]
    /// What the build learned from each of this shard's images.
    public var images: [ShardImageRecord]

    /// Creates a shard record.
    public init(index: Int, count: Int, inputs: String, compressionLevel: Int32, plannedImages: Int,
                moduleOrder: [String], plannedTargets: [TargetRecord], images: [ShardImageRecord]) {
        self.index = index
        self.count = count
        self.inputs = inputs
        self.compressionLevel = compressionLevel
        self.plannedImages = plannedImages
        self.moduleOrder = moduleOrder
        self.plannedTargets = plannedTargets
        self.images = images
    }
}

/// What a build learned from one image of a shard, which the merged manifest is made from.
public struct ShardImageRecord: Codable, Sendable, Equatable {
    /// The module's name.
    public var module: String
    /// The target's name.
    public var target: String
    /// The toolchain that built it (`nvrtc 13.0.88`).
    public var toolchain: String
    /// The kernels the image holds, sorted.
    public var kernels: [String]
    /// Kernel name → symbol, where they differ.
    public var symbols: [String: String]
    /// For PTX: the `.version` it declares.
    public var ptxISAVersion: String?
    /// For `cpu`: the PoCL device string the binary is tied to.
    public var hostString: String?

    /// Creates an image record.
    public init(module: String, target: String, toolchain: String, kernels: [String], symbols: [String: String],
                ptxISAVersion: String?, hostString: String?) {
        self.module = module
        self.target = target
        self.toolchain = toolchain
        self.kernels = kernels
        self.symbols = symbols
        self.ptxISAVersion = ptxISAVersion
        self.hostString = hostString
    }
}
