/// A family of devices that Kiln compiles for.
public enum Family: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// NVIDIA GPUs, through NVRTC and the CUDA driver.
    case nvidia
    /// Intel GPUs, through `ocloc` and the Intel OpenCL driver.
    case intel
    /// CPUs, through PoCL.
    case cpu

    public static func < (lhs: Family, rhs: Family) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// The format of one image's bytes.
public enum ImageFormat: String, Sendable, Hashable, Codable, CaseIterable {
    /// An NVIDIA device binary (ELF) for one `sm_XY`.
    case cubin
    /// NVIDIA PTX assembly for one `compute_XY`, compiled by the driver at load.
    case ptx
    /// An Intel device binary (zebin) for one IP version.
    case zebin
    /// SPIR-V, compiled by an OpenCL driver that accepts IL.
    case spirv
    /// A PoCL program binary for one host CPU.
    case poclBinary = "pocl-binary"
    /// The module's source text, compiled on the device at run time.
    case source

    /// Whether images of this format are compiled on the device at run time.
    public var isPortable: Bool {
        switch self {
        case .ptx, .spirv, .source: true
        case .cubin, .zebin, .poclBinary: false
        }
    }
}
