#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Dispatch
import KilnBundle
import KilnCore
import Synchronization

/// Builds a bundle: every module × every target of a device list, in parallel, reusing what
/// the build cache holds, then written in one piece (nothing is written when a compile fails).
public struct Builder: Sendable {
    /// What the builder tells its caller while it works.
    public enum Event: Sendable {
        /// The plan: how many compiles, how many taken from the cache.
        case planned(total: Int, cached: Int)
        /// One compile starts; `invocation` is the toolchain's command line.
        case started(module: String, target: String, invocation: String)
        /// One image is ready.
        case finished(module: String, target: String, seconds: Double, cached: Bool, done: Int, total: Int)
        /// A module × target pair that is not built, and why.
        case skipped(module: String, target: String, reason: String)
    }

    /// How to build.
    public struct Options: Sendable {
        /// How many compiles run at once (at most one per core).
        public var jobs: Int
        /// The build cache, or nil to compile everything.
        public var cache: BuildCache?
        /// The zstd level for images.
        public var compressionLevel: Int32

        /// Creates options.
        public init(jobs: Int, cache: BuildCache?, compressionLevel: Int32 = 19) {
            self.jobs = max(1, jobs)
            self.cache = cache
            self.compressionLevel = compressionLevel
        }
    }

    /// What a build did.
    public struct Report: Sendable, Encodable {
        public var output: String
        public var deviceList: String
        public var targets: [String]
        public var modules: [String]
        public var images: Int
        public var compiled: Int
        public var reused: Int
        public var skipped: [String]
        public var seconds: Double
        public var bundleBytes: Int
    }

    let deviceList: DeviceList
    let toolchains: [any Toolchain]
    let options: Options

    /// A builder for a device list with the toolchains that build its targets.
    public init(deviceList: DeviceList, toolchains: [any Toolchain], options: Options) {
        self.deviceList = deviceList
        self.toolchains = toolchains
        self.options = options
    }

    /// One compile of the plan.
    struct Job: Sendable {
        var module: SourceModule
        var target: Target
        var toolchain: any Toolchain
        var key: String
    }

