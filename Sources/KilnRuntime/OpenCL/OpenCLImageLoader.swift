import KilnCore
import KilnDrivers

/// Loads device binaries and compiles SPIR-V or source on one OpenCL device, for ``ModuleTable``.
struct OpenCLImageLoader: ImageLoader {
    let device: OpenCLDevice

    var identity: DeviceIdentity { device.identity }
    /// The IP version of an Intel GPU; a CPU's host string.
    var cacheDevice: String { device.ipVersion?.description ?? device.hostString ?? device.name }
    var compiler: String { "opencl \(device.platform.name) \(device.driverVersion)" }

    func load(binary: [UInt8], target: Target, module: String) throws -> OpenCLProgram {
        try OpenCLProgram(binary: binary, name: module, device: device)
    }

    func compile(_ portable: [UInt8], target: Target, module: String) throws -> [UInt8] {
        switch target.kind {
        case .spirv:
            return try OpenCLProgram.compileBinary(.spirv(portable), name: module, device: device).bytes
        case .source:
            return try OpenCLProgram.compileBinary(.source(portable), name: module, device: device).bytes
        default:
            throw KilnError(.noCompatibleImage, "module '\(module)': \(target.name) is not a portable form an OpenCL device compiles")
        }
    }
}
