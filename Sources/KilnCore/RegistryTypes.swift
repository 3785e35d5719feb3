/// An NVIDIA architecture that Kiln can compile for.
public struct NVIDIAArchitecture: Sendable, Hashable {
    /// The compute capability: 9.0 for `sm_90`.
    public var capability: ComputeCapability
    /// The architecture's name: Hopper, Ampere, …
    public var generation: String
    /// Whether an arch-specific variant (`sm_90a`) exists.
    public var hasArchSpecificVariant: Bool
    /// A caveat users should know, such as a toolchain that dropped it.
    public var note: String?
}

/// An Intel GPU as `ocloc` knows it: its device names and its IP version.
public struct IntelDevice: Sendable, Hashable {
    /// The `ocloc` device names, canonical name first (`acm-g10`, `ats-m150`, `dg2-g10`).
    public var names: [String]
    /// The IP version the driver reports for it.
    public var ipVersion: IntelIPVersion
    /// The release it belongs to: Gen9, Xe-LP, Xe-HPG, Xe-HPC, …
    public var release: String

    /// The canonical name, used as the target name.
    public var canonicalName: String { names[0] }
    /// The target that compiles for this device.
    public var target: Target { Target(kind: .intelDevice(ipVersion), name: canonicalName) }
}

/// A product name that users write in a device list, and the targets it stands for.
public struct Product: Sendable, Hashable {
    /// The product's full name.
    public var name: String
    /// Other spellings users write (`H100`, `Flex 170`).
    public var aliases: [String]
    /// The canonical names of the targets it stands for.
    public var targets: [String]
    /// The family it belongs to.
    public var family: Family
}

/// A name that stands for several Intel devices, as `ocloc` accepts (`gen12lp`, `xe-hpg`).
public struct TargetGroup: Sendable, Hashable {
    /// The group's name.
    public var name: String
    /// The canonical names of its targets.
    public var members: [String]
}
