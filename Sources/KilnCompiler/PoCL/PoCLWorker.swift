#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import KilnCore
import KilnDrivers

/// PoCL compiles in a child process: `kiln pocl-compile`, the `kiln` executable itself.
///
/// PoCL 3.1 holds one process-wide lock for the whole of a program's compile, so in one process
/// the compiles of several modules take turns whatever `--jobs` says. Measured on the 2-core VM
/// (2026-12-03): two 40-kernel halves of `gemm_variants` built on two threads of one process in
/// 34.4 s, against 19.0 s and 15.9 s one at a time; `kiln build --devices cpu --jobs 2` of the two
/// took 31.0 s against 35.1 s with `--jobs 1`. In a child each compile has its own lock.
///
/// The child inherits the environment, so it uses the same PoCL, the same PoCL cache folder
/// (`POCL_CACHE_DIR`) and the same host; it says which host string it compiled for, and a
/// mismatch is an error, never an image tied to the wrong host. The child runs under the time
/// limit of Kiln's other compilers (``ChildProcess/compilerTimeLimit``, 15 minutes), as ocloc does.
public enum PoCLWorker {
    /// The subcommand of the `kiln` executable that compiles one module.
    public static let command = "pocl-compile"

    /// What the child prints on stdout, as JSON.
    public struct Result: Codable, Sendable {
        /// The kernels the program holds, as PoCL reports them.
        public var kernels: [String]
        /// PoCL's build log (warnings; empty when clean).
        public var log: String
        /// The host string of the device that compiled (``OpenCLDevice/hostString``).
        public var hostString: String

        public init(kernels: [String], log: String, hostString: String) {
            self.kernels = kernels
            self.log = log
            self.hostString = hostString
        }
    }

    /// What the child prints on stdout, as JSON, when it fails (with a non-zero status).
    public struct Failure: Codable, Sendable {
        /// The ``KilnError/Code`` by name.
        public var code: String
        public var message: String

        public init(_ error: KilnError) {
            code = error.code.description
            message = error.message
        }
    }

    /// Compiles `source` in a child `worker pocl-compile`.
    ///
    /// - Parameters:
    ///   - worker: The `kiln` executable.
    ///   - source: The module's OpenCL C, includes expanded.
    ///   - name: The module's name, for PoCL's messages.
    ///   - hostString: The host string the parent's PoCL device has; the child's must equal it.
    /// - Returns: The binary, its log and its kernels' names; or the child's `KilnError`
    ///   (`.compilationFailed` with PoCL's log, …) with its code and message; or
    ///   `.toolchainUnavailable` when the child cannot run, does not answer as Kiln's worker does,
    ///   or compiled for another host.
    static func compile(_ worker: String, source: [UInt8], name: String, hostString: String) async -> Swift.Result<OpenCLCompiledBinary, KilnError> {
        do {
            return .success(try await run(worker, source: source, name: name, hostString: hostString))
        } catch {
            return .failure(error)
        }
    }

    private static func run(_ worker: String, source: [UInt8], name: String, hostString: String) async throws(KilnError) -> OpenCLCompiledBinary {
        try await TemporaryDirectory.with(prefix: "kiln-pocl") { (folder) async throws(KilnError) -> OpenCLCompiledBinary in
            let sourceFile = folder + "/\(name).cl", binaryFile = folder + "/\(name).pocl"
            try TemporaryDirectory.write(source, to: sourceFile)
            let child = ChildProcess(executable: worker, arguments: [command, "--name=\(name)", "--source", sourceFile, "--output", binaryFile],
                                     combinesOutput: false)
            let outcome = try await child.run()
            let decoder = JSONDecoder()
            guard outcome.status == 0 else {
                if let failure = try? decoder.decode(Failure.self, from: Data(outcome.output)), let code = KilnError.Code(named: failure.code) {
                    throw KilnError(code, failure.message)
                }
                throw KilnError(.toolchainUnavailable,
                    "the PoCL worker '\(child.commandLine)' failed (exit \(outcome.status)): \(outcome.errorText.trimmingWhitespace()) — check that it is the `kiln` of this build")
            }
            guard let result = try? decoder.decode(Result.self, from: Data(outcome.output)),
                  let bytes = FileManager.default.contents(atPath: binaryFile) else {
                throw KilnError(.toolchainUnavailable,
                    "the PoCL worker '\(child.commandLine)' did not answer as `kiln \(command)` does (it printed '\(outcome.text.trimmingWhitespace().prefix(200))') — check that it is the `kiln` of this build")
            }
            guard result.hostString == hostString else {
                throw KilnError(.toolchainUnavailable,
                    "the PoCL worker compiled for host '\(result.hostString)', and this build's PoCL device is '\(hostString)' — run the build with the environment the worker sees (POCL_*, OCL_ICD_*)")
            }
            return OpenCLCompiledBinary(bytes: Array(bytes), log: result.log, kernelNames: result.kernels)
        }
    }
}
