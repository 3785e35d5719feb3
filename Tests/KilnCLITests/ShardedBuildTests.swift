import Foundation
import KilnBundle
import KilnTestSupport
import Synchronization
import Testing

/// `kiln build --shard I/N` and `kiln merge`, on real kernels through real toolchains: clang +
/// libclc + nvJitLink (sm_80, sm_90, compute_80), ocloc (spirv), PoCL (cpu) and the source form.
@Suite("Sharded builds", .serialized,
       .enabled(if: ShardedBuildFixture.toolchainsInstalled,
                "needs clang-16 + libclc-16, nvJitLink, ocloc and PoCL (scripts/setup.sh installs them)"))
struct ShardedBuildTests {
    typealias F = ShardedBuildFixture

    @Test("merging N parts gives the single build's bytes, and each module × target is compiled once across them",
          arguments: [1, 2, 3, 4])
    func byteIdentical(shards: Int) async throws {
        let fixture = try await F.shared.value
        let (parts, compiled) = try await fixture.parts(shards)
        #expect(compiled == fixture.singleImages, "compiles across \(shards) shards: \(compiled), the single build made \(fixture.singleImages)")
        // Each pair is in exactly one part: the parts' image tables are disjoint and cover the bundle's.
        var held: [String] = []
        for part in parts {
            let pairs = try BundleReader.checked(path: part).entries().map { "\($0.module) × \($0.target)" }
            held += pairs
            // sm_80 and compute_80 share one clang PTX, so they stay on one shard and it is made once.
            for pair in pairs where pair.hasSuffix(" × sm_80") {
                #expect(pairs.contains(pair.replacingOccurrences(of: " × sm_80", with: " × compute_80")), "\(pair) without its PTX in \(part)")
            }
        }
        #expect(held.count == Set(held).count)
        #expect(Set(held) == fixture.singlePairs)
        let merged = fixture.folder + "/merged-\(shards).kiln"
        let merge = try await KilnProcess.run(["merge", "--json", "--no-cache", "-o", merged] + parts.reversed())
        #expect(merge.status == 0, "\(merge.stderr)")
        #expect(try F.bytes(merged) == fixture.single, "merged bundle of \(shards) parts differs from the single build")
        let report = try JSONSerialization.jsonObject(with: Data(merge.stdout.utf8)) as? [String: Any]
        #expect(report?["shards"] as? Int == shards && report?["images"] as? Int == fixture.singleImages)
    }

    @Test("kiln build keeps PoCL's kernel cache to itself, so a cpu image does not hold what other programs compiled there")
    func privatePoCLCache() async throws {
        let fixture = try await F.shared.value
        let userCache = fixture.folder + "/user-pocl-cache"
        try FileManager.default.createDirectory(atPath: userCache, withIntermediateDirectories: false)
        let output = fixture.folder + "/private-cache.kiln"
        let build = try await KilnProcess.run(["build", fixture.sources[0], "--devices", "cpu", "--no-cache", "-o", output],
                                        environment: ["POCL_CACHE_DIR": userCache])
        #expect(build.status == 0, "\(build.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: userCache).isEmpty, "the build compiled into the user's PoCL cache")
    }

    @Test("a part is a bundle that says which shard it is; inspect reads it")
    func partIsBundle() async throws {
        let fixture = try await F.shared.value
        let (parts, _) = try await fixture.parts(2)
        let manifest = try BundleReader.checked(path: parts[1]).manifest()
        let shard = try #require(manifest.shard)
        #expect(shard.index == 1 && shard.count == 2 && shard.plannedImages == fixture.singleImages)
        #expect(shard.inputs.count == 64)
        #expect(try BundleReader.checked(path: fixture.singlePath).manifest().shard == nil)
        let inspect = try await KilnProcess.run(["inspect", parts[1]])
        #expect(inspect.status == 0 && inspect.stdout.contains("shard part: shard 1/2"), "\(inspect.stdout)\(inspect.stderr)")
    }

