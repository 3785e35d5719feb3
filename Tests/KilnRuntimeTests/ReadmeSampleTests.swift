import Foundation
import KilnRuntime
import KilnTestSupport
import Testing

/// The Swift sample of the README's "Use Kiln in your package" compiles here, word for word, and
/// runs on PoCL's CPU device against a bundle of Kiln's saxpy.
@Suite("README sample")
struct ReadmeSampleTests {
    /// The sample's lines as this file holds them, between the markers, without the indent.
    static func sampleInThisFile() throws -> String {
        try DocumentationSamples.region(of: #filePath, begin: "// README sample begins", end: "// README sample ends")
    }

    /// The Swift block of the README's section, imports left out (this file has its own).
    static func sampleInReadme() throws -> String {
        let readme = try String(contentsOf: KilnProcess.projectRoot().appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.firstRange(of: "## Use Kiln in your package")).upperBound
        let start = try #require(readme[section...].firstRange(of: "```swift\nimport Foundation\nimport KilnRuntime\n\n")).upperBound
        let end = try #require(readme[start...].firstRange(of: "\n```")).lowerBound
        return String(readme[start..<end])
    }

    @Test("the README's sample is the code below, which compiles")
    func same() throws {
        #expect(try Self.sampleInReadme() == Self.sampleInThisFile())
    }

    @Test("the sample runs and prints 5.0", .enabled(if: FileManager.default.fileExists(atPath: "/etc/OpenCL/vendors/pocl.icd"),
                                                   "needs PoCL's CPU device (pocl-opencl-icd)"))
    func runs() async throws {
        try await SampleBundle.prepare()
        let printed = try Self.sample()
        #expect(printed.first == 5)
    }

    /// The sample, with `print` and `Bundle` replaced by the locals below; returns what it printed.
    static func sample() throws -> [Float] {
        var printed: [Float] = []
        func print(_ items: Any...) {
            if let value = items.first as? Float { printed.append(value) } else { Issue.record("the sample printed \(items)") }
        }
        // README sample begins
        let found = ComputeDevice.first()                  // a CUDA GPU; else OpenCL (Intel GPUs, CPUs)
        guard let device = found.device else {             // none is normal on a machine with no driver
            print("no device: " + found.unavailable.map { "\($0.family): \($0.reason)" }.joined(separator: "; "))
            exit(1)
        }
        let session = try BundleSession(bundle: Bundle.module.path(forResource: "MyApp", ofType: "kiln"),
                                        device: device)      // modules load on first use: AOT image, else JIT (cached)
        let n = 1_000_000
        let x = try device.makeBuffer([Float](repeating: 1, count: n))
        let y = try device.makeBuffer([Float](repeating: 2, count: n))
        let width = 256
        try session.kernel("saxpy").launch(grid: (n + width - 1) / width, block: width,
                                           arguments: [.float32(3), x.argument, y.argument, .int(n)])
        let result: [Float] = try y.download()              // waits for the kernel: 3 · 1 + 2 = 5 everywhere
        print(result[0], session.resolutions.map { "\($0.module): \($0.path.rawValue)" })
        // README sample ends
        return printed
    }
}

/// Stands in for the target's `Bundle.module` in the sample.
private enum Bundle {
    static let module = SampleBundle()
}
