import Foundation
import KilnCompiler
import KilnCore
import KilnRuntime
import KilnTestSupport
import Testing

/// Every sample of the DocC article `GettingStarted.md` compiles in CI: each Swift block is in
/// ``GettingStartedSampleTests/sample()`` word for word and runs on PoCL; the Package.swift block is
/// loaded by SwiftPM; the kernel is Kiln's `Kernels/saxpy.cl`; the kiln.json is read by the build's reader.
@Suite("Getting-started article samples")
struct GettingStartedSampleTests {
    static let article = KilnProcess.projectRoot().appendingPathComponent("Sources/KilnRuntime/KilnRuntime.docc/GettingStarted.md")

    static func blocks(_ language: String) throws -> [String] {
        DocumentationSamples.blocks(language, in: try String(contentsOf: article, encoding: .utf8))
    }

    /// The article's Swift blocks that are program code (the manifest is checked on its own).
    static func programBlocks() throws -> [String] {
        try blocks("swift").filter { !$0.hasPrefix("// swift-tools-version") }
    }

    @Test("every Swift block of the article is in the compiled sample below, word for word")
    func swiftBlocksCompile() throws {
        let compiled = try DocumentationSamples.region(of: #filePath, begin: "// article samples begin", end: "// article samples end")
        let blocks = try Self.programBlocks()
        #expect(blocks.count >= 6, "the article's Swift blocks were not found")
        for block in blocks {
            #expect(compiled.contains(block), "this block of GettingStarted.md is not in \(#fileID):\n\(block)")
        }
    }

    @Test("the samples run in the article's order on PoCL: 5.0, the refused launch's message, the resolution",
          .enabled(if: FileManager.default.fileExists(atPath: "/etc/OpenCL/vendors/pocl.icd"), "needs PoCL's CPU device (pocl-opencl-icd)"))
    func runs() async throws {
        try await SampleBundle.prepare()
        let printed = try Self.sample()
        #expect(printed.contains("5.0"), "\(printed)")
        #expect(printed.contains { $0.hasPrefix("kernel 'saxpy' takes 4 arguments") }, "\(printed)")
        #expect(printed.contains { $0.hasPrefix("saxpy ") }, "\(printed)")
    }

    @Test("the Package.swift block is a manifest SwiftPM loads, with KilnRuntime and the plugin",
          .enabled(if: Self.swift != nil, "needs `swift` on PATH"))
    func manifestLoads() async throws {
        let manifest = try #require(try Self.blocks("swift").first { $0.hasPrefix("// swift-tools-version") })
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-article-\(UUID().uuidString)/MyApp")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        try manifest.write(to: folder.appendingPathComponent("Package.swift"), atomically: true, encoding: .utf8)
        let run = try await KilnProcess.run(executable: try #require(Self.swift).path, ["package", "dump-package"],
                                            in: folder.path, combined: true)
        let text = run.stdout
        #expect(run.status == 0, "\(text) \(run.stderr)")
        #expect(text.contains("\"KilnBuildPlugin\"") && text.contains("\"KilnRuntime\""), "\(text)")
    }

    @Test("the kernel block is Kernels/saxpy.cl, which the tests build")
    func kernelIsKilns() throws {
        let kernel = try #require(try Self.blocks("c").first)
        let file = try String(contentsOf: KilnProcess.projectRoot().appendingPathComponent("Kernels/saxpy.cl"), encoding: .utf8)
        #expect(kernel + "\n" == file)
    }

    @Test("the kiln.json block is a configuration the build reads, with a valid device list")
    func configurationReads() throws {
        let json = try #require(try Self.blocks("json").first)
        let configuration = try BuildConfiguration(bytes: Array(json.utf8), path: "kiln.json")
        let devices = try #require(configuration.devices)
        #expect(try DeviceList.parse(devices).targets.contains(.cpu))
        #expect(configuration.defines == ["TILE=16"])
    }

    /// `swift`, found on PATH.
    static let swift: URL? = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        .map { URL(fileURLWithPath: String($0)).appendingPathComponent("swift") }
        .first { FileManager.default.isExecutableFile(atPath: $0.path) }

    /// The article's Swift blocks in order, with `print` collecting lines and `Bundle` the test's bundle.
    static func sample() throws -> [String] {
        var printed: [String] = []
        func print(_ items: Any...) { printed.append(items.map { "\($0)" }.joined(separator: " ")) }
        // article samples begin
        let found = ComputeDevice.all()
        guard let device = found.devices.first else {
            print("no device: " + found.unavailable.map { "\($0.family): \($0.reason)" }.joined(separator: "; "))
            exit(1)
        }
        let session = try BundleSession(bundle: Bundle.module.path(forResource: "MyApp", ofType: "kiln"),
                                        device: device)
        let n = 1_000_000
        let x = try device.makeBuffer([Float](repeating: 1, count: n))
        let y = try device.makeBuffer(of: Float.self, count: n)
        try y.upload([Float](repeating: 2, count: n))
        let saxpy = try session.kernel("saxpy")
        let width = 256
        try saxpy.launch(grid: (n + width - 1) / width, block: width,
                         arguments: [.float32(3), x.argument, y.argument, .int(n)])
        do {
            try saxpy.launch(grid: 1, block: width, arguments: [.float32(3), x.argument])
        } catch {
            print(error.message)  // kernel 'saxpy' takes 4 arguments (float a, …), but the launch gave 2 — …
        }
        let result: [Float] = try y.download()
        try device.synchronize()
        print(result[0])  // 3 · 1 + 2 = 5
        for record in session.resolutions {
            print(record.module, record.path.rawValue, record.target)
        }
        // article samples end
        return printed
    }
}

/// Stands in for the target's `Bundle.module` in the samples.
private enum Bundle {
    static let module = SampleBundle()
}
