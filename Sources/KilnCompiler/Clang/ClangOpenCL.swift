#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import KilnBundle
import KilnCore

/// clang's OpenCL C frontend (Debian's `clang-16`) with libclc (`libclc-16`): the one compiler that
/// reads OpenCL C for NVIDIA, and the source of every `.cl` module's kernel list and parameter types.
///
/// For NVIDIA one run makes PTX: `clang -x cl -cl-std=CL1.2 -target nvptx64-nvidia-cuda
/// -Xclang -finclude-default-header -Xclang -mlink-builtin-bitcode -Xclang nvptx64--nvidiacl.bc
/// -O3 -march=sm_XY -S`. libclc's builtins are linked in as bitcode and internalised, so the PTX
/// needs nothing else. The `nvptx64-nvidia-nvcl` triple is not used: its PTX is
/// `texmode_independent`, which the CUDA driver API refuses.
public struct ClangOpenCL: Sendable {
    /// The clang executable.
    public let executable: String
    /// libclc's bitcode for NVPTX (`/usr/lib/clc/nvptx64--nvidiacl.bc`).
    public let libclc: String
    /// clang's version: `16.0.6`.
    public let version: String

    /// The newest `sm_XY` clang 16's NVPTX backend writes; newer cubins come from this PTX through nvJitLink.
    static let newestArchitecture = 90

    /// What to tell users who lack clang or libclc.
    static let install = "install them with `apt-get install clang-16 libclc-16` (what scripts/setup.sh does), or name them with KILN_CLANG and KILN_LIBCLC"

