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
        /// The OpenCL C frontend that lists `.cl` modules' kernels; nil to find clang when a `.cl` module needs it.
        public var clang: ClangOpenCL?
        /// The share of the module × target pairs to build into a part for `kiln merge`; nil for the whole bundle.
        public var shard: Shard?

        /// Creates options.
        public init(jobs: Int, cache: BuildCache?, compressionLevel: Int32 = 19, clang: ClangOpenCL? = nil,
                    shard: Shard? = nil) {
            self.jobs = max(1, jobs)
            self.cache = cache
            self.compressionLevel = compressionLevel
            self.clang = clang
            self.shard = shard
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
        /// For a part: the shard it holds (`1/4`); nil for a bundle.
        public var shard: String?
        /// For a part: the SHA-256 of the build's inputs, the same in every part of one build.
        public var inputs: String?
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

        /// What the compile is reckoned to cost (``Shard/cost(sourceBytes:format:)``).
        var cost: Int { Shard.cost(sourceBytes: module.text.utf8.count, format: target.format) }
    }

    /// Builds the sources into a bundle at `output`.
    ///
    /// - Throws: `KilnError.toolchainUnavailable` for a target no toolchain builds;
    ///   `.compilationFailed` carrying every failed compile's log (the bundle is then not written).
    public func build(sources: [SourceModule], output: String,
                      progress: @escaping @Sendable (Event) -> Void = { _ in }) async throws(KilnError) -> Report {
        let start = DispatchTime.now().uptimeNanoseconds
        var names: [String: String] = [:]
        for module in sources {
            if let other = names[module.name] {
                throw KilnError(.invalidArgument,
                    "'\(module.path)' and '\(other)' are both module '\(module.name)' — module names (file names without extension) must be unique")
            }
            names[module.name] = module.path
        }
        let sources = try await listKernels(sources)
        var jobs: [Job] = []
        var skipped: [String] = []
        for target in deviceList.targets {
            for module in sources {
                guard let toolchain = toolchains.first(where: { $0.builds(target) && $0.languages.contains(module.language) }) else {
                    if module.language == .cuda, target.family != .nvidia {
                        skipped.append("\(module.name) × \(target.name)")
                        progress(.skipped(module: module.name, target: target.name, reason: "CUDA C++ builds for NVIDIA targets only"))
                        continue
                    }
                    throw KilnError(.toolchainUnavailable,
                        "no toolchain here builds \(module.language.rawValue) for target '\(target.name)' — install its compiler (scripts/setup.sh), or leave \(target.name) out")
                }
                jobs.append(Job(module: module, target: target, toolchain: toolchain,
                                key: BuildCache.key(toolchain: toolchain, module: module, target: target)))
            }
        }

        let plannedImages = jobs.count
        let inputs = inputsDigest(sources: sources)
        if let shard = options.shard {
            jobs = Self.share(of: jobs, shard: shard)
        }
        let plan = jobs
        let options = options
        let cached = jobs.indices.reduce(into: [Int: CompiledImage]()) { found, index in
            if let image = options.cache?.lookup(jobs[index].key) { found[index] = image }
        }
        progress(.planned(total: jobs.count, cached: cached.count))
        var outcomes: [Int: Result<(CompiledImage, Bool), KilnError>] = [:]
        var done = 0
        for index in plan.indices.filter({ cached[$0] != nil }) {
            let job = plan[index]
            outcomes[index] = .success((cached[index]!, true))
            done += 1
            progress(.finished(module: job.module.name, target: job.target.name, seconds: 0, cached: true, done: done, total: plan.count))
        }
        // At most `jobs` compiles at once; each compiler runs as a child process or in this one.
        let compile = { @Sendable (index: Int) async -> (Int, Result<CompiledImage, KilnError>, Double) in
            let job = plan[index]
            let began = ContinuousClock.now
            progress(.started(module: job.module.name, target: job.target.name,
                              invocation: job.toolchain.invocation(for: job.module, target: job.target)))
            let result: Result<CompiledImage, KilnError>
            do throws(KilnError) {
                let image = try await job.toolchain.compile(job.module, for: job.target)
                options.cache?.store(image, key: job.key)
                result = .success(image)
            } catch {
                result = .failure(error)
            }
            return (index, result, (ContinuousClock.now - began).seconds)
        }
        await withTaskGroup(of: (Int, Result<CompiledImage, KilnError>, Double).self) { group in
            // Dearest first (``Shard/cost(sourceBytes:format:)``), so that one long compile (PoCL
            // on a large module) starts at once, beside the rest, instead of last and alone.
            var waiting = plan.indices.filter { cached[$0] == nil }.sorted { (plan[$1].cost, $0) < (plan[$0].cost, $1) }[...]
            for _ in 0..<options.jobs {
                guard let index = waiting.popFirst() else { break }
                group.addTask { await compile(index) }
            }
            while let (index, result, seconds) = await group.next() {
                if let next = waiting.popFirst() { group.addTask { await compile(next) } }
                outcomes[index] = result.map { ($0, false) }
                done += 1
                if case .success = result {
                    let job = plan[index]
                    progress(.finished(module: job.module.name, target: job.target.name, seconds: seconds,
                                       cached: false, done: done, total: plan.count))
                }
            }
        }
        var failures: [(Job, KilnError)] = jobs.indices.compactMap { index in
            guard case .failure(let error) = outcomes[index] else { return nil }
            return (jobs[index], error)
        }
        var images: [BuiltImage] = []
        var reused = 0
        for index in jobs.indices {
            guard case .success(let (image, wasCached)) = outcomes[index] else { continue }
            let job = jobs[index]
            do throws(KilnError) {
                let held = try heldKernels(image, of: job)
                images.append(BuiltImage(
                    record: ShardImageRecord(module: job.module.name, target: job.target.name, toolchain: job.toolchain.identity,
                                             kernels: held.sorted(), symbols: image.symbols,
                                             ptxISAVersion: image.ptxISAVersion, hostString: image.hostString),
                    format: job.target.format, bytes: image.bytes))
                if wasCached { reused += 1 }
            } catch {
                failures.append((job, error))
            }
        }
        if !failures.isEmpty {
            throw KilnError(.compilationFailed,
                "\(failures.count) of \(jobs.count) compiles failed; '\(output)' was not written\n\n" + Self.describe(failures))
        }
        let assembly = self.assembly(sources: sources, images: images)
        let bytes = if let shard = options.shard {
            try assembly.part(ShardRecord(index: shard.index, count: shard.count, inputs: inputs,
                                          compressionLevel: options.compressionLevel, plannedImages: plannedImages,
                                          moduleOrder: sources.map(\.name), plannedTargets: assembly.targets,
                                          images: images.map(\.record)),
                              jobs: options.jobs)
        } else {
            try assembly.bundle(compressionLevel: options.compressionLevel, jobs: options.jobs, cache: options.cache)
        }
        try OutputFile.write(bytes, to: output, inputs: sources.map(\.path), what: options.shard == nil ? "bundle" : "part")
        return Report(output: output, deviceList: deviceList.text, targets: deviceList.targets.map(\.name),
                      modules: sources.map(\.name), images: images.count, compiled: images.count - reused,
                      reused: reused, skipped: skipped,
                      seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, bundleBytes: bytes.count,
                      shard: options.shard?.description, inputs: options.shard == nil ? nil : inputs)
    }

    /// A shard's jobs. Jobs of one module whose toolchain shares work between them (one PTX for
    /// `sm_80` and `compute_80`) are one unit, so that work is done once; units are balanced by
    /// their summed cost (``Shard/assign(costs:count:)``), in plan order.
    static func share(of jobs: [Job], shard: Shard) -> [Job] {
        var units: [String] = []
        var unitOf: [String: Int] = [:]
        var costs: [Int] = []
        let unit = jobs.map { job -> Int in
            let work = job.toolchain.sharedWork(for: job.module, target: job.target) ?? "target \(job.target.name)"
            let name = job.module.name + "\u{0}" + work
            if unitOf[name] == nil {
                unitOf[name] = units.count
                units.append(name)
                costs.append(0)
            }
            costs[unitOf[name]!] += job.cost
            return unitOf[name]!
        }
        let owner = Shard.assign(costs: costs, count: shard.count)
        return jobs.indices.filter { owner[unit[$0]] == shard.index }.map { jobs[$0] }
    }

    /// Failed compiles, each distinct message once with the targets it hit: a kernel that fails the
    /// same way for sm_80, sm_90 and compute_80 is one message, not three.
    static func describe(_ failures: [(Job, KilnError)]) -> String {
        var order: [String] = []
        var targets: [String: [String]] = [:]
        for (job, error) in failures {
            let subject = "\(job.module.path) for \(job.target.name)"
            var message = error.message.hasPrefix(subject) ? String(error.message.dropFirst(subject.count)) : ":\n" + error.message
            message = message.replacingAll(" \(job.target.name) ", with: " TARGET ")
            let key = job.module.path + "\u{0}" + message
            if targets[key] == nil { order.append(key) }
            targets[key, default: []].append(job.target.name)
        }
        return order.map { key in
            let parts = key.split(separator: "\u{0}", maxSplits: 1).map(String.init)
            let names = targets[key] ?? []
            let message = names.count == 1 ? parts[1].replacingAll(" TARGET ", with: " \(names[0]) ") : parts[1].replacingAll(" TARGET ", with: " these targets ")
            return "\(parts[0]) for \(names.joined(separator: ", "))\(message)"
        }.joined(separator: "\n\n")
    }

    /// The modules with their kernels listed: a `.cl` module's from clang's kernel-argument info
    /// (kept in the build cache), a `.cu` module's as read from its declarations.
    ///
    /// - Throws: `KilnError.toolchainUnavailable` without clang; `.compilationFailed` for a module
    ///   clang rejects or one with no kernel.
    func listKernels(_ sources: [SourceModule]) async throws(KilnError) -> [SourceModule] {
        var clang: Result<ClangOpenCL, KilnError>?
        if sources.contains(where: { $0.language == .openCLC }) {
            do {
                if let given = options.clang { clang = .success(given) } else { clang = .success(try await ClangOpenCL()) }
            } catch {
                clang = .failure(error)
            }
        }
        let options = options
        let list = { @Sendable [clang] (index: Int) async -> (Int, Result<[KernelRecord], KilnError>) in
            let module = sources[index]
            do throws(KilnError) {
                guard let clang = try clang?.get() else { return (index, .success([])) }
                let key = SHA256Digest.hex(of: ["kernels", KilnVersion.current, clang.identity, module.text].joined(separator: "\u{0}"))
                if let entry = options.cache?.lookup(key),
                   let kernels = try? JSONDecoder().decode([KernelRecord].self, from: Data(entry.bytes)) {
                    return (index, .success(kernels))
                }
                let kernels = try await clang.kernels(of: module)
                if let encoded = try? JSONEncoder().encode(kernels) { options.cache?.store(CompiledImage(bytes: Array(encoded)), key: key) }
                return (index, .success(kernels))
            } catch {
                return (index, .failure(error))
            }
        }
        var results: [Int: Result<[KernelRecord], KilnError>] = [:]
        await withTaskGroup(of: (Int, Result<[KernelRecord], KilnError>).self) { group in
            var waiting = sources.indices.filter { sources[$0].language == .openCLC }[...]
            for _ in 0..<options.jobs {
                guard let index = waiting.popFirst() else { break }
                group.addTask { await list(index) }
            }
            while let (index, result) = await group.next() {
                if let next = waiting.popFirst() { group.addTask { await list(next) } }
                results[index] = result
            }
        }
        var modules = sources
        var failures: [String] = []
        for index in modules.indices {
            switch results[index] {
            case .success(let kernels)?: modules[index].kernels = kernels
            case .failure(let error)?: failures.append(error.message)
            case nil: break
            }
            if failures.isEmpty, modules[index].kernels.isEmpty {
                failures.append("\(modules[index].path) declares no kernel — a module needs at least one kernel (check its #if conditions and -D macros)")
            }
        }
        guard failures.isEmpty else {
            throw KilnError(.compilationFailed, failures.joined(separator: "\n\n"))
        }
        return modules
    }

    /// The module's listed kernels that an image holds, read from the image (its symbols, PTX entries,
    /// SPIR-V entry points, or what PoCL reports); every listed kernel for `source`.
    ///
    /// - Throws: `KilnError.compilationFailed` naming module and target for an image that holds no
    ///   listed kernel, or holds a kernel the list lacks.
    func heldKernels(_ image: CompiledImage, of job: Job) throws(KilnError) -> Set<String> {
        let listed = job.module.kernels.map { $0.symbol ?? image.symbols[$0.name] ?? $0.name }
        let byName = Dictionary(zip(listed, job.module.kernels.map(\.name)), uniquingKeysWith: { first, _ in first })
        let subject = "\(job.module.path) for \(job.target.name)"
        let named: Set<String>? = if let names = image.kernelNames { Set(names) } else {
            try ImageKernels.names(in: image.bytes, format: job.target.format)
        }
        guard let found = named else {
            return Set(job.module.kernels.map(\.name))
        }
        let held = Set(found.compactMap { byName[$0] })
        guard !held.isEmpty else {
            throw KilnError(.compilationFailed,
                "\(subject): the image holds none of the module's kernels (\(job.module.kernels.map(\.name).joined(separator: ", "))) — they are all compiled out for \(job.target.name) (an #if on a feature it lacks?); leave \(job.target.name) out or give it a kernel")
        }
        if job.target.format != .cubin, job.target.format != .zebin,
           let unlisted = found.subtracting(listed).sorted().first {
            let lister = job.module.language == .openCLC ? options.clang?.identity ?? "clang" : "Kiln's reading of its __global__ declarations"
            throw KilnError(.compilationFailed,
                "\(subject): the image holds kernel '\(unlisted)', which the kernel list from \(lister) does not have — declare kernels plainly (not through macros), or report it with the kernel")
        }
        return held
    }

    /// The plan's targets, modules and toolchains with the images made.
    func assembly(sources: [SourceModule], images: [BuiltImage]) -> BundleAssembly {
        let targets = deviceList.targets.map { target -> TargetRecord in
            var record = TargetRecord(name: target.name, format: target.format,
                                      toolchain: toolchains.first { $0.builds(target) }?.identity ?? "")
            if case .intelDevice(let ip) = target.kind { record.ipVersion = ip.description }
            return record
        }
        var versions: [String: String] = [:]
        for toolchain in toolchains {
            let parts = toolchain.identity.split(separator: " ", maxSplits: 1)
            if parts.count == 2 { versions[String(parts[0])] = String(parts[1]) }
        }
        return BundleAssembly(deviceList: deviceList.text, targets: targets, modules: sources.map(\.record),
                              toolchains: versions, images: images)
    }

    /// The SHA-256 of everything that decides a bundle's bytes, which every part of one sharded
    /// build shares: Kiln's version, the device list and its targets, the compression level, the
    /// toolchains' identities, and every module's name, language, expanded text's hash and kernels.
    func inputsDigest(sources: [SourceModule]) -> String {
        var lines = ["kiln sharded build inputs 1", KilnVersion.current, deviceList.text,
                     deviceList.targets.map(\.name).joined(separator: ","), "compression level \(options.compressionLevel)"]
        lines += toolchains.map { "toolchain \($0.identity)" }
        if let clang = options.clang { lines.append("kernel lister \(clang.identity)") }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        for module in sources {
            let kernels = (try? encoder.encode(module.kernels)).map { String(decoding: $0, as: UTF8.self) } ?? ""
            lines += ["module \(module.name) \(module.language.rawValue) \(module.sha256)", kernels]
        }
        return SHA256Digest.hex(of: lines.joined(separator: "\u{0}"))
    }
}
