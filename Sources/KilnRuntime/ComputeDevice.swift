import KilnCore
import KilnDrivers

/// A device Kiln runs on, whichever its family, so a caller writes the same Swift for an
/// NVIDIA GPU (through CUDA) and an Intel GPU or a CPU (through OpenCL).
///
/// Make one from a family's device with ``cuda(_:)`` or ``openCL(_:)``, or find them with
/// ``all(_:)`` and ``first(_:)``. Two values are equal when they stand for the same device object.
public struct ComputeDevice: Sendable, Equatable, CustomStringConvertible {
    /// The family's driver on this device.
    let backend: any ComputeBackend

    init(backend: any ComputeBackend) {
        self.backend = backend
    }

    /// An NVIDIA GPU, run through the CUDA driver.
    ///
    /// - Parameter device: The GPU.
    public static func cuda(_ device: CUDADevice) -> ComputeDevice { ComputeDevice(backend: device) }

    /// An Intel GPU or a CPU, run through OpenCL.
    ///
    /// - Parameter device: The OpenCL device.
    public static func openCL(_ device: OpenCLDevice) -> ComputeDevice { ComputeDevice(backend: device) }

    public static func == (lhs: ComputeDevice, rhs: ComputeDevice) -> Bool { lhs.backend === rhs.backend }

    /// A family whose driver could not be used on this machine, and why.
    public struct Unavailable: Sendable, Encodable {
        /// The family: `nvidia`, or `opencl` for Intel GPUs and CPUs.
        public var family: String
        /// Why it could not be used: no driver, no device.
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
    /// - Parameter families: The families to look for.
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
    public var identity: DeviceIdentity { backend.identity }

    /// The device target it runs: `sm_90`, an Intel device, `cpu`.
    public var target: Target { backend.target }

    /// Driver bugs known to change results on this device, with their workarounds (see
    /// `OpenCLDevice.knownIssues`); empty for CUDA devices.
    public var knownIssues: [String] { backend.knownIssues }

    /// The device in a few words: `GPU 0 (NVIDIA H100 80GB HBM3, sm_90)`.
    public var summary: String { backend.summary }

    public var description: String { backend.description }

    /// Waits until the device has finished all work given to it.
    ///
    /// - Throws: `KilnError.driverError` carrying any fault of earlier, asynchronous work.
    public func synchronize() throws(KilnError) {
        try StartupTrace.measureFirst("sync.first") { () throws(KilnError) in try backend.synchronize() }
    }
}
