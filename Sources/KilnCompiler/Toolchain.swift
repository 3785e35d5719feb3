import KilnBundle
import KilnCore

/// A compiler that turns a module into an image for some targets: NVRTC, ocloc, PoCL.
public protocol Toolchain: Sendable {
    /// Its name and version as recorded in bundles: `nvrtc 13.0`.
    var identity: String { get }
    /// The source languages it compiles.
    var languages: Set<SourceLanguage> { get }
    /// Whether it builds images for this target.
    func builds(_ target: Target) -> Bool
    /// The command line or options it would use, for `--verbose` and for the build cache key.
    func invocation(for module: SourceModule, target: Target) -> String
    /// Compiles one module for one target.
    ///
    /// - Throws: `KilnError.compilationFailed` with the compiler's log (file and line), or
    ///   `.toolchainUnavailable` when the target is one this toolchain cannot build.
    func compile(_ module: SourceModule, for target: Target) async throws(KilnError) -> CompiledImage
    /// Text that changes the output without showing in the invocation (a built-in header), for the build cache key.
    func cacheSalt(for module: SourceModule) -> String
    /// A name for work that this module's compiles for several targets share within one build
    /// (clang's PTX at one architecture), so that a sharded build keeps those targets on one
    /// shard; nil when the target's compile shares nothing.
    func sharedWork(for module: SourceModule, target: Target) -> String?
}

extension Toolchain {
    public func cacheSalt(for module: SourceModule) -> String { "" }
    public func sharedWork(for module: SourceModule, target: Target) -> String? { nil }
}

/// What one compile produced.
public struct CompiledImage: Sendable, Codable {
    /// The image's bytes.
    public var bytes: [UInt8]
    /// The compiler's log (warnings; empty when clean).
    public var log: String
    /// For PTX: the `.version` it declares.
    public var ptxISAVersion: String?
    /// Kernel name → symbol, where they differ (template instantiations).
    public var symbols: [String: String]
    /// For `cpu`: the PoCL device string the binary is tied to, recorded as the target's host string.
    public var hostString: String?
    /// The kernels the image holds, where only the compiler can tell (PoCL); nil where the image's
    /// own symbols tell (``ImageKernels``).
    public var kernelNames: [String]?

    /// Creates a compiled image.
    public init(bytes: [UInt8], log: String = "", ptxISAVersion: String? = nil, symbols: [String: String] = [:],
                hostString: String? = nil, kernelNames: [String]? = nil) {
        self.bytes = bytes
        self.log = log
        self.ptxISAVersion = ptxISAVersion
        self.symbols = symbols
        self.hostString = hostString
        self.kernelNames = kernelNames
    }
}

/// The `source` portable form: the module's text as is.
public struct SourceToolchain: Toolchain {
    public init() {}
    public var identity: String { "kiln \(KilnVersion.current)" }
    public var languages: Set<SourceLanguage> { [.openCLC, .cuda] }
    public func builds(_ target: Target) -> Bool { target.kind == .source }
    public func invocation(for module: SourceModule, target: Target) -> String { "copy \(module.path)" }
    public func compile(_ module: SourceModule, for target: Target) async throws(KilnError) -> CompiledImage {
        CompiledImage(bytes: Array(module.text.utf8))
    }
}
