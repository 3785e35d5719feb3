import ArgumentParser
import KilnBundle
import KilnCompiler
import KilnCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `kiln merge PART… -o FILE`: join the parts of a sharded build into one bundle.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join the parts that `kiln build --shard I/N` wrote into the bundle of the whole build.",
        discussion: """
        Give every part of one build, each once, in any order (part-*.kiln). The bundle is byte for \
        byte the one a single `kiln build` of the same sources, device list and options writes, and \
        with --sign the same signed bytes. Merge refuses, naming the file, a file that is not a \
        part, a damaged part, parts of different builds (sources, device list, options, toolchain \
        versions or shard count), a shard given twice and a missing shard. With --trust (or \
        KILN_TRUSTED_KEYS) every part must be signed by a trusted key. Run it where the parts are, \
        after all shards finished (Slurm: a job with --dependency=afterok on the array; see \
        docs/SHARDED-BUILDS.md).
        """)

    @Argument(help: "The parts: every shard's file of one build.")
    var parts: [String]

    @Option(name: [.short, .long], help: "The bundle to write.")
    var output: String

    @Option(name: .long, help: "How many images are compressed at once (default: the number of cores).")
    var jobs: Int?

    @OptionGroup var cacheOptions: BuildCacheOptions

    @Option(name: .long, help: ArgumentHelp("Sign the bundle with this private key (from `kiln keygen`).", valueName: "key"))
    var sign: String?

    @Option(name: .long, help: ArgumentHelp("Refuse any part unless this public key signed it (repeatable; default: KILN_TRUSTED_KEYS).", valueName: "key.pub"))
    var trust: [String] = []

    @OptionGroup var outputOptions: OutputOptions

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1.") }
        if parts.isEmpty { throw ValidationError("Give the parts to merge.") }
    }

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let signingKey = try sign.map { try SigningKey(file: $0) }
        let trusted = trust.isEmpty ? try TrustedKeys(environment: environment) : try TrustedKeys(files: trust)
        let cache = try cacheOptions.cache(environment: environment)
        let report = try ShardMerge.merge(parts: parts, output: output, trusted: trusted,
                                          jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount, cache: cache)
        if let signingKey { try BundleSignature.signFile(output, with: signingKey) }
        cacheOptions.finishUploads(of: cache)
        if outputOptions.json {
            try outputOptions.printJSON(report)
        } else {
            print("\(report.output.terminalSafe()): \(report.images) images from \(report.shards) parts, \(formatBytes(UInt64(report.bundleBytes))) in \(formatSeconds(report.seconds)) s")
        }
    }
}
