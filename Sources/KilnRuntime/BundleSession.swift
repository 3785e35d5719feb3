import KilnBundle
import KilnCore
import KilnDrivers

/// A bundle opened on one device of either family: modules resolved on first use by DESIGN.md's
/// rules for the device's family (AOT image, or a JIT through the cache: PTX by the CUDA driver,
/// CUDA source by NVRTC, SPIR-V and OpenCL C by the OpenCL driver), kernels found by name,
/// launches checked against their parameters, every resolution recorded.
///
/// ```swift
/// guard let device = ComputeDevice.all().devices.first else { return }  // none: see `all().unavailable`
/// let session = try BundleSession(bundle: "app.kiln", device: device)
/// let x = try device.makeBuffer(xs), y = try device.makeBuffer(ys)
/// try session.kernel("saxpy").launch(grid: Dim3((n + 255) / 256), block: 256,
///                                    arguments: [.float32(2), x.argument, y.argument, .int32(Int32(n))])
/// let result: [Float] = try y.download()
/// ```
///
/// One session serves one device; a process that uses two GPUs opens one session for each.
public final class BundleSession: Sendable {
    /// The device it runs on.
    public let device: ComputeDevice
    /// The bundle.
    public let reader: BundleReader
    /// The JIT policy.
    public let policy: JITPolicy
    private let modules: any SessionModules

    /// Opens a bundle for a device; nothing is loaded until a module is first used.
    ///
    /// A CUDA GPU's context (about 100 ms of the driver's) starts being made at once, on a thread
    /// of its own, so that it is ready or nearly so when the first module has been read.
    ///
    /// - Parameters:
    ///   - reader: The bundle.
    ///   - device: The device to run on.
    ///   - policy: When a portable form may be compiled at run time; nil for `KILN_JIT` (else auto).
    ///   - cache: The JIT cache; nil for the disk cache the environment names.
    ///   - trustedKeys: The keys one of which must have signed the bundle, checked before any image
    ///     is read; nil for `KILN_TRUSTED_KEYS` (none when unset), `TrustedKeys.none` to check nothing.
    /// - Throws: `KilnError` if the manifest is damaged (`.corruptBundle`), `KILN_JIT` or
    ///   `KILN_TRUSTED_KEYS` is invalid, the cache folder is unsafe (`.cacheRefused`), or
    ///   (`.untrustedBundle`) trusted keys are given and none of them signed the bundle as it is.
    public init(reader: BundleReader, device: ComputeDevice, policy: JITPolicy? = nil, cache: (any JITCache)? = nil,
                trustedKeys: TrustedKeys? = nil) throws(KilnError) {
        device.backend.prepare()
        let environment = ProcessEnvironment.current
        // `if let`, not `??`: `??` rethrows, and so throws `any Error`.
        let policy = if let policy { policy } else { try JITPolicy(environment: environment) }
        let trustedKeys = if let trustedKeys { trustedKeys } else { try TrustedKeys(environment: environment) }
        try reader.requireSignature(trustedBy: trustedKeys)
        self.device = device
        self.reader = reader
        self.policy = policy
        let cache = if let cache { cache } else {
            try StartupTrace.measure("cache.open") { () throws(KilnError) in try DiskJITCache.fromEnvironment() }
        }
        modules = device.backend.modules(reader: reader, manifest: try reader.manifest(), policy: policy, cache: cache)
    }

    /// Opens the bundle at a path for a device — the one the build plugin put in a target's
    /// resources: `BundleSession(bundle: Bundle.module.path(forResource: "App", ofType: "kiln"), device: device)`.
    ///
    /// - Parameters:
    ///   - path: The bundle's path; nil when the resource is missing.
    ///   - device: The device to run on.
    ///   - policy: When a portable form may be compiled at run time; nil for `KILN_JIT` (else auto).
    ///   - trustedKeys: The keys one of which must have signed the bundle; nil for `KILN_TRUSTED_KEYS`.
    /// - Throws: `KilnError.io` for a nil path (the resource is missing: is the target's plugin
    ///   `KilnBuildPlugin`, and does it hold a `.cl` or `.cu` file?) or a bundle that cannot be
    ///   read; as ``init(reader:device:policy:cache:trustedKeys:)``.
    public convenience init(bundle path: String?, device: ComputeDevice, policy: JITPolicy? = nil,
                            trustedKeys: TrustedKeys? = nil) throws(KilnError) {
        // Before the bundle is opened (its header read and checked), so that all of it runs beside the context.
        device.backend.prepare()
        guard let path else {
            throw KilnError(.io, "no bundle: the path is nil — the target's .kiln resource is missing; add `plugins: [.plugin(name: \"KilnBuildPlugin\", package: …)]` to the target and keep its .cl/.cu files in it")
        }
        try self.init(reader: BundleReader(path: path), device: device, policy: policy, trustedKeys: trustedKeys)
    }

    /// The bundle's manifest.
    public var manifest: Manifest { modules.manifest }

    /// A kernel by name (`saxpy`, `gemm<128,64>`), from a named module or from whichever module
    /// of the bundle has it; its module is resolved and loaded on first use.
    ///
    /// - Parameters:
    ///   - name: The kernel's name.
    ///   - module: The module that holds it; nil when the name is unique in the bundle.
    /// - Throws: `KilnError.imageNotFound` if no module (or several, when none is named) has the
    ///   kernel, or the module's image or driver lacks it; any error of ``load(module:)``.
    public func kernel(_ name: String, in module: String? = nil) throws(KilnError) -> DeviceKernel {
        try modules.kernel(name, in: module)
    }

    /// Resolves and loads one module now, if it is not loaded yet.
    ///
    /// - Parameter module: The module's name.
    /// - Returns: How the module was served.
    /// - Throws: `KilnError.imageNotFound` for a module the bundle lacks; `.noCompatibleImage` or
    ///   `.jitForbidden` naming the bundle's targets, the device's and the fix when no image serves
    ///   it; `.driverError` if the driver refuses the image; `.toolchainUnavailable` naming NVRTC and
    ///   how to install it where only CUDA source could serve and NVRTC is missing;
    ///   `.compilationFailed` with the compiler's log for a portable form that does not compile.
    @discardableResult
    public func load(module: String) throws(KilnError) -> ResolutionRecord {
        try modules.loadModule(module)
    }

    /// Resolves and loads every module now (what `kiln verify` and `kiln cache warm` do).
    ///
    /// - Returns: How each module was served.
    /// - Throws: The first module's error, as ``load(module:)``.
    @discardableResult
    public func loadAll() throws(KilnError) -> [ResolutionRecord] {
        try modules.loadAll()
    }

    /// The resolutions made so far, in the order the modules were first used.
    public var resolutions: [ResolutionRecord] { modules.resolutions }

    /// The resolution of one module, if it has been loaded.
    ///
    /// - Parameter module: The module's name.
    public func resolution(of module: String) -> ResolutionRecord? {
        resolutions.first { $0.module == module }
    }
}
