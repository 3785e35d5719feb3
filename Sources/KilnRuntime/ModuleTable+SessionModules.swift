import KilnBundle
import KilnCore

/// The modules of a session, whichever backend serves them.
/// ``BundleSession`` holds one without knowing the backend's types; ``ModuleTable`` is the one
/// implementation, for any ``ComputeBackend``.
protocol SessionModules: Sendable {
    /// The bundle's manifest.
    var manifest: Manifest { get }
    /// The resolutions made so far, in the order the modules were first used.
    var resolutions: [ResolutionRecord] { get }
    /// A kernel by name, its module loaded on first use.
    func kernel(_ name: String, in module: String?) throws -> DeviceKernel
    /// Loads one module, and says how it was served.
    func loadModule(_ module: String) throws -> ResolutionRecord
    /// Loads every module, and says how each was served.
    func loadAll() throws -> [ResolutionRecord]
}

extension ModuleTable: SessionModules where Loader: ComputeBackend {
    func kernel(_ name: String, in moduleName: String?) throws -> DeviceKernel {
        let (module, owner, record) = try kernel(name, in: moduleName)
        return try StartupTrace.measure("kernel.lookup", detail: name) { () throws(KilnError) in
            try loader.kernel(record, in: module, named: owner)
        }
    }

    func loadModule(_ name: String) throws -> ResolutionRecord {
        _ = try module(named: name)
        guard let record = resolutions.first(where: { $0.module == name }) else {
            throw KilnError(.imageNotFound, "module '\(name)' of bundle '\(reader.path)' was loaded but not recorded")
        }
        return record
    }
}

extension ComputeBackend {
    /// A module table of a bundle on this device.
    func modules(reader: BundleReader, manifest: Manifest, policy: JITPolicy, cache: any JITCache) -> any SessionModules {
        ModuleTable(reader: reader, manifest: manifest, loader: self, policy: policy, cache: cache)
    }
}
