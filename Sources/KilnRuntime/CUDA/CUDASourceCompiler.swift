import KilnBundle
import KilnCore
import KilnDrivers

/// Compiles a module's CUDA source (`.cu`) for one GPU at run time with NVRTC, as `kiln build`
/// would for the GPU's `sm_XY`: the same options (``NVRTCCompiler/options(for:)``), every kernel a
/// name expression, so kernels the bundle records without a symbol are found in the cubin.
struct CUDASourceCompiler: Sendable {
    /// The GPU's cubin target: `sm_90`.
    let target: Target
    /// Where NVRTC is found: nil for the process-wide one (`KILN_NVRTC`, the CUDA toolkit, a pip install).
    let locator: NVRTCLocator?

    init(target: Target, locator: NVRTCLocator? = nil) {
        self.target = target
        self.locator = locator
    }

    /// NVRTC, loaded on first use.
    ///
    /// - Throws: `KilnError.toolchainUnavailable` naming the library, where it was looked for and how to install it.
    func nvrtc() throws(KilnError) -> NVRTCCompiler {
        guard let locator else { return try NVRTCCompiler() }
        return NVRTCCompiler(library: try NVRTCLibrary(path: locator.locate()))
    }

    /// NVRTC's version and the compile's options, without the header folders' paths (which
    /// differ between machines), for JIT cache keys: `nvrtc 13.0 -arch=sm_90 with CUDA headers`.
    ///
    /// - Throws: `KilnError.toolchainUnavailable` where NVRTC is not installed.
    func identity() throws(KilnError) -> String {
        let nvrtc = try nvrtc()
        let options = nvrtc.options(for: target).filter { !$0.hasPrefix("--include-path=") }
        return "nvrtc \(nvrtc.library.version.major).\(nvrtc.library.version.minor) \(options.joined(separator: " "))"
            + (nvrtc.includeDirectories.isEmpty ? "" : " with CUDA headers")
    }

    /// Compiles one module's source into a cubin for ``target``.
    ///
    /// - Parameters:
    ///   - source: The module's source image (self-contained: includes were inlined at build time).
    ///   - module: The module's record: its name, language and kernels.
    /// - Returns: The cubin and the symbols NVRTC lowered the kernels' names to.
    /// - Throws: `KilnError.toolchainUnavailable` naming NVRTC and how to install it, or where this
    ///   NVRTC does not know the GPU; `.unsupported` for OpenCL C source, which NVRTC does not
    ///   compile; `.compilationFailed` with NVRTC's log.
    func compile(_ source: [UInt8], module: ModuleRecord) throws(KilnError) -> CUDASourceBuild {
        guard module.language == .cuda else {
            throw KilnError(.unsupported,
                "module '\(module.name)' has \(module.language.rawValue) source, which NVRTC does not compile (OpenCL C reaches NVIDIA GPUs as PTX or cubins built by clang and nvJitLink)")
        }
        let nvrtc = try nvrtc()
        let supported = nvrtc.library.supportedArchitectures()
        if case .cubin(let capability, _) = target.kind, !supported.isEmpty, !supported.contains(capability.number) {
            throw KilnError(.toolchainUnavailable,
                "NVRTC \(nvrtc.library.version.major).\(nvrtc.library.version.minor) (\(nvrtc.library.path)) cannot compile for \(target.name) (it supports \(supported.map { "sm_\($0)" }.joined(separator: ", "))) — name an NVRTC that supports it with KILN_NVRTC")
        }
        let output = try nvrtc.compile(source: String(decoding: source, as: UTF8.self), name: module.name + ".cu",
                                       options: nvrtc.options(for: target), nameExpressions: module.kernels.map(\.name))
        guard output.kind == .cubin else {
            throw KilnError(.compilationFailed, "module '\(module.name)': NVRTC made \(output.kind.rawValue) for \(target.name), not a cubin")
        }
        return CUDASourceBuild(cubin: output.code, symbols: output.loweredNames.filter { $0.key != $0.value })
    }
}