    /// Finds clang (`KILN_CLANG`, else `clang-16` on PATH) and libclc (`KILN_LIBCLC`, else `/usr/lib/clc`).
    ///
    /// - Parameter environment: Where `KILN_CLANG`, `KILN_LIBCLC` and `PATH` are read.
    /// - Throws: `KilnError.toolchainUnavailable` naming what is missing and how to install it.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) async throws(KilnError) {
        executable = try ChildProcess.tool("clang-16", override: "KILN_CLANG", environment: environment,
            missing: "clang 16 (clang-16), which compiles OpenCL C (.cl) for NVIDIA and lists every .cl module's kernels, was not found on PATH — \(Self.install)")
        let bitcode = environment["KILN_LIBCLC"].flatMap { $0.isEmpty ? nil : $0 } ?? "/usr/lib/clc/nvptx64--nvidiacl.bc"
        guard FileManager.default.isReadableFile(atPath: bitcode) else {
            throw KilnError(.toolchainUnavailable,
                "libclc's NVPTX library '\(bitcode)' is missing; OpenCL C for NVIDIA needs it — \(Self.install)")
        }
        libclc = bitcode
        let output = try await ChildProcess(executable: executable, arguments: ["--version"]).run()
        let first = output.text.split(separator: "\n").first.map(String.init) ?? ""
        guard output.status == 0, let range = first.firstRange(of: "version ") else {
            throw KilnError(.toolchainUnavailable, "'\(executable) --version' failed: \(output.text.trimmingWhitespace()) — \(Self.install)")
        }
        version = String(first[range.upperBound...].prefix { !$0.isWhitespace })
    }

    /// `clang VERSION`.
    public var identity: String { "clang \(version)" }

    /// Options every OpenCL C compile shares: the language, the standard header, and no warning
    /// about libclc's triple (`nvptx64-unknown-nvidiacl`), which differs only in its OS field.
    static let languageOptions = ["-x", "cl", "-cl-std=CL1.2", "-Xclang", "-finclude-default-header"]

    /// The `native_*` builtins whose LLVM intrinsics NVPTX cannot select (`llvm.exp.f32` becomes a
    /// call to an undefined `expf`; `llvm.sin.f32` is "Cannot select"); they map to libclc's full-precision versions.
    static let nativeMappings = ["exp", "exp2", "exp10", "log", "log2", "log10", "sin", "cos", "tan", "powr"]
        .map { "-Dnative_\($0)=\($0)" }

    /// The `sm_XY` clang writes PTX for at a compute capability: the capability, or clang's newest if lower.
    func architecture(for capability: ComputeCapability) -> Int {
        min(capability.number, Self.newestArchitecture)
    }

    /// The options for NVIDIA PTX at a compute capability.
    func ptxOptions(capability: ComputeCapability) -> [String] {
        let architecture = architecture(for: capability)
        return Self.languageOptions + [
            "-target", "nvptx64-nvidia-cuda", "-march=sm_\(architecture)", "-O3",
            // Every NVIDIA GPU Kiln targets (sm_70 and newer) has half arithmetic.
            "-Xclang", "-cl-ext=+cl_khr_fp16",
            "-Xclang", "-mlink-builtin-bitcode", "-Xclang", libclc, "-Wno-linker-warnings",
        ] + Self.nativeMappings
    }

    /// The command line for PTX, for `--verbose` and the build cache key.
    func ptxInvocation(file: String, capability: ComputeCapability) -> String {
        ([executable] + ptxOptions(capability: capability) + ["-S", file, "-o", "MODULE.ptx"]).joined(separator: " ")
    }

    /// Compiles a module to PTX for a compute capability.
    ///
    /// - Throws: `KilnError.compilationFailed` with clang's messages, naming the user's file.
    public func ptx(_ module: SourceModule, capability: ComputeCapability, target: String) async throws(KilnError) -> [UInt8] {
        try await run(module, options: ptxOptions(capability: capability), suffix: "ptx", what: target)
    }

    /// The analysis profiles a module's kernels are listed under: every OpenCL extension clang
    /// knows on (`cl_khr_fp64`, `cl_khr_fp16`, …), and the same without double precision, so a
    /// kernel inside `#ifdef cl_khr_fp64` and one inside `#ifndef cl_khr_fp64` are both seen.
    static let analysisProfiles: [[String]] = [
        ["-Xclang", "-cl-ext=+all"],
        ["-Xclang", "-cl-ext=+all,-cl_khr_fp64"],
    ]

    /// The module's kernels with their parameters, from clang's kernel-argument info
    /// (`-cl-kernel-arg-info`), after preprocessing exactly as the compilers do.
    ///
    /// - Returns: Kernels in source order; a kernel seen under both profiles is listed once.
    /// - Throws: `KilnError.compilationFailed` if clang rejects the module, or if one kernel name
    ///   has two different signatures under the two profiles.
    public func kernels(of module: SourceModule) async throws(KilnError) -> [KernelRecord] {
        var kernels: [KernelRecord] = []
        for profile in Self.analysisProfiles {
            let options = Self.languageOptions + ["-target", "spir64", "-cl-kernel-arg-info", "-O0", "-emit-llvm"] + profile
            let ir = try await run(module, options: options, suffix: "ll", what: "its kernel list")
            for kernel in try KernelArgumentInfo.kernels(inLLVMIR: String(decoding: ir, as: UTF8.self), file: module.path) {
                if let seen = kernels.first(where: { $0.name == kernel.name }) {
                    guard seen.parameters == kernel.parameters else {
                        throw KilnError(.compilationFailed,
                            "\(module.path): kernel '\(kernel.name)' has different parameters with and without cl_khr_fp64 — give the two versions different names")
                    }
                } else {
                    kernels.append(kernel)
                }
            }
        }
        return kernels
    }

    /// Runs clang over the module's text in a private folder and returns the output file.
    private func run(_ module: SourceModule, options: [String], suffix: String, what: String) async throws(KilnError) -> [UInt8] {
        try await TemporaryDirectory.with(prefix: "kiln-clang") { (folder) async throws(KilnError) -> [UInt8] in
            let input = "\(folder)/\(module.name).cl"
            let output = "\(folder)/\(module.name).\(suffix)"
            try TemporaryDirectory.write(Array(module.text.utf8), to: input)
            let result = try await ChildProcess(executable: executable, arguments: options + ["-S", input, "-o", output], directory: folder).run()
            let log = result.text.replacingAll(input, with: module.path).trimmingWhitespace()
            guard result.status == 0, let bytes = FileManager.default.contents(atPath: output) else {
                throw KilnError(.compilationFailed, "\(module.path) for \(what): \(identity) rejected it:\n\(Self.explain(log))")
            }
            return Array(bytes)
        }
    }

    /// clang's log, with a sentence for the backend errors that mean "not on NVIDIA".
    static func explain(_ log: String) -> String {
        if let range = log.firstRange(of: "Undefined external symbol \"") {
            let symbol = log[range.upperBound...].prefix { $0 != "\"" }
            return log + "\n— '\(symbol)' has no NVIDIA implementation in libclc (OpenCL images and samplers, and some builtins, do not exist on NVIDIA); keep that kernel out of NVIDIA builds with #ifdef, or leave NVIDIA targets out"
        }
        if log.contains("Cannot select") {
            return log + "\n— a builtin this kernel uses cannot be compiled for NVIDIA by clang 16; report it with the kernel"
        }
        return log
    }
}