    @Test("merge refuses a missing shard and a duplicated shard, naming them and the fix")
    func missingAndDuplicated() async throws {
        let fixture = try await F.shared.value
        let (parts, _) = try await fixture.parts(3)
        let missing = try await KilnProcess.run(["merge", parts[0], parts[2], "-o", fixture.folder + "/x.kiln"])
        #expect(missing.status != 0 && missing.stderr.contains("shard 1/3 is missing") && missing.stderr.contains("--shard 1/3"),
                "\(missing.stderr)")
        let copy = fixture.folder + "/copy-of-part-0.kiln"
        try? FileManager.default.removeItem(atPath: copy)
        try FileManager.default.copyItem(atPath: parts[0], toPath: copy)
        let duplicated = try await KilnProcess.run(["merge", parts[0], parts[1], parts[2], copy, "-o", fixture.folder + "/x.kiln"])
        #expect(duplicated.status != 0 && duplicated.stderr.contains("both shard 0/3") && duplicated.stderr.contains(copy),
                "\(duplicated.stderr)")
        #expect(!FileManager.default.fileExists(atPath: fixture.folder + "/x.kiln"))
    }

    @Test("merge refuses parts of different inputs, device lists and shard counts, naming both files and what differs")
    func differentBuilds() async throws {
        let fixture = try await F.shared.value
        let (two, _) = try await fixture.parts(2)
        let (three, _) = try await fixture.parts(3)
        let counts = try await KilnProcess.run(["merge", two[0], three[1], "-o", fixture.folder + "/x.kiln"])
        #expect(counts.status != 0 && counts.stderr.contains("shard 1/3") && counts.stderr.contains(two[0]), "\(counts.stderr)")

        let defined = fixture.folder + "/defined-1.kiln"
        let build = try await KilnProcess.run(["build"] + fixture.sources + ["--devices", F.devices, "--no-cache", "-D", "KILN_SHARD_TEST=1",
                                                                        "--shard", "1/2", "-o", defined])
        #expect(build.status == 0, "\(build.stderr)")
        let inputs = try await KilnProcess.run(["merge", two[0], defined, "-o", fixture.folder + "/x.kiln"])
        #expect(inputs.status != 0 && inputs.stderr.contains("different inputs") && inputs.stderr.contains(defined)
                && inputs.stderr.contains("different source text, defines, includes or source path"), "\(inputs.stderr)")

        let devices = fixture.folder + "/devices-1.kiln"
        let other = try await KilnProcess.run(["build"] + fixture.sources + ["--devices", "sm_80,cpu,spirv", "--no-cache",
                                                                        "--shard", "1/2", "-o", devices])
        #expect(other.status == 0, "\(other.stderr)")
        let list = try await KilnProcess.run(["merge", two[0], devices, "-o", fixture.folder + "/x.kiln"])
        #expect(list.status != 0 && list.stderr.contains("sm_80,cpu,spirv") && list.stderr.contains(F.devices), "\(list.stderr)")
    }

    @Test("merge refuses a truncated part, a damaged part and a file that is not a part, naming the file")
    func damaged() async throws {
        let fixture = try await F.shared.value
        let (parts, _) = try await fixture.parts(2)
        let original = try F.bytes(parts[1])
        let truncated = fixture.folder + "/truncated-1.kiln"
        try Data(original.prefix(original.count - 100)).write(to: URL(fileURLWithPath: truncated))
        let short = try await KilnProcess.run(["merge", parts[0], truncated, "-o", fixture.folder + "/x.kiln"])
        #expect(short.status != 0 && short.stderr.contains(truncated) && short.stderr.contains("truncated"), "\(short.stderr)")

        let flipped = fixture.folder + "/flipped-1.kiln"
        var bytes = original
        bytes[bytes.count - 50] ^= 0x40  // inside the last stored image
        try Data(bytes).write(to: URL(fileURLWithPath: flipped))
        let damaged = try await KilnProcess.run(["merge", parts[0], flipped, "-o", fixture.folder + "/x.kiln"])
        #expect(damaged.status != 0 && damaged.stderr.contains(flipped), "\(damaged.stderr)")

        let bundle = try await KilnProcess.run(["merge", parts[0], fixture.singlePath, "-o", fixture.folder + "/x.kiln"])
        #expect(bundle.status != 0 && bundle.stderr.contains("not a shard part") && bundle.stderr.contains(fixture.singlePath),
                "\(bundle.stderr)")
        let text = try await KilnProcess.run(["merge", parts[0], fixture.sources[0], "-o", fixture.folder + "/x.kiln"])
        #expect(text.status != 0 && text.stderr.contains("not a Kiln bundle") && text.stderr.contains(fixture.sources[0]), "\(text.stderr)")
        let absent = try await KilnProcess.run(["merge", parts[0], fixture.folder + "/part-9.kiln", "-o", fixture.folder + "/x.kiln"])
        #expect(absent.status != 0 && absent.stderr.contains("part-9.kiln"), "\(absent.stderr)")
        #expect(!FileManager.default.fileExists(atPath: fixture.folder + "/x.kiln"))
    }

    @Test("merge --sign gives the signed single build's bytes; signed parts pass --trust, unsigned ones do not")
    func signing() async throws {
        let fixture = try await F.shared.value
        let key = fixture.folder + "/release"
        if !FileManager.default.fileExists(atPath: key) {
            #expect(try await KilnProcess.run(["keygen", "-o", key]).status == 0)
        }
        let signedSingle = fixture.folder + "/signed-single.kiln"
        let single = try await KilnProcess.run(["build"] + fixture.sources + ["--devices", F.devices, "--no-cache", "--sign", key, "-o", signedSingle])
        #expect(single.status == 0, "\(single.stderr)")
        var signedParts: [String] = []
        for index in 0..<2 {
            let part = fixture.folder + "/signed-part-\(index).kiln"
            let build = try await KilnProcess.run(["build"] + fixture.sources + ["--devices", F.devices, "--no-cache", "--sign", key,
                                                                            "--shard", "\(index)/2", "-o", part])
            #expect(build.status == 0, "\(build.stderr)")
            signedParts.append(part)
        }
        let merged = fixture.folder + "/signed-merged.kiln"
        let merge = try await KilnProcess.run(["merge", "--no-cache", "--sign", key, "--trust", key + ".pub", "-o", merged] + signedParts)
        #expect(merge.status == 0, "\(merge.stderr)")
        #expect(try F.bytes(merged) == F.bytes(signedSingle))

        let (unsigned, _) = try await fixture.parts(2)
        let refused = try await KilnProcess.run(["merge", "--no-cache", "-o", fixture.folder + "/x.kiln", signedParts[0], unsigned[1]],
                                          environment: ["KILN_TRUSTED_KEYS": key + ".pub"])
        #expect(refused.status != 0 && refused.stderr.contains(unsigned[1]) && refused.stderr.contains("not signed"), "\(refused.stderr)")
    }
}

