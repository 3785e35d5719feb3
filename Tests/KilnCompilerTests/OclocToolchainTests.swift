import Foundation
import KilnBundle
@testable import KilnCompiler
import KilnCore
import KilnRuntime
import Testing

/// ocloc, where intel-opencl-icd is installed.
let oclocToolchain = Task { try? await OclocToolchain() }
/// PoCL, where pocl-opencl-icd is installed.
let poclToolchain = try? PoCLToolchain()

@Suite("ocloc toolchain", .enabled("ocloc (intel-opencl-icd) is not installed") { await oclocToolchain.value != nil })
struct OclocToolchainTests {
    let ocloc: OclocToolchain

    init() async throws { ocloc = try #require(await oclocToolchain.value) }

    @Test("A bundle for ats-m150,pvc,cpu holds three device binaries per module, the SPIR-V and the source",
          .enabled(if: poclToolchain != nil, "PoCL (pocl-opencl-icd) is not installed"))
    func threeDeviceBinaries() async throws {
        let names = ["saxpy", "transpose", "reduce_sum", "histogram"]
        var sources: [SourceModule] = []
        for name in names { sources.append(try await Fixtures.module("Kernels/\(name).cl")) }
        let list = try DeviceList.parse("ats-m150,pvc,cpu")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-ocloc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("intel.kiln").path
        _ = try await Builder(deviceList: list, toolchains: [SourceToolchain(), ocloc, poclToolchain!], options: .init(jobs: 2, cache: nil))
            .build(sources: sources, output: path)
        let reader = try BundleReader(path: path)
        let manifest = try reader.manifest()
        #expect(manifest.targets.map(\.name) == ["acm-g10", "pvc", "cpu", "spirv", "source"])
        #expect(manifest.target(named: "acm-g10")?.ipVersion == "12.55.8")
        #expect(manifest.target(named: "pvc")?.ipVersion == "12.60.7")
        #expect(manifest.target(named: "cpu")?.hostString == poclToolchain!.hostString)
        #expect(manifest.target(named: "cpu")?.toolchain.hasPrefix("pocl ") == true)
        for name in names {
            for target in ["acm-g10", "pvc", "cpu", "spirv", "source"] {
                let bytes = try reader.image(module: name, target: target)
                #expect(!bytes.isEmpty, "\(name) × \(target) is empty")
            }
            // SPIR-V's magic number, little-endian.
            #expect(try reader.image(module: name, target: "spirv").prefix(4) == [0x03, 0x02, 0x23, 0x07])
            for target in ["acm-g10", "pvc"] {
                let zebin = try reader.image(module: name, target: target)
                #expect(zebin.prefix(4) == [0x7F, 0x45, 0x4C, 0x46], "\(name) × \(target) is not an ELF zebin")
                let file = folder.appendingPathComponent("\(name)-\(target).bin").path
                try Data(zebin).write(to: URL(fileURLWithPath: file))
                let validated = try await ChildProcess(executable: ocloc.executable, arguments: ["validate", "-file", file]).run()
                #expect(validated.status == 0, "ocloc validate \(name) × \(target): \(validated.text)")
                #expect(validated.text.contains("Binary is VALID"))
                #expect(validated.text.contains("Kernel #0 named \(name)"))
            }
        }
    }

    @Test("ocloc ids confirms the registry's IP version of every device a build names",
          arguments: ["acm-g10", "ats-m150", "dg2-g10", "pvc", "acm-g11", "tgllp"])
    func idsMatchRegistry(_ name: String) async throws {
        let target = try #require(try DeviceList.parse(name).deviceTargets.first)
        guard case .intelDevice(let ip) = target.kind else { Issue.record("\(name) is not an Intel device"); return }
        let output = try await ChildProcess(executable: ocloc.executable, arguments: ["ids", name]).run()
        #expect(output.text.contains(ip.description))
        _ = try await ocloc.compile(try Fixtures.module("Kernels/saxpy.cl"), for: target)
    }

    @Test("A kernel ocloc rejects is a compilation error with its log, the module's path and the fix")
    func rejectedKernel() async throws {
        let module = try SourceModule(name: "broken", path: "Kernels/broken.cl", language: .openCLC,
                                      text: "__kernel void k(__global float* x) { x[0] = y; }\n")
        let error = try await #require(throws: KilnError.self) { try await ocloc.compile(module, for: TargetRegistry.standard.target(named: "pvc")!) }
        #expect(error.code == .compilationFailed)
        #expect(error.message.contains("undeclared identifier 'y'"))
        #expect(error.message.contains("Kernels/broken.cl for pvc"))
        #expect(error.message.contains("fix the kernel"))
    }

    @Test("A device ocloc does not know is a toolchain error naming it and the fix")
    func unknownDevice() async throws {
        let module = try await Fixtures.module("Kernels/saxpy.cl")
        let target = Target(kind: .intelDevice(IntelIPVersion(20, 1, 0)), name: "xe3-imaginary")
        let error = try await #require(throws: KilnError.self) { try await ocloc.compile(module, for: target) }
        #expect(error.code == .toolchainUnavailable)
        #expect(error.message.contains("does not know device 'xe3-imaginary'"))
        #expect(error.message.contains("intel-opencl-icd"))
    }

    @Test("The identity carries ocloc's driver version, and --verbose shows the command line")
    func identity() async throws {
        #expect(ocloc.identity.range(of: #"^ocloc \d+\.\d+\.\d+$"#, options: .regularExpression) != nil)
        let line = ocloc.invocation(for: try await Fixtures.module("Kernels/saxpy.cl"), target: TargetRegistry.standard.target(named: "pvc")!)
        #expect(line.hasSuffix("compile -file Kernels/saxpy.cl -output saxpy -out_dir TMP -device pvc --format zebin") || line.contains("-device pvc --format zebin"))
    }
}

@Suite("Finding ocloc")
struct OclocDiscoveryTests {
    @Test("Without ocloc on PATH the error says how to install it")
    func missing() async throws {
        let error = try await #require(throws: KilnError.self) { try await OclocToolchain(environment: ["PATH": "/nonexistent"]) }
        #expect(error.code == .toolchainUnavailable)
        #expect(error.message.contains("apt-get install intel-opencl-icd"))
    }

    @Test("A KILN_OCLOC that is not a program is named in the error")
    func badOverride() async throws {
        let error = try await #require(throws: KilnError.self) { try await OclocToolchain(environment: ["KILN_OCLOC": "/nonexistent/ocloc"]) }
        #expect(error.message.contains("KILN_OCLOC='/nonexistent/ocloc'"))
    }
}
