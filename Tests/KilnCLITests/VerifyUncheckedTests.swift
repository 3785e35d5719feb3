import Foundation
import KilnTestSupport
import Testing

/// `kiln verify` of a user's bundle: kernels without a reference are "loaded, not checked", never PASS.
@Suite("kiln verify: kernels without a reference",
       .enabled(if: FileManager.default.fileExists(atPath: "/etc/OpenCL/vendors/pocl.icd"), "needs PoCL's CPU device"))
struct VerifyUncheckedTests {
    @Test("a bundle of a user's kernel loads, says it was not checked, and exits 0")
    func unchecked() async throws {
        let folder = try SpecialFiles.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "kernel void mine(global float* x, int n) { int i = get_global_id(0); if (i < n) x[i] += 1.0f; }\n"
            .write(toFile: folder + "/mine.cl", atomically: false, encoding: .utf8)
        let build = try await KilnProcess.run(["build", folder + "/mine.cl", "--devices", "none", "-o", folder + "/app.kiln", "--no-cache"])
        try #require(build.status == 0, "\(build.stderr)")
        let environment = ["KILN_CACHE_DIR": folder + "/cache"]
        let run = try await KilnProcess.run(["verify", folder + "/app.kiln"], environment: environment)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        let cpu = try #require(run.stdout.split(separator: "\n").first { $0.contains("cpu") && $0.contains("): ") })
        #expect(cpu.contains("loaded, not checked") && !cpu.contains("PASS"), "\(cpu)")
        #expect(run.stdout.contains("mine"))
        let json = try await KilnProcess.run(["verify", folder + "/app.kiln", "--json"], environment: environment)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let device = try #require((report["devices"] as? [[String: Any]])?.first { $0["target"] as? String == "cpu" })
        #expect(device["checked"] as? Int == 0)
        #expect(device["unchecked"] as? Int == 1)
        let module = try #require((device["modules"] as? [[String: Any]])?.first)
        #expect(module["unchecked"] as? [String] == ["mine"])
    }
}
