import KilnCore

/// What `kiln explain` shows: for one device, which image would serve each module of a
/// bundle and by which path, decided by ``Resolver`` before anything runs.
public struct BundleExplanation: Encodable, Sendable {
    /// The outcome for one module.
    public struct ModuleOutcome: Encodable, Sendable {
        public var module: String
        /// The path, or nil when no image serves the device.
        public var path: ResolutionPath?
        /// The target whose image would be used.
        public var target: String?
        public var reason: String?
        /// What must hold at run time for this to work.
        public var conditions: [String]
        /// Why it would fail, when it would.
        public var error: String?
    }

    /// The device as named.
    public var device: String
    /// The device's identity in words.
    public var identity: String
    public var policy: JITPolicy
    public var modules: [ModuleOutcome]
    /// Whether every module would load.
    public var servable: Bool { modules.allSatisfy { $0.error == nil } }

    /// Resolves every module of a bundle for a device.
    ///
    /// - Throws: `KilnError.corruptBundle` if the bundle is damaged; resolution failures are
    ///   outcomes, not errors.
    public init(reader: BundleReader, device: DeviceIdentity, policy: JITPolicy) throws(KilnError) {
        let manifest = try reader.manifest()
        self.device = device.name
        identity = device.description
        self.policy = policy
        modules = try manifest.modules.map { module throws(KilnError) in
            let images = try reader.availableImages(for: module, in: manifest)
            do throws(KilnError) {
                let plan = try Resolver.resolve(module: module.name, device: device, images: images, policy: policy)
                return ModuleOutcome(module: module.name, path: plan.path, target: plan.target.name, reason: plan.reason,
                                     conditions: plan.conditions, error: nil)
            } catch {
                return ModuleOutcome(module: module.name, path: nil, target: nil, reason: nil, conditions: [],
                                     error: error.message)
            }
        }
    }

    enum CodingKeys: String, CodingKey {
        case device, identity, policy, modules, servable
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(device, forKey: .device)
        try container.encode(identity, forKey: .identity)
        try container.encode(policy, forKey: .policy)
        try container.encode(modules, forKey: .modules)
        try container.encode(servable, forKey: .servable)
    }
}

extension BundleReader {
    /// The images a bundle holds for one module, with what resolution needs to know of each.
    ///
    /// - Parameter registry: The targets to know; nil for the standard tables, read without building
    ///   ``TargetRegistry/standard``'s index of spellings (``TargetRegistry/standardTarget(named:)``).
    /// - Complexity: O(t log n) for t targets and n images.
    /// - Throws: `KilnError.corruptBundle` if the manifest names a target this Kiln does not know.
    public func availableImages(for module: ModuleRecord, in manifest: Manifest,
                                registry: TargetRegistry? = nil) throws(KilnError) -> [AvailableImage] {
        try manifest.targets.map { record throws(KilnError) in
            let known = if let registry { registry.target(named: record.name) } else { TargetRegistry.standardTarget(named: record.name) }
            guard let target = known else {
                throw KilnError(.corruptBundle,
                    "bundle '\(path)' names target '\(record.name)', which this Kiln (\(KilnVersion.current)) does not know — use the Kiln that built it (\(writerVersion)) or newer")
            }
            guard try entry(module: module.name, target: record.name) != nil else { return nil }
            return AvailableImage(target: target, ptxISAVersion: record.ptxISAVersion, hostString: record.hostString,
                                  sourceLanguage: target.kind == .source ? module.language : nil)
        }.compactMap { $0 }
    }
}
