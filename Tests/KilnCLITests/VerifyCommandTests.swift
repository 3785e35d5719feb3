import Foundation
import KilnBundle
import KilnTestSupport
import Testing

/// `kiln verify` on this machine's PoCL CPU device: Kiln's kernels, AOT and JIT, and a damaged image.
@Suite("kiln verify", .enabled(if: FileManager.default.fileExists(atPath: "/etc/OpenCL/vendors/pocl.icd"),
                               "needs PoCL (pocl-opencl-icd, which scripts/setup.sh installs)"))
struct VerifyCommandTests {
    static let kernels = ["saxpy", "add", "gelu", "reduce_sum", "reduce_max", "histogram", "softmax", "layernorm", "transpose", "gemm"]

    /// A bundle of the reference kernels (without the 160 variants, to stay quick) for `devices`.
    static func bundle(_ devices: String) async throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-verify-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let sources = kernels.map { KilnProcess.projectRoot().appendingPathComponent("Kernels/\($0).cl").path }
        let output = folder.appendingPathComponent("ref.kiln").path
        let build = try await KilnProcess.run(["build"] + sources + ["--devices", devices, "-o", output, "--no-cache"])
        #expect(build.status == 0, "\(build.stderr)")
        return output
    }

    /// The modules of the cpu device's report, by name.
    static func cpuModules(_ stdout: String) throws -> [String: [String: Any]] {
        let report = try #require(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any])
        let devices = try #require(report["devices"] as? [[String: Any]])
        let cpu = try #require(devices.first { ($0["target"] as? String) == "cpu" })
        let modules = try #require(cpu["modules"] as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: modules.map { ($0["module"] as? String ?? "?", $0) })
    }

    /// Flips one byte in the middle of an image's stored bytes in the bundle at `path`.
    static func damage(_ path: String, module: String, target: String) throws {
        let entry = try #require(try BundleReader(path: path).entry(module: module, target: target))
        var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[Int(entry.offset + entry.storedSize / 2)] ^= 0x20
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    static func environment() -> [String: String] {
        ["KILN_CACHE_DIR": FileManager.default.temporaryDirectory.appendingPathComponent("kiln-cache-\(UUID())").path]
    }

    @Test("every reference kernel passes on the AOT cpu image, and each module says aot")
    func aot() async throws {
        let run = try await KilnProcess.run(["verify", try Self.bundle("cpu"), "--json"], environment: Self.environment())
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let devices = try #require(report["devices"] as? [[String: Any]])
        let cpu = try #require(devices.first { ($0["target"] as? String) == "cpu" })
        let modules = try #require(cpu["modules"] as? [[String: Any]])
        #expect(modules.count == Self.kernels.count)
        for module in modules {
            let resolution = try #require(module["resolution"] as? [String: Any])
            #expect(resolution["path"] as? String == "aot")
            #expect((module["kernels"] as? [[String: Any]])?.count == 1, "\(module["module"] ?? "?") ran no check")
        }
    }

    @Test("with cpu left out, the same kernels pass through the JIT, and strict mode fails clearly")
    func jit() async throws {
        let bundle = try await Self.bundle("sm_90")
        let run = try await KilnProcess.run(["verify", bundle, "--json"], environment: Self.environment())
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        for (name, module) in try Self.cpuModules(run.stdout) {
            let resolution = module["resolution"] as? [String: Any]
            #expect(resolution?["path"] as? String == "jit" && resolution?["target"] as? String == "source", "\(name)")
        }
        let strict = try await KilnProcess.run(["verify", bundle, "--jit", "never"], environment: Self.environment())
        #expect(strict.status == 1)
        #expect(strict.stdout.contains("KILN_JIT=never forbids"))
    }

    @Test("a bundle with one image corrupted fails, naming that image")
    func corrupted() async throws {
        let path = try await Self.bundle("cpu")
        try Self.damage(path, module: "softmax", target: "cpu")
        let run = try await KilnProcess.run(["verify", path, "--json"], environment: Self.environment())
        #expect(run.status == 1)
        let modules = try Self.cpuModules(run.stdout)
        let error = modules["softmax"]?["error"] as? String ?? ""
        #expect(error.contains("softmax × cpu") && (error.contains("SHA-256") || error.contains("zstd could not decompress")), "\(error)")
        #expect(modules["saxpy"]?["error"] == nil, "the other modules still verify")
    }

    @Test("an image no device here uses is checked too: damaged, it fails verify by name, though every module loads")
    func unusedImageDamaged() async throws {
        let path = try await Self.bundle("cpu")
        try Self.damage(path, module: "gelu", target: "source")
        let run = try await KilnProcess.run(["verify", path, "--json"], environment: Self.environment())
        #expect(run.status == 1)
        #expect(try Self.cpuModules(run.stdout).values.allSatisfy { $0["error"] == nil }, "the cpu images load and pass")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let images = try #require(report["images"] as? [String: Any])
        let damaged = try #require(images["damaged"] as? [String])
        // The flipped byte is caught by zstd or by the SHA-256, depending on where it lands in the
        // compressed bytes (the source image holds the build's temporary path).
        #expect(damaged.count == 1 && damaged[0].hasPrefix("gelu × source")
                && (damaged[0].contains("SHA-256") || damaged[0].contains("zstd could not decompress")), "\(damaged)")
        let text = try await KilnProcess.run(["verify", path], environment: Self.environment())
        #expect(text.status == 1 && text.stdout.contains("images: 1 of \(images["checked"] ?? "?") cannot be used"), "\(text.stdout)")
    }

    @Test("--trace writes the start-up phases to stderr as JSON lines, stdout unchanged")
    func trace() async throws {
        let path = try await Self.bundle("cpu")
        let run = try await KilnProcess.run(["verify", path, "--trace", "--json"], environment: Self.environment().merging(["KILN_TRACE": ""]) { $1 })
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stderr.split(separator: "\n")
        let phases = try lines.map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])["phase"] as? String
        }
        #expect(phases.first == "process")
        for phase in ["bundle.open", "manifest.decode", "opencl.enumerate", "image.sha256", "module.load", "launch.first"] {
            #expect(phases.contains(phase), "\(phase) in \(phases)")
        }
        #expect(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) is [String: Any], "stdout is the report alone")
    }
}

