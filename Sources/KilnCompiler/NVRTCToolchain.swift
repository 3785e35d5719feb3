import KilnBundle
import KilnCore
import KilnDrivers

/// CUDA C++ (`.cu`) for NVIDIA targets through NVRTC, loaded with dlopen: a cubin per `sm_XY`,
/// PTX per `compute_XY`. Template kernels are lowered through NVRTC name expressions. OpenCL C
/// for NVIDIA goes through ``ClangNVIDIAToolchain`` instead.
public struct NVRTCToolchain: Toolchain {
    let compiler: NVRTCCompiler
    let supported: Set<Int>

    /// Finds and loads NVRTC (`KILN_NVRTC`, the CUDA toolkit, a pip install).
    ///
    /// - Throws: `KilnError.toolchainUnavailable` listing the paths searched and how to install it.
    public init() throws(KilnError) {
        compiler = try NVRTCCompiler()
        supported = Set(compiler.library.supportedArchitectures())
    }

    /// `nvrtc MAJOR.MINOR`.
    public var identity: String { "nvrtc \(compiler.library.version.major).\(compiler.library.version.minor)" }

    /// The file NVRTC was loaded from.
    public var libraryPath: String { compiler.library.path }

    public var languages: Set<SourceLanguage> { [.cuda] }

    public func builds(_ target: Target) -> Bool {
        switch target.kind {
        case .cubin, .ptx: true
        default: false
        }
    }

    func options(for module: SourceModule, target: Target) -> [String] {
        compiler.options(for: target)
    }

    public func invocation(for module: SourceModule, target: Target) -> String {
        let expressions = module.kernels.map(\.name)
        return "nvrtc " + (options(for: module, target: target) + [module.path]).joined(separator: " ")
            + (expressions.isEmpty ? "" : " (name expressions: \(expressions.joined(separator: ", ")))")
    }

    public func compile(_ module: SourceModule, for target: Target) async throws(KilnError) -> CompiledImage {
        let capability: ComputeCapability
        switch target.kind {
        case .cubin(let cc, _), .ptx(let cc, _): capability = cc
        default: throw KilnError(.toolchainUnavailable, "NVRTC does not build target \(target.name)")
        }
        guard supported.isEmpty || supported.contains(capability.number) else {
            let list = supported.sorted().map { "sm_\($0)" }.joined(separator: ", ")
            throw KilnError(.toolchainUnavailable,
                "\(identity) cannot compile for \(target.name) (it supports \(list)) — leave \(target.name) out, or name an NVRTC that supports it with KILN_NVRTC (CUDA 12.x for sm_70)")
        }
        // Every kernel is a name expression, so the symbols NVRTC emitted (mangled unless
        // `extern "C"`) are recorded and checked against the image.
        let expressions = module.kernels.map(\.name)
        let (compiler, options) = (compiler, options(for: module, target: target))
        let output = try await runBlocking { () throws(KilnError) in
            try compiler.compile(source: module.text, name: module.path, options: options, nameExpressions: expressions, headers: [])
        }
        var isa: String?
        if output.kind == .ptx {
            let text = String(decoding: output.code, as: UTF8.self)
            isa = text.split(separator: "\n").first { $0.hasPrefix(".version ") }
                .map { String($0.dropFirst(".version ".count)).trimmingWhitespace() }
        }
        return CompiledImage(bytes: output.code, log: output.log, ptxISAVersion: isa, symbols: output.loweredNames.filter { $0.key != $0.value })
    }
}
