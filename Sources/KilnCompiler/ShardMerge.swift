#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Dispatch
import KilnBundle
import KilnCore

/// Joins the parts of a sharded build (`kiln build --shard I/N`) into the bundle that the single
/// `kiln build` of the same inputs writes, byte for byte: the parts carry each image as compiled
/// and what the build learned from it, and the final manifest, compression and references are
/// made here by ``BundleAssembly``, as the single build makes them.
public enum ShardMerge {
    /// What a merge did.
    public struct Report: Sendable, Encodable {
        public var output: String
        public var parts: [String]
        public var shards: Int
        public var images: Int
        /// The SHA-256 of the build's inputs that every part shares.
        public var inputs: String
        public var seconds: Double
        public var bundleBytes: Int
    }

    /// Merges parts into a bundle at `output`.
    ///
    /// - Parameters:
    ///   - parts: the part files, in any order: every shard of one build, each once.
    ///   - trusted: when not empty, every part must be signed by one of these keys.
    ///   - jobs: how many images are compressed at once.
    ///   - cache: compressed frames from earlier builds and merges, or nil.
    /// - Throws: `KilnError` naming the file and the fix for a file that is not a readable part
    ///   (`.io`, `.corruptBundle`, `.invalidArgument`), parts of different builds or shard counts,
    ///   a shard given twice or missing (`.invalidArgument`), or a part not signed by a trusted key
    ///   (`.untrustedBundle`). Nothing is written then.
    public static func merge(parts: [String], output: String, trusted: TrustedKeys = .none, jobs: Int = 1,
                             cache: BuildCache? = nil) throws(KilnError) -> Report {
        let start = DispatchTime.now().uptimeNanoseconds
        let (assembly, shard) = try assembly(of: parts, trusted: trusted)
        let bytes = try assembly.bundle(compressionLevel: shard.compressionLevel, jobs: jobs, cache: cache)
        try OutputFile.write(bytes, to: output, inputs: parts, what: "bundle")
        return Report(output: output, parts: parts, shards: shard.count, images: assembly.images.count,
                      inputs: shard.inputs, seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9,
                      bundleBytes: bytes.count)
    }

    /// A part as read: its path, reader, manifest and shard record.
    struct Part {
        var path: String
        var reader: BundleReader
        var manifest: Manifest
        var shard: ShardRecord
    }

