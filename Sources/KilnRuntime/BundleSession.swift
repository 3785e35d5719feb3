#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import KilnBundle
import KilnCore

/// A bundle opened on one device of either family: modules resolved on first use (AOT image,
/// or a JIT through the cache), kernels found by name, launches checked against their parameters.
///
/// ```swift
/// let device = ComputeDevice.all().devices[0]
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
    ///     is read; nil for `KILN_TRUSTED_KEYS` (none when unset), ``TrustedKeys/none`` to check nothing.
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

    /// Launches `grid` work-groups of `block` work-items (CUDA's blocks and threads; OpenCL's
    /// global size is grid × block), after checking the arguments against the parameters.
    public func launch(grid: Dim3, block: Dim3, arguments: [KernelArgument]) throws(KilnError) {
        switch self {
        case .cuda(let k): try k.launch(grid: grid, block: block, arguments: arguments)
        case .openCL(let k): try k.launch(grid: grid, block: block, arguments: arguments)
        }
    }
}
