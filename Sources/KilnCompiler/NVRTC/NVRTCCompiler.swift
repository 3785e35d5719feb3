import KilnCore
/// What one successful NVRTC compile produced.
struct NVRTCOutput: Sendable {
    /// Which kind of code `code` holds.
    enum Kind: String, Sendable {
        /// SASS in an ELF cubin (`-arch=sm_XY`).
        case cubin
        /// PTX text (`-arch=compute_XY`), NUL not included.
        case ptx
    }

    /// `.cubin` for real `sm_XY` targets, `.ptx` for virtual `compute_XY` ones.
    var kind: Kind
    /// The cubin bytes, or the PTX text's UTF-8 bytes.
    var code: [UInt8]
    /// NVRTC's program log: warnings on success (often empty).
    var log: String
    /// Name expression → mangled symbol, e.g. `gemm<128,64>` → `_Z4gemmILi128ELi64EEvPf`.
    var loweredNames: [String: String]
}

/// Kiln's entry point to NVRTC: compiles one source to a cubin or PTX.
///
/// Safe to call from several threads at once; each call owns its own `nvrtcProgram`.
struct NVRTCCompiler: Sendable {
    /// The loaded NVRTC.
    let library: NVRTCLibrary

    /// A compiler over `library`.
    init(library: NVRTCLibrary) { self.library = library }

    /// A compiler over the process-wide NVRTC, located and loaded on first use.
    init() throws(KilnError) { self.library = try NVRTCLibrary.shared() }

    /// Compiles `source`; `name` labels diagnostics, `options` are NVRTC flags (`-arch=sm_90`, `-std=c++17`),
    /// `nameExpressions` are C++ names such as `gemm<128,64>` to lower, `headers` are in-memory includes.
    func compile(source: String, name: String, options: [String],
                        nameExpressions: [String] = [],
                        headers: [(name: String, source: String)] = []) throws(KilnError) -> NVRTCOutput {
        let symbols = library.symbols
        let program = try NVRTCProgram.create(symbols, source: source, name: name, headers: headers)
            .mapError { NVRTCStatus.failure(of: "nvrtcCreateProgram", $0) }.get()
        for expression in nameExpressions {
            try program.addNameExpression(expression)
                .mapError { NVRTCStatus.failure(of: "nvrtcAddNameExpression(\(expression))", $0) }.get()
        }
        let compiled = program.compile(options: options)
        let log = (try? program.log().get()) ?? ""
        if case .failure(let status) = compiled {
            throw KilnError(.compilationFailed, "\(name): NVRTC compile failed with \(status)\n\(log)")
        }

        let cubin = try program.cubin().mapError { NVRTCStatus.failure(of: "nvrtcGetCUBIN", $0) }.get()
        let output: (NVRTCOutput.Kind, [UInt8])
        if cubin.isEmpty {  // virtual target: NVRTC 13 reports a CUBIN size of 0, not an error
            let ptx = try program.ptx().mapError { NVRTCStatus.failure(of: "nvrtcGetPTX", $0) }.get()
            output = (.ptx, Array(ptx.utf8))
        } else {
            output = (.cubin, cubin)
        }

        var lowered: [String: String] = [:]
        for expression in nameExpressions {
            lowered[expression] = try program.loweredName(for: expression)
                .mapError { NVRTCStatus.failure(of: "nvrtcGetLoweredName(\(expression))", $0) }.get()
        }
        return NVRTCOutput(kind: output.0, code: output.1, log: log, loweredNames: lowered)
    }
}
