import Foundation
import KilnBundle
import KilnCore
import KilnTestSupport
import Testing

/// `kiln inspect` shows what a launch is checked against, and `kiln extract` hands out one image.
@Suite("kiln inspect signatures, kiln extract")
struct InspectExtractTests {
    /// A bundle for sm_90 and cpu whose module holds a kernel with a required work-group size that
    /// only the sm_90 image has, and 40 more kernels.
    static func bundle() throws -> String {
        let tile = KernelRecord(name: "tile", parameters: [
            ParameterRecord(name: "x", type: "const float*", addressSpace: "global"),
            ParameterRecord(name: "scratch", type: "float*", addressSpace: "local"),
            ParameterRecord(name: "n", type: "int"),
        ], requiredWorkGroupSize: [64, 2, 1], targets: ["sm_90"])
        let many = (0..<40).map { KernelRecord(name: "variant_number_\($0)", parameters: [ParameterRecord(name: "x", type: "float*", addressSpace: "global")]) }
        let targets = try DeviceList.parse("sm_90,cpu,no-ptx,no-source").targets
        let manifest = Manifest(
            deviceList: "sm_90,cpu",
            modules: [ModuleRecord(name: "m", language: .openCLC, sourceSHA256: String(repeating: "0", count: 64), kernels: [tile] + many)],
            targets: targets.map { TargetRecord(name: $0.name, format: $0.format, toolchain: "synthetic 1") },
            toolchains: ["synthetic": "1"])
        var writer = BundleWriter(manifest: manifest, compressionLevel: 3)
        for target in targets {
            try writer.add(module: "m", target: target.name, format: target.format, toolchain: "synthetic 1",
                           bytes: SyntheticBundle.image(module: "m", target: target.name, size: 5000))
        }
        return try SyntheticBundle.temporaryFile(try writer.serialize())
    }

    @Test("--json always carries each kernel's signature, required size and targets")
    func json() async throws {
        let run = try await KilnProcess.run(["inspect", try Self.bundle(), "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let module = try #require((object["modules"] as? [[String: Any]])?.first)
        #expect((module["kernels"] as? [String])?.first == "tile")
        let tile = try #require((module["signatures"] as? [[String: Any]])?.first)
        #expect(tile["signature"] as? String == "tile(global const float* x, local float* scratch, int n)")
        #expect(tile["requiredWorkGroupSize"] as? [Int] == [64, 2, 1])
        #expect(tile["targets"] as? [String] == ["sm_90"])
        #expect((tile["parameters"] as? [[String: Any]])?.count == 3)
    }

    @Test("text: long kernel lists wrap, --kernels lists signatures with their work-group size and targets")
    func text() async throws {
        let path = try Self.bundle()
        let plain = try await KilnProcess.run(["inspect", path])
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(plain.stdout.split(separator: "\n").allSatisfy { $0.count <= 120 }, "\(plain.stdout)")
        #expect(plain.stdout.contains("1 kernel is only in some targets' images (tile) — --kernels shows which"))
        let kernels = try await KilnProcess.run(["inspect", path, "--kernels"])
        let line = try #require(kernels.stdout.split(separator: "\n").first { $0.contains("tile(") })
        #expect(line.contains("tile(global const float* x, local float* scratch, int n)"))
        #expect(line.contains("64×2×1") && line.hasSuffix("sm_90"), "\(line)")
        #expect(kernels.stdout.contains("kernels (41):"))
    }

    @Test("extract writes the image's raw bytes, by target name or alias, to a file or stdout")
    func extract() async throws {
        let path = try Self.bundle()
        let folder = try SpecialFiles.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let expected = SyntheticBundle.image(module: "m", target: "sm_90", size: 5000)
        let run = try await KilnProcess.run(["extract", path, "m", "sm_90", "-o", folder + "/m.cubin"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try Array(Data(contentsOf: URL(fileURLWithPath: folder + "/m.cubin"))) == expected)
        let alias = try await KilnProcess.run(["extract", path, "m", "H100", "-o", "-"])
        #expect(alias.status == 0, "\(alias.stderr)")
        // The helper reads stdout as text, so compare the image decoded the same way.
        #expect(alias.stdout == String(decoding: expected, as: UTF8.self))
        let missing = try await KilnProcess.run(["extract", path, "m", "pvc", "-o", folder + "/x"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("no image of module 'm' for target 'pvc' — its targets are sm_90, cpu"), "\(missing.stderr)")
    }

    @Test("extract refuses a damaged image and writes nothing")
    func damaged() async throws {
        let path = try Self.bundle()
        let entry = try #require(try BundleReader(path: path).entry(module: "m", target: "cpu"))
        var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[Int(entry.offset + entry.storedSize / 2)] ^= 0x40
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let output = path + ".out"
        let run = try await KilnProcess.run(["extract", path, "m", "cpu", "-o", output])
        #expect(run.status != 0)
        #expect(run.stderr.contains("m × cpu"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output))
    }
}
