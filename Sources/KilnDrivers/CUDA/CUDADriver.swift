import KilnCore

/// The NVIDIA driver, loaded once per process: its CUDA version and its devices.
///
/// ```swift
/// let driver = try CUDADriver.load()
/// for device in driver.devices { print(device) }
/// ```
public final class CUDADriver: Sendable {
    /// The driver's CUDA version as `cuDriverGetVersion` gives it: 13000 for 13.0.
    public let version: Int
    /// The driver's devices, in ordinal order; never empty.
    public let devices: [CUDADevice]
    /// The driver's calls.
    package let calls: CUDACalls

    /// The driver's CUDA version in words: `13.0`.
    public var versionString: String { "\(version / 1000).\(version % 1000 / 10)" }

    private static let loaded = Result { () throws(KilnError) -> CUDADriver in
        try CUDADriver(library: CUDASymbols.libraryName)
    }

    /// The driver, loaded and initialized on first use; later calls return the same one, or the same error.
    ///
    /// - Throws: `KilnError.driverUnavailable` if `libcuda.so.1` is missing, too old or fails to
    ///   initialize, naming what to install; `KilnError.noDevice` if the driver finds no GPU.
    public static func load() throws(KilnError) -> CUDADriver {
        try loaded.get()
    }

    /// Loads a driver library and enumerates its devices; ``load()`` is the way in.
    package init(library: String) throws(KilnError) {
        let calls = CUDACalls(symbols: try StartupTrace.measure("cuda.dlopen") { () throws(KilnError) in try CUDASymbols.load(library: library) })
        self.calls = calls
        let version = try calls.get(calls.driverVersion(), "cuDriverGetVersion")
        self.version = version
        let words = "the NVIDIA driver (\(library), CUDA \(version / 1000).\(version % 1000 / 10))"
        let initialized = StartupTrace.measure("cuda.init") { calls.initialize() }
        switch initialized {
        case .success:
            break
        case .failure(.noDevice):
            throw KilnError(.noDevice,
                "\(words) found no GPU (cuInit: \(calls.describe(.noDevice))) — \(CUDAResult.noDevice.remedy)", cause: CUDAResult.noDevice)
        case .failure(let status):
            throw KilnError(.driverUnavailable, "\(words) failed to initialize (cuInit: \(calls.describe(status))) — \(status.remedy)",
                            cause: status)
        }
        let count = try calls.get(calls.deviceCount(), "cuDeviceGetCount")
        guard count > 0 else {
            throw KilnError(.noDevice, "\(words) found no GPU — \(CUDAResult.noDevice.remedy)")
        }
        self.devices = try StartupTrace.measure("cuda.devices") { () throws(KilnError) in
            try (0..<count).map { ordinal throws(KilnError) in try CUDADevice(ordinal: ordinal, driverVersion: version, calls: calls) }
        }
    }

    /// The device with an ordinal (0 for the first GPU, as `nvidia-smi` and CUDA_VISIBLE_DEVICES number them).
    ///
    /// - Throws: `KilnError.invalidArgument` for an ordinal the driver does not have.
    public func device(_ ordinal: Int) throws(KilnError) -> CUDADevice {
        guard devices.indices.contains(ordinal) else {
            throw KilnError(.invalidArgument,
                "GPU \(ordinal) does not exist: the NVIDIA driver sees \(devices.count) GPU\(devices.count == 1 ? "" : "s") (0…\(devices.count - 1)) — pick one of those")
        }
        return devices[ordinal]
    }
}
