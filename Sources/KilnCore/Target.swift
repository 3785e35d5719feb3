/// What one image is compiled for: an `sm_XY`, a `compute_XY`, an Intel device,
/// `spirv`, `cpu` or `source`.
///
/// A target is known by its canonical ``name``; aliases (`ats-m150` for `acm-g10`)
/// are resolved by ``TargetRegistry`` before a target is made.
public struct Target: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The kinds of target, with what identifies each.
    public enum Kind: Hashable, Sendable {
        /// A cubin for one compute capability; `archSpecific` for `sm_XYa`.
        case cubin(ComputeCapability, archSpecific: Bool)
        /// PTX for one compute capability; `archSpecific` for `compute_XYa`.
        case ptx(ComputeCapability, archSpecific: Bool)
        /// A zebin for one Intel IP version.
        case intelDevice(IntelIPVersion)
        /// SPIR-V for any OpenCL driver that takes IL.
        case spirv
        /// A PoCL binary for the building machine's CPU.
        case cpu
        /// The module's source, for any family.
        case source
    }

    /// What the target is.
    public let kind: Kind
    /// The canonical name: `sm_90`, `compute_80`, `acm-g10`, `spirv`, `cpu`, `source`.
    public let name: String

    /// Creates a target; ``TargetRegistry`` is the usual way to get one from a name.
    public init(kind: Kind, name: String) {
        self.kind = kind
        self.name = name
    }

    /// The cubin target `sm_XY` (or `sm_XYa`).
    public static func sm(_ number: Int, archSpecific: Bool = false) -> Target {
        Target(kind: .cubin(ComputeCapability(number: number), archSpecific: archSpecific),
               name: "sm_\(number)\(archSpecific ? "a" : "")")
    }

    /// The PTX target `compute_XY` (or `compute_XYa`).
    public static func compute(_ number: Int, archSpecific: Bool = false) -> Target {
        Target(kind: .ptx(ComputeCapability(number: number), archSpecific: archSpecific),
               name: "compute_\(number)\(archSpecific ? "a" : "")")
    }

    /// The SPIR-V portable form.
    public static let spirv = Target(kind: .spirv, name: "spirv")
    /// The PoCL binary for the building machine's CPU.
    public static let cpu = Target(kind: .cpu, name: "cpu")
    /// The source portable form.
    public static let source = Target(kind: .source, name: "source")

    /// The family whose devices run this target; nil for `source`, which serves all.
    public var family: Family? {
        switch kind {
        case .cubin, .ptx: .nvidia
        case .intelDevice, .spirv: .intel
        case .cpu: .cpu
        case .source: nil
        }
    }

    /// The format of images built for this target.
    public var format: ImageFormat {
        switch kind {
        case .cubin: .cubin
        case .ptx: .ptx
        case .intelDevice: .zebin
        case .spirv: .spirv
        case .cpu: .poclBinary
        case .source: .source
        }
    }

    /// Whether this target is a portable form, compiled on the device at run time.
    public var isPortable: Bool { format.isPortable }

    public var description: String { name }

    /// Orders targets by family, then by kind and version, so listings read naturally.
    public static func < (lhs: Target, rhs: Target) -> Bool {
        lhs.sortKey.lexicographicallyPrecedes(rhs.sortKey)
    }

    private var sortKey: [Int] {
        switch kind {
        case .cubin(let cc, let a): [0, 0, cc.major, cc.minor, a ? 1 : 0]
        case .ptx(let cc, let a): [0, 1, cc.major, cc.minor, a ? 1 : 0]
        case .intelDevice(let ip): [1, 0, ip.major, ip.minor, ip.revision]
        case .spirv: [1, 1]
        case .cpu: [2, 0]
        case .source: [3, 0]
        }
    }
}
