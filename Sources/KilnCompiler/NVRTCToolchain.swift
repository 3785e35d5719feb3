#if canImport(Glibc)
import Glibc
#endif
import KilnBundle
import KilnCore

/// CUDA C++ (`.cu`) for NVIDIA targets through NVRTC, loaded with dlopen: a cubin per `sm_XY`,
/// PTX per `compute_XY`. Template kernels are lowered through NVRTC name expressions. OpenCL C
/// for NVIDIA goes through ``ClangNVIDIAToolchain`` instead.
public struct NVRTCToolchain: Toolchain {
    let compiler: NVRTCCompiler
    let supported: Set<Int>
    /// The CUDA headers (`cuda_fp16.h`, `mma.h`, `cooperative_groups.h`, libcu++ under `cccl`) from
    /// pip's CUDA 13.0 header packages, which scripts/setup.sh installs into `.toolchains/cuda-headers`;
    /// `KILN_CUDA_INCLUDE` names another folder. Empty where none is found.
    let includeDirectories: [String]

    /// Finds and loads NVRTC (`KILN_NVRTC`, the CUDA toolkit, a pip install).
    ///
    /// - Throws: `KilnError.toolchainUnavailable` listing the paths searched and how to install it.
    public init() throws {
        compiler = try NVRTCCompiler()
        supported = Set(compiler.library.supportedArchitectures())
        includeDirectories = Self.cudaIncludeDirectories()
    }

    /// The CUDA header folders: `KILN_CUDA_INCLUDE`, else `.toolchains/cuda-headers/nvidia/cu13/include`
    /// here or above the executable, else `/usr/local/cuda/include`; with the `cccl` folder inside when present.
    static func cudaIncludeDirectories(environment: [String: String] = NVRTCLocator.processEnvironment()) -> [String] {
        var candidates = NVRTCLocator.toolchainRoots("cuda-headers").map { NVRTCLocator.absolute($0) + "/nvidia/cu13/include" }
        candidates.append("/usr/local/cuda/include")
        if let named = environment["KILN_CUDA_INCLUDE"], !named.isEmpty { candidates = [named] }
        guard let found = candidates.first(where: { access($0 + "/cuda_fp16.h", R_OK) == 0 }) else { return [] }
        return access(found + "/cccl", F_OK) == 0 ? [found, found + "/cccl"] : [found]
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
        ["-arch=" + target.name] + includeDirectories.map { "--include-path=" + $0 }
    }

    public func invocation(for module: SourceModule, target: Target) -> String {
        let expressions = module.kernels.map(\.name)
        return "nvrtc " + (options(for: module, target: target) + [module.path]).joined(separator: " ")
            + (expressions.isEmpty ? "" : " (name expressions: \(expressions.joined(separator: ", ")))")
    }

    public func compile(_ module: SourceModule, for target: Target) throws -> CompiledImage {
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
        let output = try compiler.compile(source: module.text, name: module.path,
                                          options: options(for: module, target: target), nameExpressions: expressions,
                                          headers: [])
        var isa: String?
        if output.kind == .ptx {
            let text = String(decoding: output.code, as: UTF8.self)
            isa = text.split(separator: "\n").first { $0.hasPrefix(".version ") }
                .map { String($0.dropFirst(".version ".count)).trimmingWhitespace() }
        }
        return CompiledImage(bytes: output.code, log: output.log, ptxISAVersion: isa, symbols: output.loweredNames.filter { $0.key != $0.value })
    }
}
