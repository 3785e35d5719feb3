import Foundation
import KilnBundle
import KilnCore
import KilnTestSupport
import Testing

/// The `kiln` binary run as a user runs it: exit status, output, and error messages.
@Suite("kiln command line")
struct CommandLineTests {
    static func bundle(_ deviceList: String, modules: [String] = ["saxpy", "gemm"]) throws -> String {
        try SyntheticBundle.temporaryFile(try SyntheticBundle.bytes(modules: modules, deviceList: deviceList))
    }

    @Test("targets normalises a list: aliases, case, spaces, products, portable forms")
    func targetsNormalises() async throws {
        let run = try await KilnProcess.run(["targets", "ats-m150, PVC ,H100, acm-g10"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("normalised: acm-g10,pvc,sm_90,compute_90,spirv,source"))
        #expect(run.stdout.contains("also ats-m150, dg2-g10"))
    }

    @Test("targets names an unknown device and suggests the nearest")
    func targetsUnknown() async throws {
        let run = try await KilnProcess.run(["targets", "pvc,ats-m15"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("unknown device 'ats-m15' — did you mean 'ats-m150'?"))
    }

    @Test("targets --json is machine-readable")
    func targetsJSON() async throws {
        let run = try await KilnProcess.run(["targets", "--json", "sm_80,sm_86"])
        #expect(run.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(object["normalised"] as? String == "sm_80,sm_86,compute_80,source")
    }

    @Test("targets with no list prints the registry, seed table included")
    func targetsRegistry() async throws {
        let run = try await KilnProcess.run(["targets"])
        #expect(run.status == 0)
        for needle in ["Intel Data Center GPU Flex Series 170", "Intel Data Center GPU Max Series", "Intel Arc A-Series", "NVIDIA H100", "12.60.7"] {
            #expect(run.stdout.contains(needle), "registry listing lacks \(needle)")
        }
    }

    @Test("docs/TARGETS.md is what `kiln targets --markdown` prints")
    func targetsDocInStep() async throws {
        let run = try await KilnProcess.run(["targets", "--markdown"])
        let doc = try String(contentsOf: KilnProcess.projectRoot().appendingPathComponent("docs/TARGETS.md"), encoding: .utf8)
        #expect(run.stdout == doc, "regenerate it: swift run kiln targets --markdown > docs/TARGETS.md")
    }

    @Test("inspect reports every target's bytes and the totals")
    func inspect() async throws {
        let path = try Self.bundle("ats-m150,pvc,sm_90,cpu")
        let text = try await KilnProcess.run(["inspect", path, "--images"])
        #expect(text.status == 0)
        for target in ["acm-g10", "pvc", "sm_90", "compute_90", "spirv", "cpu", "source", "total"] {
            #expect(text.stdout.contains(target))
        }
        let json = try await KilnProcess.run(["inspect", path, "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let totals = try #require(object["totals"] as? [String: Any])
        #expect(totals["images"] as? Int == 2 * 7)
        let targets = try #require(object["targets"] as? [[String: Any]])
        #expect(targets.map { $0["name"] as? String } == ["acm-g10", "pvc", "sm_90", "cpu", "compute_90", "spirv", "source"])
    }

    @Test("inspect of a damaged or missing file fails with a message that says what to do")
    func inspectBad() async throws {
        var bytes = try SyntheticBundle.bytes(modules: ["m"], deviceList: "pvc")
        bytes.removeLast(100)
        let truncated = try await KilnProcess.run(["inspect", try SyntheticBundle.temporaryFile(bytes)])
        #expect(truncated.status != 0)
        #expect(truncated.stderr.contains("truncated"))
        let missing = try await KilnProcess.run(["inspect", "/nonexistent/app.kiln"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("cannot open '/nonexistent/app.kiln'"))
    }

    @Test("explain picks the path the rules say, per device", arguments: [
        ("A10", "aot-compatible", "sm_80"),
        ("A100", "aot", "sm_80"),
        ("H100", "jit", "compute_80"),
        ("Arc A380", "jit", "source"),
        ("cpu", "jit", "source"),
    ])
    func explain(_ device: String, _ path: String, _ image: String) async throws {
        let bundle = try Self.bundle("sm_80")
        let run = try await KilnProcess.run(["explain", bundle, "--device", device, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let modules = try #require(object["modules"] as? [[String: Any]])
        #expect(modules.count == 2)
        for module in modules {
            #expect(module["path"] as? String == path)
            #expect(module["target"] as? String == image)
        }
    }

    @Test("explain under KILN_JIT=never fails where only a JIT would serve, and says so")
    func explainStrict() async throws {
        let bundle = try Self.bundle("sm_80")
        let run = try await KilnProcess.run(["explain", bundle, "--device", "H100"], environment: ["KILN_JIT": "never"])
        #expect(run.status == 1)
        #expect(run.stdout.contains("FAILS"))
        #expect(run.stdout.contains("KILN_JIT=never forbids"))
        let allowed = try await KilnProcess.run(["explain", bundle, "--device", "A100", "--jit", "never"])
        #expect(allowed.status == 0)
    }

    @Test("explain names a driver too old for the bundle's PTX")
    func explainOldDriver() async throws {
        let bundle = try Self.bundle("sm_80,no-source")
        let run = try await KilnProcess.run(["explain", bundle, "--device", "H100", "--driver-version", "12.4"])
        #expect(run.status == 1)
        #expect(run.stdout.contains("update the NVIDIA driver"))
    }

    @Test("explain of an unknown or ambiguous device says which names work")
    func explainBadDevice() async throws {
        let bundle = try Self.bundle("pvc")
        let unknown = try await KilnProcess.run(["explain", bundle, "--device", "H10"])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("did you mean 'H100'?"))
        let ambiguous = try await KilnProcess.run(["explain", bundle, "--device", "xe-hpg"])
        #expect(ambiguous.status != 0)
        #expect(ambiguous.stderr.contains("stands for several devices"))
    }
}
