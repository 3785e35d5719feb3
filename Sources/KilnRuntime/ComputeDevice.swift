import KilnCore
import KilnDrivers

/// A device Kiln runs on, whichever its family, so a caller writes the same Swift for an
/// NVIDIA GPU (through CUDA) and an Intel GPU or a CPU (through OpenCL).
public enum ComputeDevice: Sendable, CustomStringConvertible {
    case cuda(CUDADevice)
    case openCL(OpenCLDevice)

    /// A family whose driver could not be used on this machine, and why.
    public struct Unavailable: Sendable, Encodable {
        public var family: String
        public var reason: String
    }

    /// Every device of this machine that Kiln serves, CUDA first, and each family it could not
    /// reach with the reason (no driver, no device).
    ///
    /// - Parameter families: The families to look for; OpenCL (which serves `intel` and `cpu`)
    ///   is not loaded unless one of its families is asked for, nor CUDA unless `nvidia` is.
    public static func all(_ families: Set<Family> = Set(Family.allCases)) -> (devices: [ComputeDevice], unavailable: [Unavailable]) {
        var devices: [ComputeDevice] = []
        var unavailable: [Unavailable] = []
        if families.contains(.nvidia) {
            do {
                devices += try CUDADriver.load().devices.map(ComputeDevice.cuda)
            } catch {
                unavailable.append(Unavailable(family: "nvidia", reason: error.message))
            }
        }
        if !families.isDisjoint(with: [.intel, .cpu]) {
            do {
                let runtime = try OpenCLRuntime.load()
                devices += runtime.devices.map(ComputeDevice.openCL).filter { $0.target.family.map(families.contains) ?? false }
                unavailable += runtime.skipped.map { Unavailable(family: "opencl", reason: $0) }
            } catch {
                unavailable.append(Unavailable(family: "opencl", reason: error.message))
            }
        }
        return (devices, unavailable)
    }

    /// The device a program that runs on one device takes: the first of ``all(_:)``, found
    /// without loading more than it needs — OpenCL's platforms are enumerated only when no CUDA
    /// GPU is found (or `nvidia` is not among `families`), which spares a CUDA program the ICD
    /// loader and every OpenCL driver's start-up.
    ///
    /// - Returns: The device, nil when none of the families has one, and why each family that
    ///   was tried could not be used.
    public static func first(_ families: Set<Family> = Set(Family.allCases)) -> (device: ComputeDevice?, unavailable: [Unavailable]) {
        if families.contains(.nvidia) {
            let cuda = all([.nvidia])
            if let device = cuda.devices.first { return (device, cuda.unavailable) }
            let rest = all(families.subtracting([.nvidia]))
            return (rest.devices.first, cuda.unavailable + rest.unavailable)
        }
        let found = all(families)
        return (found.devices.first, found.unavailable)
    }

    /// What resolution sees of the device.
    public var identity: DeviceIdentity {
        switch self {
        case .cuda(let device): device.identity
        case .openCL(let device): device.identity
        }
    }

    /// The device target it runs: `sm_90`, an Intel device, `cpu`.
    public var target: Target {
        switch self {
        case .cuda(let device): device.target
        case .openCL(let device): device.target
        }
    }

    /// Driver bugs known to change results on this device, with their workarounds (see
    /// `OpenCLDevice.knownIssues`); empty for CUDA devices.
    public var knownIssues: [String] {
        guard case .openCL(let device) = self else { return [] }
        return device.knownIssues
    }

    /// The device in a few words: `GPU 0 (NVIDIA H100 80GB HBM3, sm_90)`.
    public var summary: String {
        switch self {
        case .cuda(let device): device.summary
        case .openCL(let device): device.summary
        }
    }

    public var description: String {
        switch self {
        case .cuda(let device): device.description
        case .openCL(let device): device.description
        }
    }

    /// A buffer holding these values.
    public func makeBuffer<T: KernelScalar>(_ values: [T]) throws(KilnError) -> DeviceBuffer {
        switch self {
        case .cuda(let device): .cuda(try device.makeBuffer(values))
        case .openCL(let device): .openCL(try device.makeBuffer(values))
        }
    }

    /// An uninitialised buffer of `count` values.
    public func makeBuffer<T: KernelScalar>(of type: T.Type, count: Int) throws(KilnError) -> DeviceBuffer {
        switch self {
        case .cuda(let device): .cuda(try device.makeBuffer(of: type, count: count))
        case .openCL(let device): .openCL(try device.makeBuffer(of: type, count: count))
        }
    }

    /// Waits until the device has finished all work given to it.
    public func synchronize() throws(KilnError) {
        try StartupTrace.measureFirst("sync.first") { () throws(KilnError) in
            switch self {
            case .cuda(let device): try device.synchronize()
            case .openCL(let device): try device.synchronize()
            }
        }
    }
}

/// Device memory of either family.
public enum DeviceBuffer: Sendable {
    case cuda(CUDABuffer)
    case openCL(OpenCLBuffer)

    /// The buffer as a launch argument.
    public var argument: KernelArgument {
        switch self {
        case .cuda(let buffer): .buffer(buffer)
        case .openCL(let buffer): .buffer(buffer)
        }
    }

    /// Copies values into the buffer.
    public func upload<T: KernelScalar>(_ values: [T]) throws(KilnError) {
        switch self {
        case .cuda(let buffer): try buffer.upload(values)
        case .openCL(let buffer): try buffer.upload(values)
        }
    }

    /// Copies the buffer's values out (all of them, or the first `count`).
    public func download<T: KernelScalar>(as type: T.Type = T.self, count: Int? = nil) throws(KilnError) -> [T] {
        try StartupTrace.measureFirst("download.first") { () throws(KilnError) in
            switch self {
            case .cuda(let buffer): try buffer.download(as: type, count: count)
            case .openCL(let buffer): try buffer.download(as: type, count: count)
            }
        }
    }
}
