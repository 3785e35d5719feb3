import Foundation
import KilnBundle
import KilnCore
@testable import KilnRuntime
import KilnTestSupport
import KilnVerify
import Testing

/// A session reads and checks only the images it loads: damage in an image this device does not
/// use does not stop the one it does, and the damaged one is still refused whenever it is asked for.
@Suite("Images checked lazily", .enabled(if: OpenCLFixtures.pocl != nil, "PoCL (pocl-opencl-icd) is not installed"))
struct LazyImageCheckTests {
    /// A copy of the cpu bundle of the reference kernels whose `saxpy × source` image has one byte flipped.
    static func damagedSource() async throws -> BundleReader {
        let original = try await OpenCLFixtures.bundle("cpu")
        let entry = try #require(try original.entry(module: "saxpy", target: "source"))
        var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: original.path)))
        bytes[Int(entry.offset + entry.storedSize / 2)] ^= 0x20
        let path = try SyntheticBundle.temporaryFile(bytes)
        return try BundleReader(path: path)
    }

    @Test("a bundle whose unused source image is damaged loads and runs its cpu image")
    func unusedDamageIgnored() async throws {
        let device = try #require(OpenCLFixtures.pocl)
        let reader = try await Self.damagedSource()
        let session = try BundleSession(reader: reader, device: .openCL(device), policy: .never, cache: NoJITCache(),
                                        trustedKeys: TrustedKeys.none)
        let n = 1000
        let x = try device.makeBuffer([Float](repeating: 1, count: n)), y = try device.makeBuffer([Float](repeating: 2, count: n))
        try session.kernel("saxpy", in: "saxpy").launch(grid: Dim3((n + 127) / 128), block: 128,
                                                        arguments: [.float32(3), .buffer(x), .buffer(y), .int(n)])
        #expect(try y.download(as: Float.self) == [Float](repeating: 5, count: n))
        #expect(session.resolutions.map(\.target) == ["cpu"])
    }

    @Test("the damaged image is refused when asked for: read directly, or by a session that resolves to it")
    func damageRefusedWhenUsed() async throws {
        let device = try #require(OpenCLFixtures.pocl)
        let reader = try await Self.damagedSource()
        let direct = try #require(throws: KilnError.self) { try reader.image(module: "saxpy", target: "source") }
        #expect(direct.code == .corruptBundle && direct.message.contains("saxpy × source"), "\(direct.message)")
        // KILN_JIT=always resolves to the source: it is checked before the driver compiles it.
        let session = try BundleSession(reader: reader, device: .openCL(device), policy: .always, cache: NoJITCache(),
                                        trustedKeys: TrustedKeys.none)
        let error = try #require(throws: KilnError.self) { try session.kernel("saxpy", in: "saxpy") }
        #expect(error.code == .corruptBundle && error.message.contains("saxpy × source"), "\(error.message)")
        #expect(session.resolutions.isEmpty, "nothing was loaded")
        // The other modules' sources are intact and still compile.
        _ = try session.kernel("transpose", in: "transpose")
    }

    @Test("Verifier reads every image: the damaged one fails the report though no device here uses it")
    func verifierChecksEverything() async throws {
        let reader = try await Self.damagedSource()
        let report = try Verifier.verify(bundle: reader.path, policy: .never, devices: ([.openCL(try #require(OpenCLFixtures.pocl))], []))
        #expect(report.images.checked == (try reader.entries()).count)
        #expect(report.images.damaged.count == 1 && report.images.damaged[0].hasPrefix("saxpy × source"), "\(report.images.damaged)")
        #expect(report.devices.allSatisfy { $0.modules.allSatisfy { $0.error == nil } }, "every module loads its cpu image")
        #expect(!report.passed)
    }
}
