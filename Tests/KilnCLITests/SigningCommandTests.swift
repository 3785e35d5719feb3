import Foundation
import KilnBundle
import KilnTestSupport
import Testing

/// `kiln keygen`, `kiln sign`, `kiln build --sign`, the signer in `kiln inspect`, and `kiln verify --trust`.
@Suite("Signing commands")
struct SigningCommandTests {
    static func folder() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-sign-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test("keygen, sign, inspect: the signer is shown, a second sign gives the same bytes, a flip shows as not matching")
    func signAndInspect() async throws {
        let folder = try Self.folder()
        let keygen = try await KilnProcess.run(["keygen", "-o", folder + "/release"])
        #expect(keygen.status == 0, "\(keygen.stderr)")
        let fingerprint = try SigningPublicKey(file: folder + "/release.pub").fingerprint
        #expect(keygen.stdout.contains(fingerprint))
        #expect(try await KilnProcess.run(["keygen", "-o", folder + "/release"]).status != 0)  // never replaced

        let bundle = folder + "/app.kiln"
        try Data(try SyntheticBundle.bytes(modules: ["m"], deviceList: "sm_90,cpu")).write(to: URL(fileURLWithPath: bundle))
        let unsigned = try await KilnProcess.run(["inspect", bundle])
        #expect(unsigned.stdout.contains("signer: none"))
        let sign = try await KilnProcess.run(["sign", bundle, "--key", folder + "/release"])
        #expect(sign.status == 0 && sign.stdout.contains(fingerprint), "\(sign.stderr)")
        let first = try Data(contentsOf: URL(fileURLWithPath: bundle))
        #expect(try await KilnProcess.run(["sign", bundle, "--key", folder + "/release"]).status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: bundle)) == first)
        let inspect = try await KilnProcess.run(["inspect", bundle])
        #expect(inspect.stdout.contains("signer: \(fingerprint) (signature matches)"), "\(inspect.stdout)")

        var flipped = [UInt8](first)
        flipped[flipped.count - 200] ^= 1  // inside the data region, in a stored image
        try Data(flipped).write(to: URL(fileURLWithPath: bundle))
        let altered = try await KilnProcess.run(["inspect", "--json", bundle])
        #expect(altered.stdout.contains("\"matches\":false") || altered.stdout.contains("\"matches\" : false") || altered.status != 0,
                "\(altered.stdout)\(altered.stderr)")
    }

    @Test("verify --trust and KILN_TRUSTED_KEYS refuse an unsigned bundle, naming the key, before loading anything")
    func verifyTrust() async throws {
        let folder = try Self.folder()
        #expect(try await KilnProcess.run(["keygen", "-o", folder + "/k"]).status == 0)
        let fingerprint = try SigningPublicKey(file: folder + "/k.pub").fingerprint
        let bundle = folder + "/app.kiln"
        try Data(try SyntheticBundle.bytes(modules: ["m"], deviceList: "sm_90")).write(to: URL(fileURLWithPath: bundle))
        let flag = try await KilnProcess.run(["verify", bundle, "--trust", folder + "/k.pub"])
        #expect(flag.status != 0 && flag.stderr.contains("not signed") && flag.stderr.contains(fingerprint), "\(flag.stderr)")
        let environment = try await KilnProcess.run(["verify", bundle], environment: ["KILN_TRUSTED_KEYS": folder + "/k.pub"])
        #expect(environment.status != 0 && environment.stderr.contains(fingerprint), "\(environment.stderr)")
        let missing = try await KilnProcess.run(["verify", bundle], environment: ["KILN_TRUSTED_KEYS": folder + "/nothing.pub"])
        #expect(missing.status != 0 && missing.stderr.contains("KILN_TRUSTED_KEYS"), "\(missing.stderr)")
    }

    @Test("build --sign writes a signed bundle that verify --trust accepts on PoCL",
          .enabled(if: FileManager.default.fileExists(atPath: "/etc/OpenCL/vendors/pocl.icd"), "needs PoCL (pocl-opencl-icd)"))
    func buildSigned() async throws {
        let folder = try Self.folder()
        #expect(try await KilnProcess.run(["keygen", "-o", folder + "/k"]).status == 0)
        let output = folder + "/s.kiln"
        let saxpy = KilnProcess.projectRoot().appendingPathComponent("Kernels/saxpy.cl").path
        let build = try await KilnProcess.run(["build", saxpy, "--devices", "cpu", "-o", output, "--no-cache", "--sign", folder + "/k"])
        #expect(build.status == 0, "\(build.stderr)")
        #expect(try BundleReader(path: output).signer == (try SigningPublicKey(file: folder + "/k.pub")))
        let cache = ["KILN_CACHE_DIR": folder + "/cache"]
        let verify = try await KilnProcess.run(["verify", output, "--trust", folder + "/k.pub"], environment: cache)
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
    }
    @Test("cache warm --trust warms a bundle the key signed and refuses an unsigned one or another key's, naming the key",
          .enabled(if: FileManager.default.fileExists(atPath: "/etc/OpenCL/vendors/pocl.icd"), "needs PoCL (pocl-opencl-icd)"))
    func warmTrust() async throws {
        let folder = try Self.folder()
        #expect(try await KilnProcess.run(["keygen", "-o", folder + "/k"]).status == 0)
        #expect(try await KilnProcess.run(["keygen", "-o", folder + "/other"]).status == 0)
        let fingerprint = try SigningPublicKey(file: folder + "/k.pub").fingerprint
        let saxpy = KilnProcess.projectRoot().appendingPathComponent("Kernels/saxpy.cl").path
        let cache = ["KILN_CACHE_DIR": folder + "/cache"]
        // No device targets: every module is a JIT on this machine, which is what warming is for.
        let signed = folder + "/s.kiln", unsigned = folder + "/u.kiln"
        let builds = [try await KilnProcess.run(["build", saxpy, "--devices", "none", "-o", signed, "--sign", folder + "/k"], environment: cache),
                      try await KilnProcess.run(["build", saxpy, "--devices", "none", "-o", unsigned], environment: cache)]
        for build in builds { #expect(build.status == 0, "\(build.stderr)") }
        let notSigned = try await KilnProcess.run(["cache", "warm", unsigned, "--trust", folder + "/k.pub"], environment: cache)
        #expect(notSigned.status != 0 && notSigned.stderr.contains("not signed") && notSigned.stderr.contains(fingerprint), "\(notSigned.stderr)")
        let otherKey = try await KilnProcess.run(["cache", "warm", signed, "--trust", folder + "/other.pub"], environment: cache)
        let otherFingerprint = try SigningPublicKey(file: folder + "/other.pub").fingerprint
        #expect(otherKey.status != 0 && otherKey.stderr.contains(otherFingerprint), "\(otherKey.stderr)")
        #expect(!otherKey.stdout.contains("saxpy"), "a refused bundle was warmed: \(otherKey.stdout)")
        let warmed = try await KilnProcess.run(["cache", "warm", signed, "--trust", folder + "/k.pub"], environment: cache)
        #expect(warmed.status == 0, "\(warmed.stdout)\(warmed.stderr)")
        let environment = try await KilnProcess.run(["cache", "warm", unsigned], environment: cache.merging(["KILN_TRUSTED_KEYS": folder + "/k.pub"]) { $1 })
        #expect(environment.status != 0 && environment.stderr.contains(fingerprint), "\(environment.stderr)")
    }
}