/// The JIT cache shared by 8 processes that start together on one bundle.
@Suite("JIT cache: 8 processes, one bundle", .enabled(if: FileManager.default.fileExists(atPath: "/etc/OpenCL/vendors/pocl.icd"),
                                                      "needs PoCL (pocl-opencl-icd, which scripts/setup.sh installs)"))
struct SharedCacheTests {
    @Test("8 `kiln verify --jit always` on a cold cache: each module compiled by exactly one, all 8 pass")
    func eightProcesses() async throws {
        let bundle = try await VerifyCommandTests.bundle("sm_90")
        let environment = VerifyCommandTests.environment()
        let runs = (0..<8).map { _ in KilnProcess.start(["verify", bundle, "--jit", "always", "--json"], environment: environment) }
        var outcomes: [KilnProcess.Outcome] = []
        for run in runs { outcomes.append(try await run.wait()) }
        var compiledBy: [String: Int] = [:]
        for outcome in outcomes {
            #expect(outcome.status == 0, "\(outcome.stderr)")
            for (name, module) in try VerifyCommandTests.cpuModules(outcome.stdout) {
                let path = (module["resolution"] as? [String: Any])?["path"] as? String
                #expect(path == "jit" || path == "jit-cached")
                if path == "jit" { compiledBy[name, default: 0] += 1 }
            }
        }
        #expect(compiledBy.count == VerifyCommandTests.kernels.count, "every module was compiled by some process")
        #expect(compiledBy.values.allSatisfy { $0 == 1 }, "compiles per module: \(compiledBy)")
    }
}
