import KilnBundle
import KilnCore
import KilnDrivers

/// The `cpu` target through PoCL (Debian's `pocl-opencl-icd`) on the building machine: each module
/// is built from source with `clBuildProgram` on PoCL's CPU device, and its `CL_PROGRAM_BINARIES`
/// kept, tied to that device's host string (``OpenCLDevice/hostString``), which the manifest records.
///
/// A PoCL binary holds the module's LLVM bitcode (`program.bc`) and, per kernel, a generic
/// work-group function compiled to a shared object (`KERNEL/0-0-0/KERNEL.so`). PoCL runs that
/// generic function when work-group specialisation is off — which a program asks for with
/// `OpenCLRuntime.preferGenericWorkGroups()` at its start, as the `kiln` command does — so
/// loading a `cpu` image then compiles nothing at run time.
public struct PoCLToolchain: Toolchain {
    /// The PoCL CPU device that builds.
    public let device: OpenCLDevice
    /// The `kiln` executable that compiles each module in a child process (``PoCLWorker``), so
    /// that several modules compile at once; nil compiles in this process, one at a time.
    public let worker: String?

    /// Finds PoCL's CPU device through the OpenCL ICD loader.
    ///
    /// - Parameter worker: The `kiln` executable to compile in (`kiln build` passes itself), or
    ///   nil to compile in this process.
    /// - Throws: `KilnError.toolchainUnavailable` naming what to install.
    public init(worker: String? = nil) throws(KilnError) {
        self.worker = worker
        let runtime: OpenCLRuntime
        switch Result(catching: { () throws(KilnError) -> OpenCLRuntime in try OpenCLRuntime.load() }) {
        case .success(let loaded):
            runtime = loaded
        case .failure(let error):
            throw KilnError(.toolchainUnavailable,
                "the cpu target needs PoCL, and OpenCL is not usable here (\(error.message)) — install it with `apt-get install pocl-opencl-icd`", cause: error)
        }
        guard let device = runtime.poclDevice else {
            let found = runtime.devices.map(\.name).joined(separator: ", ")
            throw KilnError(.toolchainUnavailable,
                "the cpu target needs PoCL's CPU device, and OpenCL here has only \(found) — install it with `apt-get install pocl-opencl-icd`")
        }
        self.device = device
    }

    /// `pocl VERSION`: `pocl 3.1+debian`.
    public var identity: String { "pocl \(device.driverVersion)" }

    /// The host string the binaries are tied to: `pthread-x86_64-pc-linux-gnu-skylake-avx512`.
    public var hostString: String { device.hostString ?? device.name }

    public var languages: Set<SourceLanguage> { [.openCLC] }

    public func builds(_ target: Target) -> Bool { target.kind == .cpu }

    public func invocation(for module: SourceModule, target: Target) -> String {
        "pocl clBuildProgram \(module.path) on \(hostString)"
    }

    public func cacheSalt(for module: SourceModule) -> String { hostString }

    public func compile(_ module: SourceModule, for target: Target) async throws(KilnError) -> CompiledImage {
        guard builds(target) else {
            throw KilnError(.toolchainUnavailable, "PoCL does not build target \(target.name)")
        }
        guard module.language == .openCLC else {
            throw KilnError(.invalidArgument, "\(module.path): PoCL compiles OpenCL C (.cl), not \(module.language.rawValue)")
        }
        // Result(catching:), not do/catch: Swift 6.3's MandatoryAllocBoxToStack crashes on a typed-throws catch here.
        let device = device, source = Array(module.text.utf8)
        let built = if let worker {
            await PoCLWorker.compile(worker, source: source, name: module.name, hostString: hostString)
        } else {
            await runBlocking {
                Result { () throws(KilnError) -> OpenCLCompiledBinary in
                    try OpenCLProgram.compileBinary(.source(source), name: module.name, device: device)
                }
            }
        }
        switch built {
        case .success(let built):
            return CompiledImage(bytes: built.bytes, log: built.log, hostString: hostString, kernelNames: built.kernelNames)
        case .failure(let error) where error.code == .compilationFailed:
            throw KilnError(.compilationFailed,
                "\(module.path) for cpu: \(identity) rejected it:\n\(error.message)\n— fix the kernel", cause: error)
        case .failure(let error):
            throw error
        }
    }
}