/// The single build and the parts that the sharded build tests compare, each built once.
final class ShardedBuildFixture: @unchecked Sendable {
    static let devices = "sm_80,sm_90,cpu,spirv"
    static let root = KilnProcess.projectRoot()
    static var toolchainsInstalled: Bool {
        let files = FileManager.default
        return files.fileExists(atPath: "/etc/OpenCL/vendors/pocl.icd") && files.isExecutableFile(atPath: "/usr/bin/ocloc")
            && files.isExecutableFile(atPath: "/usr/bin/clang-16")
            && files.fileExists(atPath: root.appendingPathComponent(".toolchains/nvjitlink/nvidia/cu13/lib/libnvJitLink.so.13").path)
    }
    static let shared = Task<ShardedBuildFixture, any Error> { try await ShardedBuildFixture() }

    let folder: String
    let sources: [String]
    let singlePath: String
    let single: [UInt8]
    let singleImages: Int
    let singlePairs: Set<String>
    /// Each N-shard build, made once.
    private let built = Mutex<[Int: Task<([String], Int), any Error>]>([:])

    init() async throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-shards-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        sources = ["saxpy.cl", "softmax.cl", "transpose.cl", "reduce_sum.cl"].map { Self.root.appendingPathComponent("Kernels/\($0)").path }
        singlePath = folder + "/single.kiln"
        let build = try await KilnProcess.run(["build", "--json"] + sources + ["--devices", Self.devices, "--no-cache", "-o", singlePath])
        guard build.status == 0 else { throw Failure(message: "single build failed: \(build.stderr)") }
        single = try Self.bytes(singlePath)
        singleImages = try Self.compiled(build)
        singlePairs = Set(try BundleReader.checked(path: singlePath).entries().map { "\($0.module) × \($0.target)" })
    }

    /// The parts of an N-shard build, and how many images they compiled in all.
    func parts(_ count: Int) async throws -> ([String], Int) {
        let build = built.withLock { built in
            if let started = built[count] { return started }
            let started = Task { try await self.build(count) }
            built[count] = started
            return started
        }
        return try await build.value
    }

    private func build(_ count: Int) async throws -> ([String], Int) {
        var paths: [String] = [], compiled = 0
        for index in 0..<count {
            let path = folder + "/part-\(index)-of-\(count).kiln"
            let build = try await KilnProcess.run(["build", "--json"] + sources + ["--devices", Self.devices, "--no-cache",
                                                                             "--shard", "\(index)/\(count)", "-o", path])
            guard build.status == 0 else { throw Failure(message: "shard \(index)/\(count) failed: \(build.stderr)") }
            compiled += try Self.compiled(build)
            paths.append(path)
        }
        return (paths, compiled)
    }

    /// The number of images a `kiln build --json` compiled.
    static func compiled(_ build: KilnProcess.Outcome) throws -> Int {
        let object = try JSONSerialization.jsonObject(with: Data(build.stdout.utf8)) as? [String: Any]
        guard let compiled = object?["compiled"] as? Int else { throw Failure(message: "no compile count in \(build.stdout)") }
        return compiled
    }

    static func bytes(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    struct Failure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
