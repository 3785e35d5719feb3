/// A portable form: an image that a device compiles at run time when no
/// device binary in the bundle serves it.
public enum PortableForm: String, Sendable, Hashable, CaseIterable, Codable {
    /// NVIDIA PTX, at the lowest compute capability listed unless a `compute_XY` is named.
    case ptx
    /// SPIR-V, for Intel GPUs (and any OpenCL driver that takes IL).
    case spirv
    /// The module's source, for every family.
    case source
}
