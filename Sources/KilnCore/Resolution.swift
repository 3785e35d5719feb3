/// The path a resolution takes, as the report and `kiln explain` name it.
public enum ResolutionPath: String, Sendable, Codable, CaseIterable {
    /// A device binary built for exactly this device.
    case aot
    /// A device binary built for a compatible device (`sm_80` on an 8.6 GPU).
    case aotCompatible = "aot-compatible"
    /// A portable form compiled for this device at run time.
    case jit
    /// A portable form compiled earlier and taken from the cache.
    case jitCached = "jit-cached"

    /// Whether the path compiles (or compiled) a portable form.
    public var isJIT: Bool { self == .jit || self == .jitCached }
}

/// An image a bundle holds for one module, with what resolution needs to know of it.
public struct AvailableImage: Sendable, Hashable {
    /// The target it was built for.
    public var target: Target
    /// For PTX: the PTX ISA version it was written in (`9.0`), when known.
    public var ptxISAVersion: String?
    /// For `cpu`: PoCL's device string of the building machine.
    public var hostString: String?
    /// For `source`: the language, which decides which families can compile it.
    public var sourceLanguage: SourceLanguage?

    /// Creates a description of an available image.
    public init(target: Target, ptxISAVersion: String? = nil, hostString: String? = nil,
                sourceLanguage: SourceLanguage? = nil) {
        self.target = target
        self.ptxISAVersion = ptxISAVersion
        self.hostString = hostString
        self.sourceLanguage = sourceLanguage
    }
}

/// The language of a module's source.
public enum SourceLanguage: String, Sendable, Hashable, Codable {
    /// Kiln's portable OpenCL C dialect (`.cl`): every family compiles it.
    case openCLC = "opencl-c"
    /// CUDA C++ (`.cu`): NVIDIA only.
    case cuda

    /// The language of a file with this extension (`cl`, `cu`), or nil.
    public init?(fileExtension: String) {
        switch fileExtension.lowercased() {
        case "cl": self = .openCLC
        case "cu", "cuh": self = .cuda
        default: return nil
        }
    }
}

/// The image chosen for a module on a device, and why.
public struct ResolutionPlan: Sendable, Equatable {
    /// The target whose image is used.
    public var target: Target
    /// The path: `aot`, `aot-compatible` or `jit` (the cache decides `jit-cached` at run time).
    public var path: ResolutionPath
    /// Why this image, in words.
    public var reason: String
    /// What must hold at run time for this plan to work (a compiler present, a driver new enough).
    public var conditions: [String]
}
