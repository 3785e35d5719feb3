#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import KilnCore

/// What one successful NVRTC compile produced.
package struct NVRTCOutput: Sendable {
    /// Which kind of code `code` holds.
    package enum Kind: String, Sendable {
        /// SASS in an ELF cubin (`-arch=sm_XY`).
        case cubin
        /// PTX text (`-arch=compute_XY`), NUL not included.
        case ptx
    }

    /// `.cubin` for real `sm_XY` targets, `.ptx` for virtual `compute_XY` ones.
    package var kind: Kind
    /// The cubin bytes, or the PTX text's UTF-8 bytes.
    package var code: [UInt8]
    /// NVRTC's program log: warnings on success (often empty).
    package var log: String
    /// Name expression → mangled symbol, e.g. `gemm<128,64>` → `_Z4gemmILi128ELi64EEvPf`.
    package var loweredNames: [String: String]
}

/// Kiln's entry point to NVRTC: compiles one source to a cubin or PTX.
///
/// Safe to call from several threads at once; each call owns its own `nvrtcProgram`.
package struct NVRTCCompiler: Sendable {
    /// The loaded NVRTC.
    package let library: NVRTCLibrary
    /// The CUDA headers (`cuda_fp16.h`, `mma.h`, `cooperative_groups.h`, libcu++ under `cccl`) from
    /// pip's CUDA 13.0 header packages, which scripts/setup.sh installs into `.toolchains/cuda-headers`;
    /// `KILN_CUDA_INCLUDE` names another folder. Empty where none is found.
    package let includeDirectories: [String]

    /// A compiler over `library`, with the CUDA headers found here.
    package init(library: NVRTCLibrary, includeDirectories: [String] = NVRTCCompiler.cudaIncludeDirectories()) {
        self.library = library
        self.includeDirectories = includeDirectories
    }

    /// A compiler over the process-wide NVRTC, located and loaded on first use, with the CUDA headers found here.
    ///
    /// - Throws: `KilnError.toolchainUnavailable` naming the library, the paths searched and how to install it.
    package init() throws(KilnError) { self.init(library: try NVRTCLibrary.shared()) }

    /// The options of one compile for a target (`sm_90` for a cubin, `compute_90` for PTX): the
    /// architecture and the CUDA header folders. `kiln build` and a run-time compile use the same.
    package func options(for target: Target) -> [String] {
        ["-arch=" + target.name] + includeDirectories.map { "--include-path=" + $0 }
    }

    /// The CUDA header folders: `KILN_CUDA_INCLUDE`, else `.toolchains/cuda-headers/nvidia/cu13/include`
    /// here or above the executable, else `/usr/local/cuda/include`; with the `cccl` folder inside when present.
    package static func cudaIncludeDirectories(environment: [String: String] = ProcessEnvironment.current) -> [String] {
        var candidates = NVRTCLocator.toolchainRoots("cuda-headers").map { NVRTCLocator.absolute($0) + "/nvidia/cu13/include" }
        candidates.append("/usr/local/cuda/include")
        if let named = environment["KILN_CUDA_INCLUDE"], !named.isEmpty { candidates = [named] }
        guard let found = candidates.first(where: { access($0 + "/cuda_fp16.h", R_OK) == 0 }) else { return [] }
        return access(found + "/cccl", F_OK) == 0 ? [found, found + "/cccl"] : [found]
    }

    /// Compiles `source`; `name` labels diagnostics, `options` are NVRTC flags (`-arch=sm_90`, `-std=c++17`),
    /// `nameExpressions` are C++ names such as `gemm<128,64>` to lower, `headers` are in-memory includes.
    package func compile(source: String, name: String, options: [String],
                        nameExpressions: [String] = [],
                        headers: [(name: String, source: String)] = []) throws(KilnError) -> NVRTCOutput {
        let symbols = library.symbols
        let program = try NVRTCProgram.create(symbols, source: source, name: name, headers: headers)
            .mapError { $0.error("nvrtcCreateProgram") }.get()
        for expression in nameExpressions {
            try program.addNameExpression(expression)
                .mapError { $0.error("nvrtcAddNameExpression(\(expression))") }.get()
        }
        let compiled = program.compile(options: options)
        let log = (try? program.log().get()) ?? ""
        if case .failure(let status) = compiled {
            throw KilnError(.compilationFailed, "\(name): NVRTC compile failed with \(status)\n\(log)", cause: status)
        }

        let cubin = try program.cubin().mapError { $0.error("nvrtcGetCUBIN") }.get()
        let output: (NVRTCOutput.Kind, [UInt8])
        if cubin.isEmpty {  // virtual target: NVRTC 13 reports a CUBIN size of 0, not an error
            let ptx = try program.ptx().mapError { $0.error("nvrtcGetPTX") }.get()
            output = (.ptx, Array(ptx.utf8))
        } else {
            output = (.cubin, cubin)
        }

        var lowered: [String: String] = [:]
        for expression in nameExpressions {
            lowered[expression] = try program.loweredName(for: expression)
                .mapError { $0.error("nvrtcGetLoweredName(\(expression))") }.get()
        }
        return NVRTCOutput(kind: output.0, code: output.1, log: log, loweredNames: lowered)
    }
}
