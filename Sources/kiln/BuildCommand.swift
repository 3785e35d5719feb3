import ArgumentParser
import Dispatch
import KilnBundle
import KilnCompiler
import KilnCore
import KilnRuntime
import Synchronization
#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `kiln build SOURCES… --devices LIST -o FILE`: compile a bundle.
struct BuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Compile kernel sources for every device of a list into one bundle.",
        discussion: """
        SOURCES are .cl (portable OpenCL C) and .cu (CUDA C++) files, or folders holding them. \
        The device list comes from --devices, else KILN_AOT_DEVLIST, else "devices" in the --config \
        file, else the data-center default (sm_80,sm_90,sm_100,pvc,ats-m150); `native` in it stands \
        for this machine's devices, and `kiln targets` shows the names. The --config file (kiln.json, \
        which the build plugin passes) is JSON with optional keys "devices" (a device list), \
        "defines" (NAME or NAME=VALUE) and "includes" (folders relative to the file); -D and -I add \
        to its defines and includes, and a -D replaces its macro of the same name. \
        Images whose source, target and toolchain did not change are taken from the build cache, \
        else from the remote cache that KILN_REMOTE_CACHE (or "remoteCache" in the --config file) \
        names, checked before use; images compiled here are uploaded to it, and the build waits for \
        the uploads (at most KILN_REMOTE_CACHE_TIMEOUT seconds) before it exits. \
        With --shard I/N the build compiles only its share of the module × target pairs (the same \
        inputs give every machine the same split, balanced by source size and toolchain) and writes \
        a part; `kiln merge` joins the N parts into the bundle this build would write without \
        --shard, byte for byte (docs/SHARDED-BUILDS.md).
        """)

    @Argument(help: "Kernel source files (.cl, .cu) or folders of them.")
    var sources: [String]

    @Option(name: .long, help: "The devices to compile for, e.g. 'sm_80,sm_90,pvc,native' (default: KILN_AOT_DEVLIST, else the --config file's, else sm_80,sm_90,sm_100,pvc,ats-m150).")
    var devices: String?

    @Option(name: .long, help: ArgumentHelp("A kiln.json to read the device list, defines and includes from, when the build runs.", valueName: "file"))
    var config: String?

    @Option(name: [.short, .long], help: "The bundle to write (with --shard, the part).")
    var output: String

    @Option(name: .long, help: ArgumentHelp("Build only shard I of N (counted from 0: 0/4 … 3/4) into a part for `kiln merge`.", valueName: "I/N"))
    var shard: String?

    @Option(name: .customShort("D", allowingJoined: true), help: ArgumentHelp("Define a macro for every module, as NAME or NAME=VALUE (repeatable).", valueName: "macro"))
    var defines: [String] = []

    @Option(name: .customShort("I", allowingJoined: true), help: ArgumentHelp("Search a folder for quoted includes after the module's own folder (repeatable).", valueName: "folder"))
    var includeDirectories: [String] = []

    @Option(name: .long, help: "How many compiles run at once (default: the number of cores).")
    var jobs: Int?

    @OptionGroup var cacheOptions: BuildCacheOptions

    @Option(name: .long, help: "The zstd level images are stored with, 1 to 22 (default 19, the smallest; 3 writes a bundle far faster while iterating).")
    var compressionLevel: Int32 = 19

    @Option(name: .long, help: ArgumentHelp("Sign the bundle with this private key (from `kiln keygen`).", valueName: "key"))
    var sign: String?

    @Flag(name: .long, help: "Show each toolchain invocation.")
    var verbose = false

    @OptionGroup var outputOptions: OutputOptions

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1.") }
        if !(1...22).contains(compressionLevel) { throw ValidationError("--compression-level must be between 1 and 22.") }
        if sources.isEmpty { throw ValidationError("Give at least one kernel source or folder.") }
    }

    func run() async throws {
        // PoCL's cpu binaries hold whatever its kernel cache holds for a program: builds use a
        // folder of Kiln's cache that programs never launch from (OpenCLRuntime.usePrivatePoCLCache).
        let environment = ProcessInfo.processInfo.environment
        let poclCache = ((try? CacheConfiguration(environment: environment))?.root ?? FileManager.default.temporaryDirectory.path + "/kiln") + "/pocl-build"
        if (try? FileManager.default.createDirectory(atPath: poclCache, withIntermediateDirectories: true,
                                                       attributes: [.posixPermissions: 0o700])) != nil {
            OpenCLRuntime.usePrivatePoCLCache(poclCache)
        }
        let configuration = try config.map { try BuildConfiguration(path: $0) }
        let choice = DeviceListChoice(option: devices, environment: environment, configuration: configuration)
        if let overridden = choice.overridden {
            StandardError.write("kiln: KILN_AOT_DEVLIST='\(choice.text.terminalSafe())' overrides \"devices\": '\(overridden.list.terminalSafe())' in \(overridden.path.terminalSafe())\n")
        }
        let shard = try self.shard.map { try Shard(parsing: $0) }
        let list = try choice.parse(native: nativeTargets(for: choice.text))
        let commandLine = SourceOptions(defines: defines, includeDirectories: includeDirectories)
        let sourceOptions = configuration?.sourceOptions(adding: commandLine) ?? commandLine
        let modules = try SourceModule.discover(sources).map { try SourceModule(path: $0, options: sourceOptions) }
        let languages = Set(modules.map(\.language))
        let signingKey = try sign.map { try SigningKey(file: $0) }  // before minutes of compiling
        let clang = languages.contains(.openCLC) ? try await ClangOpenCL(environment: environment) : nil
        try OutputFile.check(output, inputs: modules.map(\.path), what: "bundle")  // before minutes of compiling
        var toolchains: [any Toolchain] = [SourceToolchain()]
        if list.targets.contains(where: { $0.family == .nvidia }) {
            if let clang { toolchains.append(try ClangNVIDIAToolchain(clang: clang)) }
            if languages.contains(.cuda) { toolchains.append(try NVRTCToolchain()) }
        }
        if list.targets.contains(where: { $0.family == .intel }), languages.contains(.openCLC) {
            toolchains.append(try await OclocToolchain(environment: environment, deviceList: list))
        }
        if list.targets.contains(.cpu), languages.contains(.openCLC) {
            // Each module compiles in a child `kiln pocl-compile`, so that several compile at once
            // (PoCLWorker); where this executable's path cannot be read, in this process.
            toolchains.append(try PoCLToolchain(worker: ProcessEnvironment.executable))
        }
        let cache = try cacheOptions.cache(environment: environment, remoteCache: configuration?.remoteCache)
        let builder = Builder(deviceList: list, toolchains: toolchains,
                              options: .init(jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount, cache: cache,
                                            compressionLevel: compressionLevel, clang: clang, shard: shard))
        let reporter = ProgressReporter(verbose: verbose, interactive: isatty(STDERR_FILENO) == 1)
        let report = try await builder.build(sources: modules, output: output, progress: reporter.handle)
        reporter.finish()
        if let signingKey { try BundleSignature.signFile(output, with: signingKey) }
        cacheOptions.finishUploads(of: cache)
        if outputOptions.json {
            try outputOptions.printJSON(report)
        } else {
            let part = report.shard.map { "shard \($0), " } ?? ""
            print("\(report.output.terminalSafe()): \(part)\(counted(report.images, "image")) (\(counted(report.modules.count, "module")) × \(counted(report.targets.count, "target")): \(report.targets.joined(separator: ", "))), \(formatBytes(UInt64(report.bundleBytes))); compiled \(report.compiled), reused \(report.reused) in \(formatSeconds(report.seconds)) s")
            if !report.skipped.isEmpty {
                print("not built (CUDA C++ builds for NVIDIA only): \(report.skipped.joined(separator: ", ").terminalSafe())")
            }
        }
    }

}

