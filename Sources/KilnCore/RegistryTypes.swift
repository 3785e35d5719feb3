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
    /// Whether only an older NVRTC than the one Kiln uses (13.0) builds it, so `all` leaves it out.
    public var needsOlderNVRTC = false
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

/// A GPU architecture's name, as PyTorch's `TORCH_CUDA_ARCH_LIST` and Intel's releases use them
/// (`Ampere`, `Hopper`, `Xe-LP`), and the targets it stands for.
public struct ArchitectureName: Sendable, Hashable {
    /// The name.
    public var name: String
    /// Other spellings (`Lovelace` for `Ada`).
    public var aliases: [String]
    /// The canonical names of the targets it stands for.
    public var targets: [String]
    /// The family it belongs to.
    public var family: Family
    /// Why these targets, where that is a choice.
    public var note: String
}

/// A name users write that this Kiln cannot build, and why: an Intel device that only an `ocloc`
/// newer than the registry's knows, or an NVIDIA architecture older than any Kiln builds.
public struct UnbuildableName: Sendable, Hashable {
    /// The spellings (`lnl`, `lnl-m`, `Lunar Lake`).
    public var names: [String]
    /// What it is: `Lunar Lake, Xe2-LPG`.
    public var what: String
    /// The family it belongs to.
    public var family: Family
    /// What building it needs: `ocloc 24.x` for a newer Intel device; nil for an NVIDIA
    /// architecture that no current NVRTC builds.
    public var needsOcloc: String?
}
