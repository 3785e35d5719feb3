import Dispatch
import KilnBundle
import KilnCore
import Synchronization

/// What a backend does with images for one device: load a device binary, or compile a
/// portable form into one.
protocol ImageLoader: Sendable {
    /// A loaded module.
    associatedtype Module: Sendable

    /// The device, as resolution sees it.
    var identity: DeviceIdentity { get }
    /// The device's own name in JIT cache keys: `sm_90`.
    var cacheDevice: String { get }
    /// The compiler of portable forms and its version, for JIT cache keys: `cuda-driver 13000`.
    var compiler: String { get }
    /// The compiler of one portable form, its version and options, for JIT cache keys; ``compiler`` unless
    /// a form has its own (NVRTC for CUDA source).
    ///
    /// - Throws: `KilnError.toolchainUnavailable` if that compiler is not installed.
    func compiler(for target: Target) throws -> String

    /// Loads a device binary: an AOT image, or what ``compile(_:target:module:)`` made.
    func load(binary: [UInt8], target: Target, module: String) throws -> Module
    /// Compiles a portable form of a module (its record: name, language, kernels) into a device
    /// binary for this device.
    func compile(_ portable: [UInt8], target: Target, module: ModuleRecord) throws -> [UInt8]
}

extension ImageLoader {
    func compiler(for target: Target) throws -> String { compiler }
}

/// The modules of one bundle on one device: each resolved by ``Resolver`` on first use,
/// loaded (or compiled, through the JIT cache) once, and recorded.
final class ModuleTable<Loader: ImageLoader>: Sendable {
    let reader: BundleReader
    let manifest: Manifest
    let loader: Loader
    let policy: JITPolicy
    let cache: any JITCache

    /// The loaded modules, the resolutions in order, and the loads under way.
    private let state = Mutex(State())

    private struct State {
        var modules: [String: Loader.Module] = [:]
        var records: [ResolutionRecord] = []
        /// One entry per module being loaded: a second thread asking for it waits for the first's
        /// result instead of compiling it too, while other modules load beside it.
        var inFlight: [String: Load] = [:]
    }

    /// What a thread asking for a module does: take it, wait for another thread's load, or load it.
    private enum Role { case loaded(Loader.Module), waiting(Load), loading(Load) }

    /// One module's load under way, which threads asking for the same module wait on.
    private final class Load: Sendable {
        let finished = DispatchSemaphore(value: 0)
        let result = Mutex<Result<Loader.Module, any Error>?>(nil)

        /// Waits for the loading thread's result; passes the signal on to the next waiter.
        func wait() throws -> Loader.Module {
            finished.wait()
            finished.signal()
            return try result.withLock { $0! }.get()
        }
    }

    init(reader: BundleReader, manifest: Manifest, loader: Loader, policy: JITPolicy, cache: any JITCache) {
        self.reader = reader
        self.manifest = manifest
        self.loader = loader
        self.policy = policy
        self.cache = cache
    }

    /// The resolutions made so far, in the order the modules were first used.
    var resolutions: [ResolutionRecord] { state.withLock { $0.records } }

    /// A module, resolved and loaded on first use. Threads asking for one module at once load it
    /// once (the others wait for that load, and share its error); different modules load in parallel.
    /// A load that failed is tried again by the next call.
    func module(named name: String) throws -> Loader.Module {
        let role = state.withLock { state -> Role in
            if let module = state.modules[name] { return .loaded(module) }
            if let load = state.inFlight[name] { return .waiting(load) }
            let load = Load()
            state.inFlight[name] = load
            return .loading(load)
        }
        switch role {
        case .loaded(let module): return module
        case .waiting(let load): return try load.wait()
        case .loading(let load):
            let result = Result { try self.load(name) }
            state.withLock { state in
                if case .success(let (module, record)) = result {
                    state.modules[name] = module
                    state.records.append(record)
                }
                state.inFlight[name] = nil
            }
            load.result.withLock { $0 = result.map(\.0) }
            load.finished.signal()
            return try result.get().0
        }
    }

    /// The module that holds a kernel, and the kernel's record: from a named module, or from
    /// whichever module of the bundle has it.
    ///
    /// - Throws: `KilnError.imageNotFound` if no module (or several, when none is named) has the kernel.
    func kernelRecord(_ name: String, in moduleName: String?) throws -> (module: String, record: KernelRecord) {
        let owner: ModuleRecord
        if let moduleName {
            owner = try record(of: moduleName)
        } else {
            let owners = manifest.modules.filter { $0.kernels.contains { $0.name == name } }
            guard owners.count == 1 else {
                throw KilnError(.imageNotFound, owners.isEmpty
                    ? "bundle '\(reader.path)' has no kernel '\(name)' — `kiln inspect \(reader.path)` lists its kernels"
                    : "kernel '\(name)' is in several modules of bundle '\(reader.path)' (\(owners.map(\.name).joined(separator: ", "))) — name the module")
            }
            owner = owners[0]
        }
        guard let record = owner.kernels.first(where: { $0.name == name }) else {
            throw KilnError(.imageNotFound,
                "module '\(owner.name)' of bundle '\(reader.path)' has no kernel '\(name)' — it has \(owner.kernels.map(\.name).joined(separator: ", "))")
        }
        return (owner.name, record)
    }