/// Shows a build's progress on stderr: a line that updates on a terminal; elsewhere (a pipe, a
/// log, SwiftPM running the build plugin) a line per compiled image and, when nothing finished
/// for `interval` seconds, a line naming the compiles still running; each toolchain invocation
/// with --verbose. Stdout stays for the result.
final class ProgressReporter: Sendable {
    let verbose: Bool
    let interactive: Bool
    /// Seconds without a line after which a line names the compiles still running.
    let interval: Double
    private let output: @Sendable (String) -> Void
    private let clock: @Sendable () -> Double
    private let state = Mutex(State())
    private let timer = Mutex<Timer?>(nil)

    /// The running timer; a dispatch source is used from one thread at a time, under the mutex.
    private final class Timer: @unchecked Sendable {
        let source: DispatchSourceTimer
        init(_ source: DispatchSourceTimer) { self.source = source }
    }

    private struct State {
        /// Compiles running, by "module × target", with the time each started.
        var running: [String: Double] = [:]
        var done = 0
        var total = 0
        /// When the last line was written.
        var lastLine = 0.0
    }

    /// A reporter; `output` and `clock` (seconds) are the process's stderr and monotonic time
    /// unless a test gives its own.
    init(verbose: Bool, interactive: Bool, interval: Double = 10,
         output: @escaping @Sendable (String) -> Void = { StandardError.write($0) },
         clock: @escaping @Sendable () -> Double = { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }) {
        self.verbose = verbose
        self.interactive = interactive
        self.interval = interval
        self.output = output
        self.clock = clock
        state.withLock { $0.lastLine = clock() }
    }

