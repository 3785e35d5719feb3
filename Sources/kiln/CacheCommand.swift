import ArgumentParser
import KilnBundle
import KilnCompiler
import KilnCore
import KilnRuntime
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `kiln cache list|stats|clear|prune|warm`: the JIT cache and the build cache.
struct CacheCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache",
        abstract: "Look after the JIT cache and the build cache: list, stats, clear, prune, or warm the JIT cache for a bundle.",
        discussion: """
        Both caches keep their entries in one store, the cache root KILN_CACHE_DIR (default XDG_CACHE_HOME/kiln, \
        else ~/.cache/kiln), with one integrity scheme: JIT results in its jit folder, compiled images and \
        compressed frames of kiln build in its build folder, each folder bounded by KILN_CACHE_MAX_BYTES. \
        The JIT cache comes first; a read-only layer in KILN_CACHE_READONLY is read after it, on a miss, \
        then the remote cache KILN_REMOTE_CACHE names (which the build cache reads through to as well). list, stats, clear and prune cover both folders and name the cache \
        of each entry (jit or build); stats shows each cache's local and remote hits, misses and bytes, \
        counted across processes.
        """,
        subcommands: [List.self, Stats.self, Clear.self, Prune.self, Warm.self])

    /// The JIT cache, refused (with the fix) if a layer is unsafe.
    static func open() throws -> DiskJITCache {
        let cache = try DiskJITCache(environment: ProcessInfo.processInfo.environment)
        try cache.requireTrusted()
        return cache
    }

    /// The build cache in its default folder, refused (with the fix) if it is unsafe.
    static func openBuild() throws -> BuildCache {
        let environment = ProcessInfo.processInfo.environment
        let cache = BuildCache(directory: try BuildCache.defaultDirectory(environment: environment),
                               maximumBytes: try CacheConfiguration(environment: environment).maximumBytes)
        if let problem = cache.trustProblem() { throw problem }
        return cache
    }

    /// The totals of both caches, for `--json`.
    struct Totals: Encodable {
        var jit: DiskJITCache.Stats
        var build: BuildStats
    }

    /// The build cache's totals with its counters, for `--json`.
    struct BuildStats: Encodable {
        var totals: CacheFolder.Totals
        var maximumBytes: Int64
        var remote: String?
        var counters: CacheCounters

        private enum Keys: String, CodingKey { case maximumBytes, remote, counters }

        func encode(to encoder: any Encoder) throws {
            try totals.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(maximumBytes, forKey: .maximumBytes)
            try container.encode(remote, forKey: .remote)
            try container.encode(counters, forKey: .counters)
        }
    }

    /// The counters as two lines of text: the local folder's, then the remote cache's.
    static func describe(_ counters: CacheCounters, remote: String?) -> [String] {
        var lines = ["  local: \(counters.localHits) hits, \(counters.localMisses) misses"]
        if remote != nil || counters.remoteHits + counters.remoteMisses + counters.remoteUploads > 0 {
            lines.append("  remote\(remote.map { " (\($0.terminalSafe()))" } ?? ""): \(counters.remoteHits) hits, \(counters.remoteMisses) misses, "
                         + "\(counters.remoteRejected) rejected, \(formatBytes(UInt64(counters.remoteBytesDownloaded))) downloaded; "
                         + "\(counters.remoteUploads) uploads, \(formatBytes(UInt64(counters.remoteBytesUploaded))) uploaded")
        }
        return lines
    }

    /// What prune did to both caches, for `--json`.
    struct Pruned: Encodable {
        var jit: CacheFolder.Pruned
        var build: CacheFolder.Pruned
    }

    /// One entry of either cache, for `list`.
    struct Listed: Encodable {
        /// `jit` or `build`.
        var cache: String
        var entry: CacheFolder.Entry

        private enum Keys: String, CodingKey { case cache }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(cache, forKey: .cache)
            try entry.encode(to: encoder)
        }

        /// What the entry holds, from its key's lines: the JIT cache's target, device, compiler and
        /// options; the build cache's compiled image or compressed frame (with its level).
        var summary: String {
            guard let lines = entry.key?.split(separator: "\n") else { return "damaged" }
            switch lines.first?.split(separator: " ").first {
            case "kiln-jit-key": return lines.dropFirst(2).joined(separator: "; ")
            case "kiln-build-key": return "compiled image"
            case "kiln-zstd": return (["compressed frame"] + lines.filter { $0.hasPrefix("level ") }).joined(separator: "; ")
            default: return lines.joined(separator: "; ")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the entries of the JIT cache and of the build cache, most recently used first.")
        @OptionGroup var output: OutputOptions

        func run() throws {
            let entries = (try CacheCommand.open().entries().map { Listed(cache: "jit", entry: $0) }
                           + CacheCommand.openBuild().entries().map { Listed(cache: "build", entry: $0) })
                .sorted { $0.entry.lastUsed > $1.entry.lastUsed }
            if output.json { return try output.printJSON(entries) }
            if entries.isEmpty { return print("the JIT cache and the build cache are empty") }
            print(TextTable(header: ["cache", "entry", "bytes", "key"], rows: entries.map { listed in
                [listed.cache, String(listed.entry.digest.prefix(16)), formatBytes(UInt64(listed.entry.bytes)), listed.summary.terminalSafe()]
            }).render())
        }
    }

    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show where the caches are, their entries and size against the bound, and their local and remote hits, misses and bytes.")
        @OptionGroup var output: OutputOptions

        func run() throws {
            let stats = try CacheCommand.open().stats()
            let build = try CacheCommand.openBuild()
            let totals = build.totals()
            let remote = try RemoteCacheConfiguration(environment: ProcessInfo.processInfo.environment)?.url
            if output.json {
                return try output.printJSON(Totals(jit: stats, build: BuildStats(totals: totals, maximumBytes: build.maximumBytes,
                                                                               remote: remote, counters: build.counters())))
            }
            print("JIT cache: \(stats.directory.terminalSafe())")
            if let readOnly = stats.readOnlyDirectory { print("read-only layer: \(readOnly.terminalSafe())") }
            print("\(stats.entries) entries, \(formatBytes(UInt64(stats.bytes))) of \(formatBytes(UInt64(stats.maximumBytes)))"
                  + (stats.leftovers > 0 ? " (\(stats.leftovers) temporary files, \(formatBytes(UInt64(stats.leftoverBytes))))" : ""))
            CacheCommand.describe(stats.counters, remote: stats.remote).forEach { print($0) }
            print("build cache: \(build.directory.terminalSafe())")
            print("\(totals.entries) entries, \(formatBytes(UInt64(totals.bytes))) of \(formatBytes(UInt64(build.maximumBytes)))"
                  + (totals.leftovers > 0 ? " (\(totals.leftovers) temporary files, \(formatBytes(UInt64(totals.leftoverBytes))))" : ""))
            CacheCommand.describe(build.counters(), remote: remote).forEach { print($0) }
        }
    }

    struct Clear: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete every entry of the local cache and of the build cache.")
        @OptionGroup var output: OutputOptions

        func run() throws {
            let removed = try CacheCommand.open().clear()
            let removedBuild = try CacheCommand.openBuild().clear()
            if output.json { return try output.printJSON(["removed": removed, "removedBuild": removedBuild]) }
            print("removed \(removed) entries, and \(removedBuild) from the build cache")
        }
    }

    struct Prune: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Drop damaged entries and leftovers of killed writers, and evict down to the size bound, in both caches.")
        @OptionGroup var output: OutputOptions

        func run() throws {
            let result = try CacheCommand.open().prune()
            let build = try CacheCommand.openBuild().prune()
            if output.json {
                return try output.printJSON(Pruned(jit: result, build: build))
            }
            print("removed \(result.damaged) damaged entries and \(result.leftovers) leftover files; evicted \(result.evicted) entries")
            print("build cache: removed \(build.damaged) damaged entries and \(build.leftovers) leftover files; evicted \(build.evicted) entries")
        }
    }

    struct Warm: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compile, for every device of this machine, each module of a bundle that would need a JIT, so the first run is fast.")
        @Argument(help: "The .kiln bundle to warm the cache for.")
        var file: String
        @OptionGroup var trust: TrustOptions
        @OptionGroup var output: OutputOptions

        /// Fails, printing nothing on stdout, when the bundle cannot be read, when this machine has no
        /// device, or when any device fails to load any module.
        func run() throws {
            let cache = try CacheCommand.open()
            let reader = try BundleReader.checked(path: file)
            let trusted = try trust.keys()
            let found = ComputeDevice.all()
            guard !found.devices.isEmpty else {
                let why = found.unavailable.map { "\($0.family): \($0.reason)" }.joined(separator: "; ")
                throw KilnError(.noDevice, "no device on this machine to warm the cache for\(why.isEmpty ? "" : " (\(why))") — run it where the bundle will run")
            }
            var records: [ResolutionRecord] = []
            var failures: [(device: String, error: KilnError)] = []
            for device in found.devices {
                do throws(KilnError) {
                    records += try BundleSession(reader: reader, device: device, policy: .auto, cache: cache, trustedKeys: trusted).loadAll()
                } catch {
                    failures.append((device.summary, error))
                }
            }
            if let first = failures.first {
                throw KilnError(first.error.code, failures.map { "\($0.device): \($0.error.message)" }.joined(separator: "\n"))
            }
            if output.json {
                try output.printJSON(records)
            } else {
                print(ResolutionLog.summary(records))
                for family in found.unavailable { print("\(family.family): \(family.reason.terminalSafe())") }
            }
        }
    }
}
