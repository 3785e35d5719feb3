#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import KilnBundle
import KilnCore
import KilnDrivers

/// A bundle opened on one device of either family: modules resolved on first use (AOT image,
/// or a JIT through the cache), kernels found by name, launches checked against their parameters.
///
/// ```swift
/// guard let device = ComputeDevice.all().devices.first else { return }  // none: see `all().unavailable`
/// let session = try BundleSession(bundle: "app.kiln", device: device)
/// let x = try device.makeBuffer(xs), y = try device.makeBuffer(ys)
/// try session.kernel("saxpy").launch(grid: Dim3((n + 255) / 256), block: 256,
///                                    arguments: [.float32(2), x.argument, y.argument, .int32(Int32(n))])
/// let result: [Float] = try y.download()
/// ```
public final class BundleSession: Sendable {
    /// The device it runs on.
    public let device: ComputeDevice
    private let backend: Backend

    private enum Backend: Sendable {
        case cuda(CUDABackend)
        case openCL(OpenCLBackend)
    }

    /// Opens a bundle for a device.
    ///
    /// - Parameters:
    ///   - reader: The bundle.
    ///   - device: The device to run on.
    ///   - policy: The JIT policy; nil for `KILN_JIT` (else auto).
    ///   - cache: The JIT cache; nil for the disk cache the environment names.
    ///   - trustedKeys: The keys one of which must have signed the bundle, checked before any image
    ///     is read; nil for `KILN_TRUSTED_KEYS` (none when unset), `TrustedKeys.none` to check nothing.
    /// - Throws: `KilnError` if the manifest is damaged, `KILN_JIT` or `KILN_TRUSTED_KEYS` is invalid,
    ///   the cache folder is unsafe, or (`.untrustedBundle`) trusted keys are given and none of them
    ///   signed the bundle as it is.
    public init(reader: BundleReader, device: ComputeDevice, policy: JITPolicy? = nil, cache: (any JITCache)? = nil,
                trustedKeys: TrustedKeys? = nil) throws {
        let policy = try policy ?? JITPolicy(environment: ProcessInfo.processInfo.environment)
        self.device = device
        switch device {
        case .cuda(let gpu):
            backend = .cuda(try CUDABackend(reader: reader, device: gpu, policy: policy, cache: cache, trustedKeys: trustedKeys))
        case .openCL(let cl):
            backend = .openCL(try OpenCLBackend(reader: reader, device: cl, policy: policy, cache: cache, trustedKeys: trustedKeys))
        }
    }

    /// Opens the bundle at a path for a device.
    public convenience init(bundle path: String, device: ComputeDevice, policy: JITPolicy? = nil,
                            trustedKeys: TrustedKeys? = nil) throws {
        try self.init(reader: BundleReader(path: path), device: device, policy: policy, trustedKeys: trustedKeys)
    }

    /// Opens the bundle at a file URL for a device — the one the build plugin put in a target's
    /// resources: `BundleSession(bundle: Bundle.module.url(forResource: "App", withExtension: "kiln"), device: device)`.
    ///
    /// - Throws: `KilnError.io` for a nil URL (the resource is missing: is the target's plugin
    ///   `KilnBuildPlugin`, and does it hold a `.cl` or `.cu` file?) or one that is not a file URL.
    public convenience init(bundle url: URL?, device: ComputeDevice, policy: JITPolicy? = nil) throws {
        guard let url else {
            throw KilnError(.io, "no bundle: the URL is nil — the target's .kiln resource is missing; add `plugins: [.plugin(name: \"KilnBuildPlugin\", package: …)]` to the target and keep its .cl/.cu files in it")
        }
        guard url.isFileURL else {
            throw KilnError(.io, "bundle URL '\(url.absoluteString)' is not a file URL — download the bundle to a file first")
        }
        try self.init(bundle: url.path, device: device, policy: policy)
    }

    /// The bundle's manifest.
    public var manifest: Manifest {
        switch backend {
        case .cuda(let b): b.manifest
        case .openCL(let b): b.manifest
        }
    }

    /// A kernel by name (`saxpy`, `gemm<128,64>`); `module` may be left out when the name is unique.
    public func kernel(_ name: String, in module: String? = nil) throws -> DeviceKernel {
        switch backend {
        case .cuda(let b): .cuda(try b.kernel(name, in: module))
        case .openCL(let b): .openCL(try b.kernel(name, in: module))
        }
    }

    /// Resolves and loads every module now (what `kiln verify` and `kiln cache warm` do).
    @discardableResult
    public func loadAll() throws -> [ResolutionRecord] {
        switch backend {
        case .cuda(let b): try b.loadAll()
        case .openCL(let b): try b.loadAll()
        }
    }

    /// The resolutions made so far.
    public var resolutions: [ResolutionRecord] {
        switch backend {
        case .cuda(let b): b.resolutions
        case .openCL(let b): b.resolutions
        }
    }
}

/// A kernel of either family.
public enum DeviceKernel: Sendable {
    case cuda(CUDAKernel)
    case openCL(OpenCLKernel)

    /// The kernel's record: name and parameters.
    public var record: KernelRecord {
        switch self {
        case .cuda(let k): k.record
        case .openCL(let k): k.record
        }
    }

    /// What the kernel allows on its device: its own work-group limit and the local memory it declares.
    public var limits: KernelLimits {
        switch self {
        case .cuda(let k): k.limits
        case .openCL(let k): k.limits
        }
    }

    /// Launches `grid` work-groups of `block` work-items (CUDA's blocks and threads; OpenCL's
    /// global size is grid × block), after checking the arguments against the parameters.
    ///
    /// `grid` and `block` are each a `Dim3` or an `Int` (one dimension). The launch is queued,
    /// not finished, when this returns: reading a buffer (`download()`) waits for it.
    public func launch(grid: some LaunchDimensions, block: some LaunchDimensions, arguments: [KernelArgument]) throws(KilnError) {
        switch self {
        case .cuda(let k): try StartupTrace.measureFirst("launch.first") { () throws(KilnError) in
            try k.launch(grid: grid.dimensions, block: block.dimensions, arguments: arguments)
        }
        case .openCL(let k): try StartupTrace.measureFirst("launch.first") { () throws(KilnError) in
            try k.launch(grid: grid.dimensions, block: block.dimensions, arguments: arguments)
        }
        }
    }
}
