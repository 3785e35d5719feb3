import KilnCore

/// A device binary that the driver compiled from SPIR-V or OpenCL C source, with what the
/// compile reported.
public struct OpenCLCompiledBinary: Sendable {
    /// The program's device binary (`CL_PROGRAM_BINARIES`), which ``OpenCLProgram/init(binary:name:device:)`` loads.
    public var bytes: [UInt8]
    /// The build log (warnings; empty when clean).
    public var log: String
    /// The kernels the program holds, as the driver reports them.
    public var kernelNames: [String]

    public init(bytes: [UInt8], log: String, kernelNames: [String]) {
        self.bytes = bytes
        self.log = log
        self.kernelNames = kernelNames
    }
}

extension OpenCLProgram {
    /// A portable form that an OpenCL driver compiles into a device binary.
    public enum PortableCode: Sendable {
        /// SPIR-V, taken through `clCreateProgramWithIL`.
        case spirv([UInt8])
        /// OpenCL C source, taken through `clCreateProgramWithSource`.
        case source([UInt8])
    }

    /// Compiles SPIR-V or OpenCL C source on a device and returns the device binary: what a
    /// `cpu` build through PoCL and a run-time compile on an OpenCL device both do.
    ///
    /// - Parameters:
    ///   - code: The SPIR-V or source.
    ///   - name: The module's name, for messages.
    ///   - device: The device to compile for.
    /// - Returns: The binary, the build log and the kernels' names.
    /// - Throws: `KilnError.compilationFailed` with the build log; `.unsupported` for SPIR-V on a
    ///   device that takes none; `.driverError` if the driver cannot give the binary.
    public static func compileBinary(_ code: PortableCode, name: String, device: OpenCLDevice) throws(KilnError) -> OpenCLCompiledBinary {
        let program = switch code {
        case .spirv(let bytes): try OpenCLProgram(spirv: bytes, name: name, device: device)
        case .source(let bytes): try OpenCLProgram(source: bytes, name: name, device: device)
        }
        return OpenCLCompiledBinary(bytes: try program.binary(), log: program.log, kernelNames: try program.kernelNames())
    }
}