    /// Whether progress is written as whole lines (not on a terminal, not verbose).
    private var lines: Bool { !interactive && !verbose }

    func handle(_ event: Builder.Event) {
        switch event {
        case .planned(let total, let cached):
            state.withLock { $0.total = total }
            write("kiln: \(counted(total, "image")) to build, \(cached) in the build cache\n")
            if lines && total > cached { startTimer() }
        case .started(let module, let target, let invocation):
            let now = clock()
            state.withLock { $0.running["\(module.terminalSafe()) × \(target)"] = now }
            if verbose { write("  \(module.terminalSafe()) × \(target): \(invocation.terminalSafe(multiline: true))\n") }
        case .finished(let module, let target, let seconds, let cached, let done, let total):
            let name = "\(module.terminalSafe()) × \(target)"
            state.withLock {
                $0.running[name] = nil
                $0.done = done
            }
            if interactive && !verbose {
                write("\r\u{1B}[K[\(done)/\(total)] \(name) \(cached ? "(cached)" : formatSeconds(seconds) + " s")")
            } else if lines && !cached {
                write("kiln: [\(done)/\(total)] \(name) \(formatSeconds(seconds)) s\n")
            }
        case .skipped(let module, let target, let reason):
            if verbose { write("  \(module.terminalSafe()) × \(target): skipped — \(reason)\n") }
        }
    }

    /// Writes a line naming the compiles still running, if no line was written for `interval` seconds.
    func tick() {
        let now = clock()
        let line: String? = state.withLock { state in
            guard lines, !state.running.isEmpty, now - state.lastLine >= interval else { return nil }
            let oldest = state.running.sorted { ($0.value, $0.key) < ($1.value, $1.key) }
            let named = oldest.prefix(4).map { "\($0.key) (\(Int(now - $0.value)) s)" }
            let more = oldest.count > 4 ? ", and \(oldest.count - 4) more" : ""
            return "kiln: [\(state.done)/\(state.total)] still compiling \(named.joined(separator: ", "))\(more)\n"
        }
        if let line { write(line) }
    }

    func finish() {
        timer.withLock {
            $0?.source.cancel()
            $0 = nil
        }
        if interactive && !verbose { write("\r\u{1B}[K") }
    }

    private func startTimer() {
        let source = DispatchSource.makeTimerSource(queue: .global())
        let step = max(1, interval / 4)
        source.schedule(deadline: .now() + step, repeating: step)
        source.setEventHandler { [weak self] in self?.tick() }
        timer.withLock {
            $0?.source.cancel()
            $0 = Timer(source)
        }
        source.resume()
    }

    private func write(_ text: String) {
        if text.hasSuffix("\n") {
            let now = clock()
            state.withLock { $0.lastLine = now }
        }
        output(text)
    }
}

/// This machine's device targets when a device list names `native`; nil otherwise (devices are
/// looked for only then).
func nativeTargets(for list: String) -> [Target]? {
    guard TargetRegistry.normalisedNames(in: list).contains("native") else { return nil }
    return ComputeDevice.all().devices.map(\.target)
}