    /// Builds the sources into a bundle at `output`.
    ///
    /// - Throws: `KilnError.toolchainUnavailable` for a target no toolchain builds;
    ///   `.compilationFailed` carrying every failed compile's log (the bundle is then not written).
    public func build(sources: [SourceModule], output: String,
                      progress: @Sendable (Event) -> Void = { _ in }) throws -> Report {
        let start = DispatchTime.now().uptimeNanoseconds
        var names: [String: String] = [:]
        for module in sources {
            if let other = names[module.name] {
                throw KilnError(.invalidArgument,
                    "'\(module.path)' and '\(other)' are both module '\(module.name)' — module names (file names without extension) must be unique")
            }
            names[module.name] = module.path
        }
        var jobs: [Job] = []
        var skipped: [String] = []
        for target in deviceList.targets {
            guard let toolchain = toolchains.first(where: { $0.builds(target) }) else {
                throw KilnError(.toolchainUnavailable,
                    "no toolchain here builds target '\(target.name)' (\(target.family?.rawValue ?? "any")) — leave it out of the device list, or install its compiler")
            }
            for module in sources {
                if module.language == .cuda, target.family != .nvidia, target.kind != .source {
                    let reason = "CUDA C++ builds for NVIDIA targets only"
                    skipped.append("\(module.name) × \(target.name)")
                    progress(.skipped(module: module.name, target: target.name, reason: reason))
                    continue
                }
                jobs.append(Job(module: module, target: target, toolchain: toolchain,
                                key: BuildCache.key(toolchain: toolchain, module: module, target: target)))
            }
        }

        let plan = jobs
        let results = Mutex<[Int: Result<(CompiledImage, Bool), KilnError>]>([:])
        let cached = jobs.indices.reduce(into: [Int: CompiledImage]()) { found, index in
            if let image = options.cache?.lookup(jobs[index].key) { found[index] = image }
        }
        progress(.planned(total: jobs.count, cached: cached.count))
        let done = Mutex(0)
        let gate = DispatchSemaphore(value: options.jobs)
        DispatchQueue.concurrentPerform(iterations: plan.count) { index in
            let job = plan[index]
            let result: Result<(CompiledImage, Bool), KilnError>
            let began = DispatchTime.now().uptimeNanoseconds
            if let image = cached[index] {
                result = .success((image, true))
            } else {
                gate.wait()
                progress(.started(module: job.module.name, target: job.target.name,
                                  invocation: job.toolchain.invocation(for: job.module, target: job.target)))
                do {
                    let image = try job.toolchain.compile(job.module, for: job.target)
                    options.cache?.store(image, key: job.key)
                    result = .success((image, false))
                } catch let error as KilnError {
                    result = .failure(error)
                } catch {
                    result = .failure(KilnError(.compilationFailed, "\(job.module.path) for \(job.target.name): \(error)"))
                }
                gate.signal()
            }
            results.withLock { $0[index] = result }
            let count = done.withLock { $0 += 1; return $0 }
            if case .success(let (_, wasCached)) = result {
                progress(.finished(module: job.module.name, target: job.target.name,
                                   seconds: Double(DispatchTime.now().uptimeNanoseconds - began) / 1e9,
                                   cached: wasCached, done: count, total: plan.count))
            }
        }

        let outcomes = results.withLock { $0 }
        let failures = jobs.indices.compactMap { index -> String? in
            guard case .failure(let error) = outcomes[index] else { return nil }
            return "\(jobs[index].module.path) for \(jobs[index].target.name):\n\(error.message)"
        }
        if !failures.isEmpty {
            throw KilnError(.compilationFailed,
                "\(failures.count) of \(jobs.count) compiles failed; '\(output)' was not written\n\n" + failures.joined(separator: "\n\n"))
        }

        var images: [(Job, CompiledImage, Bool)] = []
        for index in jobs.indices {
            if case .success(let (image, wasCached)) = outcomes[index] { images.append((jobs[index], image, wasCached)) }
        }
        let manifest = makeManifest(sources: sources, images: images.map { ($0.0, $0.1) })
        var writer = BundleWriter(manifest: manifest, compressionLevel: options.compressionLevel)
        for (job, image, _) in images {
            try writer.add(module: job.module.name, target: job.target.name, format: job.target.format,
                           toolchain: job.toolchain.identity, bytes: image.bytes)
        }
        let bytes = try writer.serialize()
        try OutputFile.write(bytes, to: output, inputs: sources.map(\.path), what: "bundle")
        let reused = images.filter(\.2).count
        return Report(output: output, deviceList: deviceList.text, targets: deviceList.targets.map(\.name),
                      modules: sources.map(\.name), images: images.count, compiled: images.count - reused,
                      reused: reused, skipped: skipped,
                      seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, bundleBytes: bytes.count)
    }

    func makeManifest(sources: [SourceModule], images: [(Job, CompiledImage)]) -> Manifest {
        let modules = sources.map { module -> ModuleRecord in
            var record = module.record
            let symbols = images.first { $0.0.module.name == module.name && !$0.1.symbols.isEmpty }?.1.symbols ?? [:]
            for index in record.kernels.indices {
                record.kernels[index].symbol = symbols[record.kernels[index].name]
            }
            return record
        }
        let targets = deviceList.targets.map { target -> TargetRecord in
            let first = images.first { $0.0.target == target }
            var record = TargetRecord(name: target.name, format: target.format,
                                      toolchain: first?.0.toolchain.identity ?? toolchains.first { $0.builds(target) }?.identity ?? "")
            record.ptxISAVersion = first?.1.ptxISAVersion
            record.hostString = first?.1.hostString
            if case .intelDevice(let ip) = target.kind { record.ipVersion = ip.description }
            return record
        }
        var versions: [String: String] = [:]
        for toolchain in toolchains {
            let parts = toolchain.identity.split(separator: " ", maxSplits: 1)
            if parts.count == 2 { versions[String(parts[0])] = String(parts[1]) }
        }
        return Manifest(deviceList: deviceList.text, modules: modules, targets: targets, toolchains: versions)
    }
}
