/// What identifies a device for resolution: the facts the rules look at.
public struct DeviceIdentity: Sendable, Hashable, CustomStringConvertible {
    /// The family-specific identity.
    public enum Kind: Sendable, Hashable {
        /// An NVIDIA GPU: its compute capability, and the driver's CUDA version
        /// (`cuDriverGetVersion`, 13000 for 13.0) when known.
        case nvidia(ComputeCapability, driverVersion: Int?)
        /// An Intel GPU: its IP version, and whether its driver takes SPIR-V.
        case intel(IntelIPVersion, acceptsSPIRV: Bool)
        /// A CPU under an OpenCL driver (PoCL, Intel's CPU runtime): its device string, when known,
        /// and whether its driver takes SPIR-V.
        case cpu(hostString: String?, acceptsSPIRV: Bool = false)
    }

    /// A name for messages: `NVIDIA H100 80GB HBM3`, `sm_90`, `pvc`.
    public var name: String
    /// The identity.
    public var kind: Kind
    /// Whether a source compiler for this family (NVRTC, the OpenCL driver) is present at run time;
    /// nil where that is not known yet (`kiln explain`).
    public var canCompileSource: Bool?

    /// Creates an identity.
    public init(name: String, kind: Kind, canCompileSource: Bool? = nil) {
        self.name = name
        self.kind = kind
        self.canCompileSource = canCompileSource
    }

    /// The family the device belongs to.
    public var family: Family {
        switch kind {
        case .nvidia: .nvidia
        case .intel: .intel
        case .cpu: .cpu
        }
    }

    public var description: String {
        switch kind {
        case .nvidia(let cc, _): "\(name) (compute capability \(cc))"
        case .intel(let ip, _): "\(name) (IP version \(ip))"
        case .cpu(let host, _): "\(name) (\(host ?? "CPU"))"
        }
    }
}

extension DeviceIdentity {
    /// The identity of the device a target is built for, as `kiln explain` assumes it.
    ///
    /// Returns nil for portable targets, which name no device.
    public init?(assumingTarget target: Target, name: String? = nil) {
        switch target.kind {
        case .cubin(let cc, _):
            self.init(name: name ?? target.name, kind: .nvidia(cc, driverVersion: nil))
        case .intelDevice(let ip):
            self.init(name: name ?? target.name, kind: .intel(ip, acceptsSPIRV: true))
        case .cpu:
            self.init(name: name ?? target.name, kind: .cpu(hostString: nil))
        case .ptx, .spirv, .source:
            return nil
        }
    }
}

extension DeviceIdentity {
    /// The identity of a device named as users name them: a product (`A10`, `Arc A380`, `H100`)
    /// or a device target (`sm_86`, `pvc`, `12.60.7`, `cpu`).
    ///
    /// - Throws: `KilnError` if the name is unknown, names a portable form, or stands for several devices.
    public static func named(_ name: String, registry: TargetRegistry = .standard) throws(KilnError) -> DeviceIdentity {
        switch try registry.meaning(of: name) {
        case .targets(let targets, let product):
            let devices = targets.filter { !$0.isPortable }
            guard !devices.isEmpty else {
                throw KilnError(.invalidArgument,
                    "'\(name)' is a portable form, not a device — name a device such as 'sm_90', 'pvc', 'cpu' or a product ('H100')")
            }
            guard devices.count == 1, let identity = DeviceIdentity(assumingTarget: devices[0], name: product ?? devices[0].name) else {
                throw KilnError(.invalidArgument,
                    "'\(name)' stands for several devices (\(devices.map(\.name).joined(separator: ", "))) — name one of them")
            }
            return identity
        case .native:
            throw KilnError(.invalidArgument, "'native' is not one device — name a device such as 'H100' or 'pvc'")
        case .portableOnly:
            throw KilnError(.invalidArgument, "'none' names no device — name a device such as 'H100' or 'pvc'")
        case .portable:
            throw KilnError(.invalidArgument, "'\(name)' is a portable-form switch, not a device — name a device such as 'H100' or 'pvc'")
        }
    }
}
