import Foundation
import KilnBundle
import KilnCore
@testable import KilnRuntime
import Testing

@Suite("OpenCL backend on PoCL", .enabled(if: OpenCLFixtures.pocl != nil, "PoCL (pocl-opencl-icd) is not installed"))
struct OpenCLBackendTests {
    let device = OpenCLFixtures.pocl!

    @Test("With cpu in the list, every module loads its AOT PoCL binary and matches a float64 reference")
    func aotOnPoCL() async throws {
        let backend = try BundleSession(reader: try await OpenCLFixtures.bundle("cpu"), device: .openCL(device))
        let results = try OpenCLFixtures.run(backend)
        for (kernel, error) in results.errors { #expect(error < 1e-6, "\(kernel): relative error \(error)") }
        for record in backend.resolutions {
            #expect(record.path == .aot, "\(record.module) took \(record.path.rawValue)")
            #expect(record.target == "cpu")
        }
        #expect(Set(backend.resolutions.map(\.module)) == Set(OpenCLFixtures.modules))
    }

    @Test("With cpu left out, the same kernels run through JIT from source and give the same results",
          .enabled("ocloc (intel-opencl-icd) is not installed") { await OpenCLFixtures.ocloc != nil })
    func jitOnPoCL() async throws {
        let aot = try OpenCLFixtures.run(try BundleSession(reader: try await OpenCLFixtures.bundle("cpu"), device: .openCL(device), cache: NoJITCache()))
        let backend = try BundleSession(reader: try await OpenCLFixtures.bundle("ats-m150,pvc"), device: .openCL(device), cache: NoJITCache())
        let jit = try OpenCLFixtures.run(backend)
        for (kernel, error) in jit.errors { #expect(error < 1e-6, "\(kernel): relative error \(error)") }
        for record in backend.resolutions {
            #expect(record.path == .jit, "\(record.module) took \(record.path.rawValue)")
            // PoCL 3.1 here takes no IL (CL_DEVICE_IL_VERSION is empty), so the source serves, not SPIR-V.
            #expect(record.target == (device.takesSPIRV ? "spirv" : "source"))
        }
        #expect(jit.saxpy == aot.saxpy)
        #expect(jit.transpose == aot.transpose)
        #expect(jit.histogram == aot.histogram)
        #expect(jit.partialSums == aot.partialSums)
    }

    @Test("KILN_JIT=never on a bundle without cpu fails clearly, naming the device and the fix",
          .enabled("ocloc (intel-opencl-icd) is not installed") { await OpenCLFixtures.ocloc != nil })
    func strictMode() async throws {
        let backend = try BundleSession(reader: try await OpenCLFixtures.bundle("ats-m150,pvc"), device: .openCL(device), policy: .never)
        let error = try #require(throws: KilnError.self) { try backend.kernel("saxpy", in: "saxpy") }
        #expect(error.code == .jitForbidden)
        #expect(error.message.contains("KILN_JIT=never"))
        #expect(error.message.contains(device.hostString!))
        #expect(error.message.contains("'cpu'"))
        #expect(backend.resolutions.isEmpty)
    }

    @Test("KILN_JIT=always ignores the cpu binary and compiles the source")
    func alwaysJIT() async throws {
        let backend = try BundleSession(reader: try await OpenCLFixtures.bundle("cpu"), device: .openCL(device), policy: .always, cache: NoJITCache())
        let results = try OpenCLFixtures.run(backend)
        #expect(results.errors.values.allSatisfy { $0 < 1e-6 })
        #expect(backend.resolutions.allSatisfy { $0.path == .jit && $0.target == "source" })
    }

    @Test("A PoCL binary for another host string is not used: the source serves instead")
    func otherHost() async throws {
        let reader = try await OpenCLFixtures.bundle("cpu")
        var manifest = try reader.manifest()
        let index = try #require(manifest.targets.firstIndex { $0.name == "cpu" })
        manifest.targets[index].hostString = "pthread-aarch64-unknown-linux-gnu-neoverse-v2"
        let images = try reader.availableImages(for: manifest.modules[0], in: manifest)
        let plan = try Resolver.resolve(module: manifest.modules[0].name, device: device.identity, images: images, policy: .auto)
        #expect(plan.target == .source)
        #expect(plan.path == .jit)
        let strict = try #require(throws: KilnError.self) {
            try Resolver.resolve(module: "m", device: device.identity, images: images, policy: .never)
        }
        #expect(strict.code == .jitForbidden)
    }

    @Test("Launches are checked with the shared checker before the driver sees them")
    func checkedLaunches() async throws {
        let backend = try BundleSession(reader: try await OpenCLFixtures.bundle("cpu"), device: .openCL(device))
        let saxpy = try backend.kernel("saxpy", in: "saxpy")
        let x = try device.makeBuffer([Float](repeating: 1, count: 16))
        let ints = try device.makeBuffer([Int32](repeating: 1, count: 16))
        let count = try #require(throws: KilnError.self) { try saxpy.launch(grid: 1, block: 16, arguments: [.float32(2), .buffer(x)]) }
        #expect(count.code == .invalidLaunch)
        #expect(count.message.contains("takes 4 arguments"))
        let type = try #require(throws: KilnError.self) {
            try saxpy.launch(grid: 1, block: 16, arguments: [.float32(2), .buffer(ints), .buffer(x), .int32(16)])
        }
        #expect(type.message.contains("a buffer of float32"))
        let block = try #require(throws: KilnError.self) {
            try saxpy.launch(grid: 1, block: Dim3(device.launchLimits.maxThreadsPerBlock + 1),
                             arguments: [.float32(2), .buffer(x), .buffer(x), .int32(16)])
        }
        #expect(block.code == .invalidLaunch)
    }

    @Test("A kernel the source rejects is a compilation error carrying PoCL's log")
    func buildLog() throws {
        let error = try #require(throws: KilnError.self) {
            try OpenCLProgram(source: Array("__kernel void k(__global float* x) { x[0] = y; }".utf8), name: "broken", device: device)
        }
        #expect(error.code == .compilationFailed)
        #expect(error.message.contains("undeclared identifier 'y'"))
        #expect(error.message.contains("module 'broken'"))
    }

    @Test("A binary for another device is refused with the driver's status and the fix")
    func refusedBinary() async throws {
        let reader = try await OpenCLFixtures.bundle("cpu")
        var bytes = try reader.image(module: "saxpy", target: "cpu")
        bytes[12] ^= 0xFF  // inside the header's device id
        let error = try #require(throws: KilnError.self) { try OpenCLProgram(binary: bytes, name: "saxpy", device: device) }
        #expect(error.code == .driverError)
        #expect(error.message.contains("'cpu'"))
    }
}