    /// A kernel's loaded module and record, refusing a kernel that the resolved image does not hold
    /// (compiled out there: an `#if` on a feature that target lacks).
    ///
    /// - Throws: `KilnError.imageNotFound` naming the kernel, the image's target and where it is; any error of ``module(named:)``.
    func kernel(_ name: String, in moduleName: String?) throws -> (module: Loader.Module, name: String, record: KernelRecord) {
        let (owner, record) = try kernelRecord(name, in: moduleName)
        let module = try self.module(named: owner)
        if let target = resolutions.first(where: { $0.module == owner })?.target, !record.isIn(target: target) {
            throw KilnError(.imageNotFound,
                "kernel '\(name)' of module '\(owner)' is not in its \(target) image: it was compiled out for \(target) (an #if on a feature that device lacks, such as cl_khr_fp64); the bundle has it for \((record.targets ?? []).joined(separator: ", ")) — check the feature before asking for the kernel")
        }
        return (module, owner, record)
    }

    /// Resolves and loads every module, and returns the resolutions.
    func loadAll() throws -> [ResolutionRecord] {
        for module in manifest.modules { _ = try self.module(named: module.name) }
        return resolutions
    }

    /// The manifest's record of a module.
    func record(of name: String) throws -> ModuleRecord {
        guard let record = manifest.module(named: name) else {
            let names = manifest.modules.map(\.name).joined(separator: ", ")
            throw KilnError(.imageNotFound,
                "bundle '\(reader.path)' has no module '\(name)' — it holds \(names.isEmpty ? "none" : names)")
        }
        return record
    }

    private func load(_ name: String) throws -> (Loader.Module, ResolutionRecord) {
        let start = ContinuousClock.now
        let record = try record(of: name)
        let identity = loader.identity
        let (images, plan) = try StartupTrace.measure("resolve", detail: name) {
            let images = try reader.availableImages(for: record, in: manifest)
            return (images, try Resolver.resolve(module: name, device: identity, images: images, policy: policy))
        }
        guard let entry = try reader.entry(module: name, target: plan.target.name) else {
            throw KilnError(.imageNotFound, "bundle '\(reader.path)' lists \(plan.target.name) for module '\(name)' but holds no such image — rebuild it")
        }
        try SourceImageLimit.check(entry, bundle: reader.path)
        let bytes = try reader.image(entry)
        // Structure before any driver or compiler parses it: PoCL's unpacker, ELF loaders and
        // a source's includes trust what they read.
        try StartupTrace.measure("image.check", detail: "\(name) × \(plan.target.name)", bytes: bytes.count) {
            try ImageCheck.validate(bytes, format: entry.format, target: plan.target,
                                    what: "bundle '\(reader.path)': image \(name) × \(plan.target.name)")
        }
        var path = plan.path
        let module: Loader.Module
        do {
            if plan.path.isJIT {
                let key = JITCacheKey(portableSHA256: entry.sha256Hex, target: plan.target.name,
                                      device: loader.cacheDevice, compiler: try loader.compiler(for: plan.target))
                let compile = {
                    try JITProgress.around(module: name, from: plan.target.name, to: self.loader.cacheDevice) {
                        try self.loader.compile(bytes, target: plan.target, module: record)
                    }
                }
                let (binary, cached) = try cache.compileOnce(key: key, compile: compile)
                if !cached {
                    module = try loader.load(binary: binary, target: plan.target, module: name)
                } else if let loaded = try? loader.load(binary: binary, target: plan.target, module: name) {
                    module = loaded
                    path = .jitCached
                } else {
                    // The driver refused what the cache held: drop it and compile afresh.
                    cache.remove(key: key)
                    let fresh = try compile()
                    module = try loader.load(binary: fresh, target: plan.target, module: name)
                    cache.store(key: key, bytes: fresh)
                }
            } else {
                module = try StartupTrace.measure("module.load", detail: "\(name) × \(plan.target.name)", bytes: bytes.count) {
                    try loader.load(binary: bytes, target: plan.target, module: name)
                }
            }
        } catch let error as KilnError where error.code == .driverError || error.code == .compilationFailed {
            let held = images.map(\.target).sorted().map(\.name).joined(separator: ", ")
            var message = "module '\(name)' on \(identity), through \(plan.target.name) (\(plan.path.rawValue)): \(error.message). The bundle holds \(held); the device is \(loader.cacheDevice)"
            if plan.path.isJIT {
                message += " — adding '\(loader.cacheDevice)' to the device list and rebuilding avoids the JIT"
            }
            throw KilnError(error.code, message, cause: error.cause)
        } catch let error as KilnError where [.unsupported, .toolchainUnavailable].contains(error.code) && plan.target.kind == .source {
            // The source's compiler is missing (NVRTC): say why nothing else serves, as the resolver would without the source.
            let others = images.filter { $0.target.kind != .source }
            do {
                _ = try Resolver.resolve(module: name, device: identity, images: others, policy: policy)
                throw error
            } catch let why as KilnError where why.code != error.code {
                throw KilnError(error.code, "\(error.message). Without the source: \(why.message)", cause: error.cause)
            }
        }
        let result = ResolutionRecord(module: name, device: identity.name, path: path, target: plan.target.name,
                                      imageSHA256: entry.sha256Hex, seconds: (ContinuousClock.now - start).seconds,
                                      reason: plan.reason)
        ResolutionLog.shared.append(result)
        return (module, result)
    }
}
