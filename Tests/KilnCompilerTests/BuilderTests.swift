import Foundation
@testable import KilnBundle
@testable import KilnCompiler
import KilnCore
import KilnTestSupport
import Synchronization
import Testing

@Suite("Builder", .enabled("NVRTC, clang 16 or nvJitLink is not installed here: run scripts/setup.sh") {
    let nvidiaCL = await Fixtures.nvidiaCL
    return Fixtures.nvrtc != nil && nvidiaCL != nil
})
struct BuilderTests {
    /// A scratch folder with copies of two kernels.
    static func workspace() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-build-\(UUID())")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("src"), withIntermediateDirectories: true)
        for name in ["saxpy.cl", "transpose.cl"] {
            try FileManager.default.copyItem(at: Fixtures.root.appendingPathComponent("Kernels/\(name)"),
                                             to: folder.appendingPathComponent("src/\(name)"))
        }
        return folder
    }

    static func build(_ folder: URL, devices: String = "sm_80,sm_90") async throws -> Builder.Report {
        let toolchains: [any Toolchain] = [SourceToolchain(), try #require(await Fixtures.nvidiaCL), try #require(Fixtures.nvrtc)]
        let modules = try SourceModule.discover([folder.appendingPathComponent("src").path]).map { try SourceModule(path: $0) }
        let builder = Builder(deviceList: try DeviceList.parse(devices), toolchains: toolchains,
                              options: .init(jobs: 2, cache: BuildCache(directory: folder.appendingPathComponent("cache").path)))
        return try await builder.build(sources: modules, output: folder.appendingPathComponent("app.kiln").path)
    }

    @Test("a bundle holds every module × target, with kernel parameters and the PTX ISA recorded")
    func builds() async throws {
        let folder = try Self.workspace()
        let report = try await Self.build(folder)
        #expect(report.images == 2 * 4)
        let reader = try BundleReader(path: report.output)
        let manifest = try reader.manifest()
        #expect(manifest.targets.map(\.name) == ["sm_80", "sm_90", "compute_80", "source"])
        let ptx = String(decoding: try reader.image(module: "saxpy", target: "compute_80"), as: UTF8.self)
        #expect(ptx.contains(".target sm_80"))
        #expect(ptx.contains(".version \(try #require(manifest.target(named: "compute_80")?.ptxISAVersion))"))
        #expect(manifest.module(named: "saxpy")?.kernels.first?.parameters.count == 4)
        let cubin = try reader.image(module: "transpose", target: "sm_90")
        #expect(CUBINHeader(cubin)?.smArchitecture == 90)
        // clang's PTX is codable, and the writer stores it coded where that is smaller (transpose's is).
        for module in ["saxpy", "transpose"] {
            let text = try reader.image(module: module, target: "compute_80")
            let coded = try #require(PTXOperandCoding.encode(text), "\(module)'s PTX")
            #expect(try PTXOperandCoding.decode(coded, limit: UInt64(text.count)) == text)
        }
        #expect(try reader.entry(module: "transpose", target: "compute_80")?.transform == .ptxOperands)
        // The cubins clang + nvJitLink make are codable too.
        for entry in try reader.entries() where entry.format == .cubin {
            let raw = try reader.image(entry)
            var coded = try #require(CubinTableCoding.encode(raw), "\(entry.module) × \(entry.target)")
            try CubinTableCoding.decode(&coded)
            #expect(coded == raw)
        }
        // Real cubins of neighbouring architectures: one is stored coded against the other, coded
        // the same way (format version 4), and every image reads back through its SHA-256 check.
        #expect(reader.formatVersion == 4)
        let entries = try reader.entries()
        #expect(entries.contains { $0.format == .cubin && $0.codec == .zstdReferenced && $0.transform == .cubinTables })
        for entry in entries { _ = try reader.image(entry) }
    }

    @Test("compiles start dearest first (toolchain weight × source size), not in plan order")
    func dearestFirst() async throws {
        let folder = try Self.workspace()
        let toolchains: [any Toolchain] = [SourceToolchain(), try #require(await Fixtures.nvidiaCL), try #require(Fixtures.nvrtc)]
        let modules = try SourceModule.discover([folder.appendingPathComponent("src").path]).map { try SourceModule(path: $0) }
        let builder = Builder(deviceList: try DeviceList.parse("sm_80"), toolchains: toolchains, options: .init(jobs: 1, cache: nil))
        let started = Mutex<[(module: String, target: String)]>([])
        _ = try await builder.build(sources: modules, output: folder.appendingPathComponent("app.kiln").path) { event in
            if case .started(let module, let target, _) = event { started.withLock { $0.append((module, target)) } }
        }
        let order = started.withLock { $0 }
        let formats: [String: ImageFormat] = ["sm_80": .cubin, "compute_80": .ptx, "source": .source]
        let costs = try order.map { job in
            let text = try #require(modules.first { $0.name == job.module }).text
            return Shard.cost(sourceBytes: text.utf8.count, format: try #require(formats[job.target]))
        }
        #expect(order.count == 6)
        #expect(costs == costs.sorted(by: >), "\(order)")
        // The plan lists saxpy first within each target; transpose.cl is the larger file.
        #expect(order.first.map { "\($0.module) × \($0.target)" } == "transpose × sm_80")
    }

    @Test("an unchanged rebuild compiles nothing and writes the same bytes; touching one module rebuilds only it")
    func incremental() async throws {
        let folder = try Self.workspace()
        let first = try await Self.build(folder)
        let firstBytes = try Data(contentsOf: URL(fileURLWithPath: first.output))
        let entries = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("cache").path).sorted()
        let second = try await Self.build(folder)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("cache").path).sorted() == entries,
                "the rebuild compressed (or compiled) something: it stored a new cache entry")
        #expect(second.compiled == 0)
        #expect(second.reused == second.images)
        #expect(try Data(contentsOf: URL(fileURLWithPath: second.output)) == firstBytes)

        let saxpy = folder.appendingPathComponent("src/saxpy.cl")
        try (String(contentsOf: saxpy, encoding: .utf8) + "\n// touched\n").write(to: saxpy, atomically: true, encoding: .utf8)
        let third = try await Self.build(folder)
        #expect(third.compiled == 4, "only saxpy's four images should be rebuilt")
        #expect(third.reused == 4)
    }

    @Test("a failed compile writes no bundle and reports the log")
    func failure() async throws {
        let folder = try Self.workspace()
        try FileManager.default.copyItem(atPath: await Fixtures.module("Tests/KilnCompilerTests/Fixtures/broken.cu").path,
                                         toPath: folder.appendingPathComponent("src/broken.cu").path)
        let error = try await #require(throws: KilnError.self) { try await Self.build(folder) }
        #expect(error.code == .compilationFailed)
        #expect(error.message.contains("broken.cu(2): error"))
        #expect(error.message.contains("was not written"))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("app.kiln").path))
    }

    @Test("a CUDA module is not built for Intel or CPU targets, and says so")
    func cudaOnlyForNVIDIA() async throws {
        let toolchain = try #require(Fixtures.nvrtc)
        let module = try await Fixtures.module("Tests/KilnCompilerTests/Fixtures/gemm_tiles.cu")
        let folder = try Self.workspace()
        let builder = Builder(deviceList: try DeviceList.parse("sm_90,spirv"), toolchains: [SourceToolchain(), toolchain],
                              options: .init(jobs: 1, cache: nil))
        let report = try await builder.build(sources: [module], output: folder.appendingPathComponent("x.kiln").path)
        #expect(report.skipped == ["gemm_tiles × spirv"])
        #expect(report.images == 3, "sm_90, compute_90 and source")
    }

    @Test("an OpenCL C module with no NVIDIA toolchain is an error naming the target, not a skipped image")
    func openCLNeedsItsToolchain() async throws {
        let folder = try Self.workspace()
        let builder = Builder(deviceList: try DeviceList.parse("sm_90"), toolchains: [SourceToolchain()],
                              options: .init(jobs: 1, cache: nil))
        let error = try await #require(throws: KilnError.self) {
            try await builder.build(sources: [try await Fixtures.module("Kernels/saxpy.cl")], output: folder.appendingPathComponent("x.kiln").path)
        }
        #expect(error.code == .toolchainUnavailable)
        #expect(error.message.contains("for target 'sm_90'"))
    }
}

@Suite("Builder, device list changes", .enabled("NVRTC, clang 16 or nvJitLink is not installed here: run scripts/setup.sh") {
    let nvidiaCL = await Fixtures.nvidiaCL
    return Fixtures.nvrtc != nil && nvidiaCL != nil
})
struct DeviceListChangeTests {
    @Test("adding a target to the device list compiles only that target's images")
    func addTarget() async throws {
        let folder = try BuilderTests.workspace()
        let first = try await BuilderTests.build(folder, devices: "sm_80,sm_90")
        #expect(first.compiled == first.images)
        let second = try await BuilderTests.build(folder, devices: "sm_80,sm_90,sm_100")
        #expect(second.images == first.images + 2)
        #expect(second.compiled == 2, "only the two modules' sm_100 images are new")
        let third = try await BuilderTests.build(folder, devices: "sm_90")
        #expect(third.compiled == 2, "only compute_90, the new default PTX, is new")
    }
}
