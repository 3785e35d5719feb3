import Foundation
import KilnDrivers
import KilnRuntime
import KilnTestSupport
import Testing

/// The Swift examples in the library's documentation comments compile here, word for word: each
/// file's block is the region of this file between its markers, so an example that stops
/// compiling, or a change to one that is not made here, fails a test.
@Suite("Documentation comment samples")
struct DocCommentSampleTests {
    /// Each source file with a Swift example, and the name of its markers below.
    static let samples = [
        ("Sources/KilnRuntime/BundleSession.swift", "BundleSession"),
        ("Sources/KilnDrivers/CUDA/CUDADriver.swift", "CUDADriver"),
        ("Sources/KilnDrivers/OpenCL/OpenCLRuntime.swift", "OpenCLRuntime"),
    ]

    @Test("each documentation comment's Swift example is the code below, which compiles", arguments: samples)
    func same(_ file: String, _ name: String) throws {
        let source = try String(contentsOf: KilnProcess.projectRoot().appendingPathComponent(file), encoding: .utf8)
        let compiled = try DocumentationSamples.region(of: #filePath, begin: "// \(name) sample begins", end: "// \(name) sample ends")
        #expect(DocumentationSamples.docCommentBlocks("swift", in: source) == [compiled])
    }

    @Test("every Swift example in Sources/ is one of them")
    func everyExampleListed() throws {
        let root = KilnProcess.projectRoot()
        let sources = root.appendingPathComponent("Sources")
        let files = try #require(FileManager.default.enumerator(atPath: sources.path)).compactMap { $0 as? String }
            .filter { $0.hasSuffix(".swift") }
        var withExamples: [String] = []
        for file in files {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            if !DocumentationSamples.docCommentBlocks("swift", in: text).isEmpty { withExamples.append("Sources/" + file) }
        }
        #expect(withExamples.sorted() == Self.samples.map(\.0).sorted(), "an example with no compiled copy here")
    }

    // The examples, compiled but not run: they need a GPU, a driver or a bundle of their own.

    static func bundleSession(xs: [Float], ys: [Float], n: Int) throws {
        // BundleSession sample begins
        guard let device = ComputeDevice.all().devices.first else { return }  // none: see `all().unavailable`
        let session = try BundleSession(bundle: "app.kiln", device: device)
        let x = try device.makeBuffer(xs), y = try device.makeBuffer(ys)
        try session.kernel("saxpy").launch(grid: Dim3((n + 255) / 256), block: 256,
                                           arguments: [.float32(2), x.argument, y.argument, .int32(Int32(n))])
        let result: [Float] = try y.download()
        // BundleSession sample ends
        _ = result
    }

    static func cudaDriver() throws {
        // CUDADriver sample begins
        let driver = try CUDADriver.load()
        for device in driver.devices { print(device) }
        // CUDADriver sample ends
    }

    static func openCLRuntime() throws {
        // OpenCLRuntime sample begins
        let runtime = try OpenCLRuntime.load()
        for device in runtime.devices { print(device) }
        // OpenCLRuntime sample ends
    }
}
