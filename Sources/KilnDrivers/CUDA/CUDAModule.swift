import KilnCore

/// A module loaded on one GPU from a cubin; kernels are looked up in it by their records.
public final class CUDAModule: Sendable {
    /// The module's name, for messages.
    public let name: String
    /// The device it is loaded on.
    public let device: CUDADevice
    /// What the driver's loader logged.
    public let loadLog: String
    /// Kernel name → the symbol it has in the cubin, for kernels whose records name none: what
    /// NVRTC lowered them to when the cubin was compiled from source at run time (empty otherwise).
    public let symbols: [String: String]
    package let handle: CUDAHandle

    /// Loads a module from cubin bytes with `cuModuleLoadDataEx`.
    ///
    /// - Parameters:
    ///   - cubin: The cubin's bytes.
    ///   - name: The module's name, for messages.
    ///   - device: The GPU to load it on.
    ///   - symbols: Kernel name → symbol in the cubin, where the kernels' records name none.
    /// - Throws: `KilnError.driverError` with the driver's status as the cause (209 for a cubin of
    ///   another architecture, 200 for damaged bytes) and the loader's log in the message.
    public init(cubin: [UInt8], name: String, device: CUDADevice, symbols: [String: String] = [:]) throws(KilnError) {
        self.name = name
        self.device = device
        self.symbols = symbols
        try device.makeCurrent()
        let (result, log) = device.calls.loadModule(image: cubin)
        switch result {
        case .success(let module):
            handle = CUDAHandle(module)
            loadLog = log.info
        case .failure(let status):
            throw device.calls.error(status, "loading module '\(name)' on \(device.summary) (cuModuleLoadDataEx)\(Self.logSuffix(log))")
        }
    }

    deinit {
        if (try? device.makeCurrent()) != nil {
            _ = device.calls.unloadModule(handle.raw)
        }
    }

    /// Compiles PTX for a device with the driver's linker (`cuLinkCreate`, `cuLinkAddData`,
    /// `cuLinkComplete`), and returns the cubin, which can be cached and loaded with ``init(cubin:name:device:symbols:)``.
    ///
    /// - Throws: `KilnError.driverError` with the driver's status as the cause (222 for PTX newer than the
    ///   driver, 218 for PTX it rejects) and the linker's error log in the message.
    public static func link(ptx: [UInt8], name: String, device: CUDADevice) throws(KilnError) -> CUDALinkedImage {
        try device.makeCurrent()
        let start = ContinuousClock.now
        let (result, log) = device.calls.link(ptx: ptx, name: name)
        switch result {
        case .success(let cubin):
            return CUDALinkedImage(cubin: cubin, infoLog: log.info, seconds: (ContinuousClock.now - start).seconds)
        case .failure(let status):
            throw device.calls.error(status, "compiling the PTX of module '\(name)' for \(device.summary) (driver JIT)\(logSuffix(log))")
        }
    }

    private static func logSuffix(_ log: CUDACalls.JITLog) -> String {
        let text = [log.error, log.info].map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }.joined(separator: "\n")
        return text.isEmpty ? "" : ", driver log:\n\(text)\n"
    }
}

/// A cubin the driver's linker made from PTX.
public struct CUDALinkedImage: Sendable {
    /// The linked cubin.
    public var cubin: [UInt8]
    /// What the linker logged.
    public var infoLog: String
    /// How long the link took.
    public var seconds: Double
}