    /// Reads and checks the parts, and gathers their images into the assembly of the whole build.
    ///
    /// - Throws: as ``merge(parts:output:trusted:jobs:cache:)``.
    static func assembly(of paths: [String], trusted: TrustedKeys) throws(KilnError) -> (BundleAssembly, ShardRecord) {
        guard !paths.isEmpty else {
            throw KilnError(.invalidArgument, "no parts to merge — give the files that `kiln build --shard I/N` wrote")
        }
        let parts = try paths.map { (path) throws(KilnError) in try read(part: path, trusted: trusted) }
        let first = parts[0]
        var byIndex: [Int: Part] = [:]
        for part in parts {
            try checkSameBuild(part, as: first)
            if let other = byIndex[part.shard.index] {
                if other.path == part.path {
                    throw KilnError(.invalidArgument, "'\(part.path)' is given twice — give each shard's part once")
                }
                throw KilnError(.invalidArgument,
                    "'\(part.path)' and '\(other.path)' are both shard \(part.shard.index)/\(part.shard.count) — give each shard's part once")
            }
            byIndex[part.shard.index] = part
        }
        let missing = (0..<first.shard.count).filter { byIndex[$0] == nil }
        if let index = missing.first {
            let given = byIndex.keys.sorted().map { "\($0)/\(first.shard.count)" }.joined(separator: ", ")
            throw KilnError(.invalidArgument,
                "shard \(index)/\(first.shard.count) is missing\(missing.count > 1 ? " (and \(missing.count - 1) more)" : "") — given \(given); build it with `kiln build … --shard \(index)/\(first.shard.count) -o part-\(index).kiln` and merge all \(first.shard.count) parts")
        }
        var images: [BuiltImage] = []
        var seen: [String: String] = [:]
        for part in parts {
            let formats = Dictionary(part.manifest.targets.map { ($0.name, $0.format) }, uniquingKeysWith: { a, _ in a })
            for record in part.shard.images {
                let pair = "\(record.module) × \(record.target)"
                if let other = seen[pair] {
                    throw KilnError(.corruptBundle,
                        "'\(part.path)' and '\(other)' both hold \(pair), which one build assigns to one shard — the parts were altered; build them again")
                }
                seen[pair] = part.path
                guard let format = formats[record.target] else {
                    throw KilnError(.corruptBundle, "'\(part.path)': image \(pair) names a target its manifest lacks — the part is damaged; build it again")
                }
                let bytes = try part.reader.image(module: record.module, target: record.target)
                images.append(BuiltImage(record: record, format: format, bytes: bytes))
            }
        }
        guard images.count == first.shard.plannedImages else {
            throw KilnError(.corruptBundle,
                "the parts hold \(images.count) images but the build planned \(first.shard.plannedImages) — a part is damaged; build the parts again")
        }
        let rank = Dictionary(first.shard.moduleOrder.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let modules = first.manifest.modules
            .sorted { (rank[$0.name] ?? .max) < (rank[$1.name] ?? .max) }
            .map { module -> ModuleRecord in
                var listed = module
                for index in listed.kernels.indices {
                    listed.kernels[index].symbol = nil
                    listed.kernels[index].targets = nil
                }
                return listed
            }
        let assembly = BundleAssembly(deviceList: first.manifest.deviceList, targets: first.shard.plannedTargets,
                                      modules: modules, toolchains: first.manifest.toolchains, images: images)
        return (assembly, first.shard)
    }

    /// Opens one part, checks its signature when keys are trusted, and reads its shard record.
    static func read(part path: String, trusted: TrustedKeys) throws(KilnError) -> Part {
        let reader = try BundleReader.checked(path: path)
        try reader.requireSignature(trustedBy: trusted)
        let manifest = try reader.manifest()
        guard let shard = manifest.shard else {
            throw KilnError(.invalidArgument,
                "'\(path)' is a bundle, not a shard part — merge the parts that `kiln build … --shard I/N -o part-I.kiln` writes")
        }
        guard try reader.entries().count == shard.images.count, (0..<shard.count).contains(shard.index),
              shard.images.count <= shard.plannedImages else {
            throw KilnError(.corruptBundle,
                "'\(path)': its shard record does not match its images — the part is damaged or was edited; build shard \(shard.index)/\(shard.count) again")
        }
        return Part(path: path, reader: reader, manifest: manifest, shard: shard)
    }

    /// Refuses a part that does not come from the same build as the first: another shard count,
    /// device list, or inputs (naming what differs where the manifests tell).
    static func checkSameBuild(_ part: Part, as first: Part) throws(KilnError) {
        let fix = "rebuild every shard from the same sources with the same command and toolchains"
        guard part.shard.count == first.shard.count else {
            throw KilnError(.invalidArgument,
                "'\(part.path)' is shard \(part.shard.index)/\(part.shard.count) but '\(first.path)' is shard \(first.shard.index)/\(first.shard.count) — merge the parts of one build, split into one number of shards; \(fix)")
        }
        guard part.manifest.deviceList == first.manifest.deviceList else {
            throw KilnError(.invalidArgument,
                "'\(part.path)' was built for devices '\(part.manifest.deviceList)' but '\(first.path)' for '\(first.manifest.deviceList)' — \(fix)")
        }
        guard part.shard.inputs == first.shard.inputs else {
            throw KilnError(.invalidArgument,
                "'\(part.path)' was built from different inputs than '\(first.path)' (\(difference(part, first))) — \(fix)")
        }
    }

    /// What differs between two parts' inputs, as far as their manifests tell.
    static func difference(_ a: Part, _ b: Part) -> String {
        let aModules = Dictionary(a.manifest.modules.map { ($0.name, $0.sourceSHA256) }, uniquingKeysWith: { x, _ in x })
        let bModules = Dictionary(b.manifest.modules.map { ($0.name, $0.sourceSHA256) }, uniquingKeysWith: { x, _ in x })
        if let name = Set(aModules.keys).symmetricDifference(bModules.keys).sorted().first {
            return "module '\(name)' is in one and not the other"
        }
        if let name = aModules.keys.sorted().first(where: { aModules[$0] != bModules[$0] }) {
            return "module '\(name)' has different source text, defines, includes or source path (the source form records the path as given: give the same relative path on every machine)"
        }
        let aTargets = a.shard.plannedTargets.map(\.name), bTargets = b.shard.plannedTargets.map(\.name)
        if aTargets != bTargets {
            return "targets \(aTargets.joined(separator: ",")) vs \(bTargets.joined(separator: ",")) — `native` stands for each machine's own devices: name the devices instead"
        }
        if a.manifest.toolchains != b.manifest.toolchains {
            let names = Set(a.manifest.toolchains.keys).union(b.manifest.toolchains.keys).sorted()
                .filter { a.manifest.toolchains[$0] != b.manifest.toolchains[$0] }
            return "toolchain versions differ: " + names.map { "\($0) \(a.manifest.toolchains[$0] ?? "none") vs \(b.manifest.toolchains[$0] ?? "none")" }.joined(separator: ", ")
        }
        if a.shard.compressionLevel != b.shard.compressionLevel {
            return "--compression-level \(a.shard.compressionLevel) vs \(b.shard.compressionLevel)"
        }
        return "inputs \(a.shard.inputs.prefix(12))… vs \(b.shard.inputs.prefix(12))…"
    }
}
