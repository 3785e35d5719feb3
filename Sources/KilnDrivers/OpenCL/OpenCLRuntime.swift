import KilnCore

/// OpenCL, loaded once per process through the ICD loader: its platforms and the devices
/// Kiln can serve (Intel GPUs and CPUs).
///
/// ```swift
/// let runtime = try OpenCLRuntime.load()
/// for device in runtime.devices { print(device) }
/// ```
///
/// Loading changes nothing in the process's environment. A program that wants PoCL to run a `cpu`
/// binary's generic work-group function (no compile at the first launch of each work-group size)
/// calls ``preferGenericWorkGroups()`` at its start, before threads; the `kiln` command does.
public final class OpenCLRuntime: Sendable {
    /// The platforms the ICD loader found.
    public let platforms: [OpenCLPlatform]
    /// The devices Kiln can serve, across platforms; never empty.
    public let devices: [OpenCLDevice]
    /// Devices found but not served, with why (an OpenCL GPU that is not Intel's, say).
    public let skipped: [String]
    package let calls: OpenCLCalls

    private static let loaded = Result { () throws(KilnError) -> OpenCLRuntime in
        try StartupTrace.measure("opencl.enumerate") { () throws(KilnError) in try OpenCLRuntime(library: OpenCLSymbols.libraryName) }
    }

    /// The runtime, loaded on first use; later calls return the same one, or the same error.
    ///
    /// - Throws: `KilnError.driverUnavailable` if `libOpenCL.so.1` is missing or no platform is
    ///   installed, naming the packages; `KilnError.noDevice` if the platforms have no device Kiln serves.
    public static func load() throws(KilnError) -> OpenCLRuntime {
        try loaded.get()
    }

    /// Loads an ICD loader and enumerates its platforms and devices; ``load()`` is the way in.
    package init(library: String) throws(KilnError) {
        let calls = OpenCLCalls(symbols: try OpenCLSymbols.load(library: library))
        self.calls = calls
        let install = "install an OpenCL driver: `apt-get install pocl-opencl-icd` for CPUs, `intel-opencl-icd` for Intel GPUs"
        let handles: [CLHandle]
        switch calls.platforms() {
        case .success(let found): handles = found
        case .failure(.platformNotFound): handles = []
        case .failure(let status): throw calls.error(status, "listing OpenCL platforms (clGetPlatformIDs)")
        }
        guard !handles.isEmpty else {
            throw KilnError(.driverUnavailable,
                "the OpenCL ICD loader (\(library)) found no platform (no driver file in /etc/OpenCL/vendors, or none that loads) — \(install)")
        }
        var platforms: [OpenCLPlatform] = []
        var devices: [OpenCLDevice] = []
        var skipped: [String] = []
        for raw in handles {
            let platform = OpenCLPlatform(
                name: (try? calls.platformString(.name, of: raw).get()) ?? "?",
                vendor: (try? calls.platformString(.vendor, of: raw).get()) ?? "?",
                version: (try? calls.platformString(.version, of: raw).get()) ?? "?",
                handle: OpenCLHandle(raw))
            platforms.append(platform)
            let found = (try? calls.devices(of: raw).get()) ?? []
            for device in found {
                switch OpenCLDevice.make(index: devices.count, handle: device, platform: platform, calls: calls) {
                case .success(let made): devices.append(made)
                case .failure(let why): skipped.append(why.message)
                }
            }
        }
        self.platforms = platforms
        self.devices = devices
        self.skipped = skipped
        guard !devices.isEmpty else {
            let names = platforms.map(\.name).joined(separator: ", ")
            throw KilnError(.noDevice,
                "OpenCL found no device Kiln can use on its platforms (\(names))\(skipped.isEmpty ? "" : ": " + skipped.joined(separator: "; ")) — \(install), and check `clinfo -l`")
        }
    }

    /// The device with an index (as ``devices`` numbers them).
    ///
    /// - Throws: `KilnError.invalidArgument` for an index the runtime does not have.
    public func device(_ index: Int) throws(KilnError) -> OpenCLDevice {
        guard devices.indices.contains(index) else {
            throw KilnError(.invalidArgument,
                "OpenCL device \(index) does not exist: Kiln sees \(devices.count) (0…\(devices.count - 1)) — pick one of those (`kiln devices` lists them)")
        }
        return devices[index]
    }

    /// The first PoCL CPU device, if there is one.
    public var poclDevice: OpenCLDevice? {
        devices.first { $0.platform.isPoCL && $0.type == .cpu }
    }
}
