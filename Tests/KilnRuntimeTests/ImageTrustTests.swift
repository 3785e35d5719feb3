import Foundation
import KilnBundle
import KilnCore
@testable import KilnRuntime
import KilnTestSupport
import Testing

/// The trust issue's attacks through the runtime, on PoCL: each refused before the driver sees the image.
@Suite("Images checked before a driver", .enabled(if: OpenCLFixtures.pocl != nil, "PoCL (pocl-opencl-icd) is not installed"))
struct ImageTrustTests {
    /// A bundle for `cpu` whose image of `module` × `target` is replaced by `bytes`; its `cpu`
    /// image is recorded as built for this machine's PoCL, so a session loads it.
    static func bundle(module: String = "m", target: String, format: ImageFormat, bytes: [UInt8]) throws -> BundleReader {
        let host = try #require(OpenCLFixtures.pocl?.hostString)
        var writer = try SyntheticBundle.writer(modules: [module], deviceList: "cpu", imageSize: 1024, cpuHost: host)
        try writer.add(module: module, target: target, format: format, toolchain: "pocl 3.1", bytes: bytes)
        return try BundleReader(path: SyntheticBundle.temporaryFile(try writer.serialize()))
    }

    @Test("a cpu image whose file name climbs out of PoCL's cache is refused, and nothing is written")
    func poclEscape() throws {
        let device = try #require(OpenCLFixtures.pocl)
        // A real binary from this PoCL, for the device id PoCL checks before unpacking.
        let real = try OpenCLProgram(source: Array("kernel void m_kernel(global float* o) { o[0] = 1; }".utf8), name: "m", device: device).binary()
        let deviceID = real[8..<16].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let escape = "/tmp/kiln-escape-\(UUID().uuidString)"
        let hostile = SyntheticImage.poclBinary(
            root: [("/program.bc", Array(real[100..<200])), ("/../../../../../../../../../../.." + escape, Array("owned\n".utf8))],
            kernels: [.init(name: "m_kernel", files: [])], deviceID: deviceID)
        let reader = try Self.bundle(target: "cpu", format: .poclBinary, bytes: hostile)
        let backend = try BundleSession(reader: reader, device: .openCL(device), policy: .never, cache: NoJITCache(), trustedKeys: TrustedKeys.none)
        let error = try #require(throws: KilnError.self) { try backend.load(module: "m") }
        #expect(error.code == .corruptBundle)
        #expect(error.message.contains("outside its cache folder"))
        #expect(!FileManager.default.fileExists(atPath: escape))
    }

    @Test("a source image that includes a host file is refused before the JIT, and the file's text is not echoed")
    func sourceInclude() throws {
        let device = try #require(OpenCLFixtures.pocl)
        let secret = "kiln_secret_\(UInt32.random(in: 0...UInt32.max))"
        let path = try SyntheticBundle.temporaryFile(Array("\(secret) \(secret)\n".utf8), name: "secret.h")
        let source = "#include \"\(path)\"\nkernel void m_kernel(global float* o) { o[0] = 1; }\n"
        let reader = try Self.bundle(target: "source", format: .source, bytes: Array(source.utf8))
        let backend = try BundleSession(reader: reader, device: .openCL(device), policy: .always, cache: NoJITCache(), trustedKeys: TrustedKeys.none)
        let error = try #require(throws: KilnError.self) { try backend.load(module: "m") }
        #expect(error.code == .corruptBundle)
        #expect(!error.description.contains(secret))
    }

    @Test("under KILN_TRUSTED_KEYS' keys a session refuses an unsigned bundle before loading anything")
    func sessionTrust() throws {
        let device = try #require(OpenCLFixtures.pocl)
        let key = try SigningKey()
        let reader = try BundleReader(path: SyntheticBundle.temporaryFile(try SyntheticBundle.bytes(modules: ["m"], deviceList: "cpu")))
        let error = try #require(throws: KilnError.self) {
            try BundleSession(reader: reader, device: .openCL(device), policy: .never, cache: NoJITCache(),
                              trustedKeys: TrustedKeys(keys: [key.publicKey]))
        }
        #expect(error.code == .untrustedBundle && error.message.contains(key.publicKey.fingerprint))
        let signed = try BundleReader(path: SyntheticBundle.temporaryFile(
            try SyntheticBundle.writer(modules: ["m"], deviceList: "cpu").serialize(signedWith: key)))
        _ = try BundleSession(reader: signed, device: .openCL(device), policy: .never, cache: NoJITCache(),
                              trustedKeys: TrustedKeys(keys: [key.publicKey]))
    }
}
