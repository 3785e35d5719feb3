import KilnBundle
import KilnCore
import KilnDrivers

/// Loads cubins, compiles PTX with the driver and CUDA source with NVRTC on one device, for ``ModuleTable``.
struct CUDAImageLoader: ImageLoader {
    let device: CUDADevice
    /// The bundle's manifest: a source compile's kernels and language.
    let manifest: Manifest

    var identity: DeviceIdentity { device.identity }
    var cacheDevice: String { device.target.name }
    var compiler: String { "cuda-driver \(device.driverVersion)" }
    var sourceCompiler: CUDASourceCompiler { CUDASourceCompiler(target: device.target) }

    /// For source, NVRTC's version and options beside the driver that loads the cubin.
    ///
    /// - Throws: `KilnError.toolchainUnavailable` for source where NVRTC is not installed.
    func compiler(for target: Target) throws -> String {
        target.kind == .source ? try sourceCompiler.identity() + ", " + compiler : compiler
    }

    func load(binary: [UInt8], target: Target, module: String) throws -> CUDAModule {
        guard target.kind == .source else {
            return try CUDAModule(cubin: binary, name: module, device: device)
        }
        let build = try CUDASourceBuild(decoding: binary)
        return try CUDAModule(cubin: build.cubin, name: module, device: device, symbols: build.symbols)
    }

    func compile(_ portable: [UInt8], target: Target, module: String) throws -> [UInt8] {
        switch target.kind {
        case .ptx:
            return try CUDAModule.link(ptx: portable, name: module, device: device).cubin
        case .source:
            guard let record = manifest.module(named: module) else {
                throw KilnError(.imageNotFound, "the bundle's manifest has no module '\(module)'")
            }
            return try sourceCompiler.compile(portable, module: record).encoded()
        default:
            throw KilnError(.noCompatibleImage, "module '\(module)': \(target.name) is not a portable form an NVIDIA GPU compiles")
        }
    }
}
