import KilnCore

/// What a bundle holds besides its images: its modules and their kernels, its targets,
/// the device list as given, and the toolchains that built it. Stored as JSON with sorted keys.
public struct Manifest: Codable, Sendable, Equatable {
    /// The device list the bundle was built from, as the user wrote it.
    public var deviceList: String
    /// The modules, sorted by name.
    public var modules: [ModuleRecord]
    /// The targets, in the order of the device list.
    public var targets: [TargetRecord]
    /// The toolchains that built the images: name → version (`nvrtc` → `13.0.88`).
    public var toolchains: [String: String]
    /// For a shard part (`kiln build --shard`): which shard it is and what merging needs; nil for
    /// a bundle (and then absent from the JSON, so a bundle's bytes do not change).
    public var shard: ShardRecord?

    /// Creates a manifest.
    public init(deviceList: String, modules: [ModuleRecord], targets: [TargetRecord], toolchains: [String: String]) {
        self.deviceList = deviceList
        self.modules = modules
        self.targets = targets
        self.toolchains = toolchains
    }

    /// The record of a module, or nil.
    public func module(named name: String) -> ModuleRecord? {
        modules.first { $0.name == name }
    }

    /// The record of a target, or nil.
    public func target(named name: String) -> TargetRecord? {
        targets.first { $0.name == name }
    }
}

/// One module: its source's language and hash, and its kernels.
public struct ModuleRecord: Codable, Sendable, Equatable {
    /// The module's name: its file name without the extension.
    public var name: String
    /// The language of its source.
    public var language: SourceLanguage
    /// The SHA-256 of its source, in hexadecimal.
    public var sourceSHA256: String
    /// Its kernels, in source order.
    public var kernels: [KernelRecord]

    /// Creates a module record.
    public init(name: String, language: SourceLanguage, sourceSHA256: String, kernels: [KernelRecord]) {
        self.name = name
        self.language = language
        self.sourceSHA256 = sourceSHA256
        self.kernels = kernels
    }
}

/// One kernel: the name to ask for it by, and its parameters, so launches can be checked.
public struct KernelRecord: Codable, Sendable, Equatable {
    /// The kernel's name (`saxpy`, `gemm<128,64>`).
    public var name: String
    /// Its parameters, in order.
    public var parameters: [ParameterRecord]
    /// The symbol to look it up by in a loaded image, where that differs from the name
    /// (the mangled name NVRTC gives a template instantiation).
    public var symbol: String?
    /// The work-group size the kernel requires (`reqd_work_group_size(X, Y, Z)`), checked at launch.
    public var requiredWorkGroupSize: [Int]?
    /// The targets whose images hold the kernel, where that is not every image: a kernel inside
    /// `#ifdef cl_khr_fp64` is compiled out for a device without double precision. nil: every image.
    public var targets: [String]?

    /// Creates a kernel record.
    public init(name: String, parameters: [ParameterRecord], symbol: String? = nil,
                requiredWorkGroupSize: [Int]? = nil, targets: [String]? = nil) {
        self.name = name
        self.parameters = parameters
        self.symbol = symbol
        self.requiredWorkGroupSize = requiredWorkGroupSize
        self.targets = targets
    }

    /// Whether the image of a target holds the kernel.
    public func isIn(target: String) -> Bool {
        targets?.contains(target) ?? true
    }
}

/// One kernel parameter as written in the source.
public struct ParameterRecord: Codable, Sendable, Equatable {
    /// The parameter's name.
    public var name: String
    /// Its type as written (`float`, `const float*`, `int`).
    public var type: String
    /// Its address space for pointers: `global`, `local`, `constant`; nil for values.
    public var addressSpace: String?

    /// Creates a parameter record.
    public init(name: String, type: String, addressSpace: String? = nil) {
        self.name = name
        self.type = type
        self.addressSpace = addressSpace
    }
}

/// One target: its format, the toolchain that built it, and what resolution needs to know.
public struct TargetRecord: Codable, Sendable, Equatable {
    /// The target's canonical name.
    public var name: String
    /// The format of its images.
    public var format: ImageFormat
    /// The toolchain and version that built it (`nvrtc 13.0.88`).
    public var toolchain: String
    /// For PTX: the PTX ISA version written (`9.0`).
    public var ptxISAVersion: String?
    /// For Intel devices: the IP version `ocloc ids` gives.
    public var ipVersion: String?
    /// For `cpu`: PoCL's device string of the building machine.
    public var hostString: String?

    /// Creates a target record.
    public init(name: String, format: ImageFormat, toolchain: String, ptxISAVersion: String? = nil,
                ipVersion: String? = nil, hostString: String? = nil) {
        self.name = name
        self.format = format
        self.toolchain = toolchain
        self.ptxISAVersion = ptxISAVersion
        self.ipVersion = ipVersion
        self.hostString = hostString
    }
}
