#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import KilnBundle
import KilnCore
import KilnDrivers

/// Runs a bundle's kernels on one OpenCL device — an Intel GPU or a PoCL CPU: each module is
/// resolved by DESIGN.md's Intel or PoCL rules on first use, its device binary loaded or its
/// SPIR-V or source compiled by the driver once, and every resolution recorded.
///
/// ```swift
/// let device = try OpenCLRuntime.load().device(0)
/// let backend = try OpenCLBackend(reader: BundleReader(path: "app.kiln"), device: device)
/// let saxpy = try backend.kernel("saxpy", in: "vector")
/// try saxpy.launch(grid: 4, block: 256, arguments: [.buffer(y), .buffer(x), .float32(2), .int32(1024)])
/// ```
///
/// The calls are those of ``CUDABackend``: code written for one runs on the other.
public final class OpenCLBackend: Sendable {
    /// The bundle.
    public let reader: BundleReader
    /// The device.
    public let device: OpenCLDevice
    /// The JIT policy.
    public let policy: JITPolicy
    let table: ModuleTable<OpenCLImageLoader>

    /// Creates a backend; nothing is loaded until a module is first used.
    ///
    /// - Parameters:
    ///   - reader: The bundle.
    ///   - device: The device to run on.
    ///   - policy: When SPIR-V or source may be compiled at run time (`KILN_JIT`).
    ///   - cache: Where compiled binaries are kept between runs; nil for the disk cache the environment names.
    ///   - trustedKeys: The keys one of which must have signed the bundle; nil for
    ///     `KILN_TRUSTED_KEYS` (none when unset).
    /// - Throws: `KilnError.corruptBundle` if the bundle's manifest is damaged, `.cacheRefused` if the
    ///   cache folder is unsafe, `.untrustedBundle` if trusted keys are given and none of them signed
    ///   the bundle as it is.
    public init(reader: BundleReader, device: OpenCLDevice, policy: JITPolicy = .auto,
                cache: (any JITCache)? = nil, trustedKeys: TrustedKeys? = nil) throws {
        try reader.requireSignature(trustedBy: trustedKeys ?? TrustedKeys(environment: ProcessInfo.processInfo.environment))
        self.reader = reader
        self.device = device
        self.policy = policy
        table = ModuleTable(reader: reader, manifest: try reader.manifest(), loader: OpenCLImageLoader(device: device),
                            policy: policy, cache: try cache ?? StartupTrace.measure("cache.open") { try DiskJITCache.fromEnvironment() })
    }

    /// The bundle's manifest.
    public var manifest: Manifest { table.manifest }

    /// A module, resolved and built on first use.
    ///
    /// - Throws: `KilnError.imageNotFound` for a module the bundle lacks; `.noCompatibleImage` or
    ///   `.jitForbidden` naming the bundle's targets, the device's and the fix when no image serves
    ///   it; `.driverError` if the driver refuses a binary; `.compilationFailed` with the build log.
    public func module(named name: String) throws -> OpenCLProgram {
        try table.module(named: name)
    }

    /// A kernel, by name, from a named module or from whichever module of the bundle has it.
    ///
    /// - Throws: `KilnError.imageNotFound` if no module (or several, when none is named) has the
    ///   kernel; any error of ``module(named:)``.
    public func kernel(_ name: String, in moduleName: String? = nil) throws -> OpenCLKernel {
        let (module, record) = try table.kernel(name, in: moduleName)
        return try StartupTrace.measure("kernel.lookup", detail: name) { () throws(KilnError) in try module.kernel(record) }
    }

    /// Resolves and builds every module of the bundle, and returns their records (`kiln verify`).
    ///
    /// - Throws: The first module's error.
    public func loadAll() throws -> [ResolutionRecord] {
        try table.loadAll()
    }

    /// The resolutions made so far, in the order the modules were first used.
    public var resolutions: [ResolutionRecord] { table.resolutions }

    /// The resolution of one module, if it has been loaded.
    public func resolution(of module: String) -> ResolutionRecord? {
        resolutions.first { $0.module == module }
    }
}
