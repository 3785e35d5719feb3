import Foundation
import KilnBundle
import KilnCompiler
import KilnCore
import KilnDrivers
@testable import KilnRuntime
import KilnTestSupport
import Synchronization
import Testing

/// A CUDA module with a C++ kernel (mangled), an `extern "C"` one and a template instantiation.
private let cudaSource = """
    template <int N> __global__ void scale(float* x) { x[threadIdx.x] *= N; }
    // kiln: instantiate scale<4>
    __global__ void saxpy(float* y, const float* x, float a, int n) {
        int i = blockIdx.x * blockDim.x + threadIdx.x;
        if (i < n) y[i] += a * x[i];
    }
    extern "C" __global__ void fill(float* y, float v) { y[threadIdx.x] = v; }
    """

/// A bundle holding only the CUDA source of one module, as `kiln build --devices none,no-ptx` makes it.
private func sourceOnlyBundle() async throws -> BundleReader {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-nvrtc-\(UInt64.random(in: 0...UInt64.max))")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let source = folder.appendingPathComponent("kernels.cu").path
    try cudaSource.write(toFile: source, atomically: true, encoding: .utf8)
    let output = folder.appendingPathComponent("app.kiln").path
    _ = try await Builder(deviceList: try DeviceList.parse("none,no-ptx"), toolchains: [SourceToolchain()],
                    options: .init(jobs: 1, cache: nil)).build(sources: [try SourceModule(path: source)], output: output)
    return try BundleReader(path: output)
}

/// An NVIDIA GPU of compute capability 9.0 — there is none on CI — whose loads take any bytes, and
/// whose source compiles go through the real NVRTC (``CUDASourceCompiler``), as `CUDADevice`'s own (its ``ComputeBackend`` conformance) do.
private final class NVRTCLoader: ImageLoader {
    let identity = DeviceIdentity(name: "GPU 9.0", kind: .nvidia(ComputeCapability(9, 0), driverVersion: 13000))
    let cacheDevice = "sm_90"
    let compiler = "cuda-driver 13000"
    let manifest: Manifest
    let sourceCompiler: CUDASourceCompiler
    let compiles = Mutex(0)

    init(manifest: Manifest, locator: NVRTCLocator? = nil) {
        self.manifest = manifest
        sourceCompiler = CUDASourceCompiler(target: .sm(90), locator: locator)
    }

    func compiler(for target: Target) throws(KilnError) -> String { try sourceCompiler.identity() + ", " + compiler }

    func load(binary: [UInt8], target: Target, module: String) throws(KilnError) -> CUDASourceBuild {
        try CUDASourceBuild(decoding: binary)
    }

    func compile(_ portable: [UInt8], target: Target, module: ModuleRecord) throws(KilnError) -> [UInt8] {
        compiles.withLock { $0 += 1 }
        return try sourceCompiler.compile(portable, module: module).encoded()
    }
}

@Suite("CUDA source through NVRTC at run time")
struct CUDASourceCompilerTests {
    @Test("A bundle with only CUDA source resolves to the source on an NVIDIA GPU, through NVRTC")
    func planChoosesSource() async throws {
        let reader = try await sourceOnlyBundle()
        let manifest = try reader.manifest()
        let record = try #require(manifest.module(named: "kernels"))
        let images = try reader.availableImages(for: record, in: manifest)
        #expect(images.map(\.target) == [.source])
        let plan = try Resolver.resolve(module: "kernels", device: NVRTCLoader(manifest: manifest).identity, images: images, policy: .auto)
        #expect(plan.target == .source)
        #expect(plan.path == .jit)
        #expect(plan.reason == "compile the source with NVRTC")
    }

    @Test("NVRTC compiles the source for sm_90 with the build's options, and finds every kernel's symbol",
          .enabled(if: NVRTC.isInstalled, "NVRTC is not installed here: run scripts/setup.sh"))
    func compilesSource() async throws {
        let reader = try await sourceOnlyBundle()
        let record = try #require(try reader.manifest().module(named: "kernels"))
        let source = try reader.image(try #require(try reader.entry(module: "kernels", target: "source")))
        let build = try CUDASourceCompiler(target: .sm(90)).compile(source, module: record)
        #expect(build.cubin.starts(with: [0x7F, 0x45, 0x4C, 0x46]))  // an ELF file
        #expect(build.cubin.count > 20 && build.cubin[18] == 190)  // e_machine EM_CUDA
        #expect(build.symbols["saxpy"] == "_Z5saxpyPfPKffi")
        #expect(build.symbols["scale<4>"] == "_Z5scaleILi4EEvPf")
        #expect(build.symbols["fill"] == nil)  // extern "C": its symbol is its name
        let held = try #require(try ImageKernels.names(in: build.cubin, format: .cubin))
        #expect(held == ["_Z5saxpyPfPKffi", "_Z5scaleILi4EEvPf", "fill"])
        #expect(try CUDASourceBuild(decoding: build.encoded()) == build)
    }

    @Test("The module table compiles the source once and takes it from the JIT cache after",
          .enabled(if: NVRTC.isInstalled, "NVRTC is not installed here: run scripts/setup.sh"))
    func cachedLikeAnyJIT() async throws {
        let reader = try await sourceOnlyBundle()
        let cache = MemoryCache()
        let first = NVRTCLoader(manifest: try reader.manifest())
        let table = ModuleTable(reader: reader, manifest: try reader.manifest(), loader: first, policy: .auto, cache: cache)
        let build = try table.module(named: "kernels")
        #expect(table.resolutions.map(\.path) == [.jit])
        #expect(build.symbols["saxpy"] == "_Z5saxpyPfPKffi")
        let key = try #require(cache.entries.withLock { Array($0.keys) }.first)
        #expect(key.compiler.hasPrefix("nvrtc 13.0 -arch=sm_90"))
        #expect(key.compiler.hasSuffix(", cuda-driver 13000"))

        let second = NVRTCLoader(manifest: try reader.manifest())
        let again = ModuleTable(reader: reader, manifest: try reader.manifest(), loader: second, policy: .auto, cache: cache)
        #expect(try again.module(named: "kernels") == build)
        #expect(again.resolutions.map(\.path) == [.jitCached])
        #expect(second.compiles.withLock { $0 } == 0)
    }

    @Test("Without NVRTC, the error names the library and the fix, and why nothing else serves")
    func missingNVRTC() async throws {
        let reader = try await sourceOnlyBundle()
        let locator = NVRTCLocator(environment: ["KILN_NVRTC": "/nonexistent/libnvrtc.so.13"], toolchainRoots: [])
        let table = ModuleTable(reader: reader, manifest: try reader.manifest(), loader: NVRTCLoader(manifest: try reader.manifest(), locator: locator),
                                policy: .auto, cache: MemoryCache())
        let error = try #require(throws: KilnError.self) { try table.module(named: "kernels") }
        #expect(error.code == .toolchainUnavailable)
        #expect(error.message.contains("KILN_NVRTC=/nonexistent/libnvrtc.so.13 does not exist"))
        #expect(error.message.contains("pip install --target .toolchains/nvrtc nvidia-cuda-nvrtc==13.0.88"))
        #expect(error.message.contains("Without the source: module 'kernels' on GPU 9.0"))
        #expect(error.message.contains("add 'sm_90' to the device list"))
    }

    @Test("A damaged cached NVRTC build is refused, so the JIT compiles again", arguments: [
        Array("cubin".utf8), CUDASourceBuild.magic + Array("saxpy\n".utf8), CUDASourceBuild.magic + Array("saxpy\t_Z5saxpy".utf8),
    ])
    func damagedBuild(bytes: [UInt8]) {
        #expect(throws: KilnError.self) { try CUDASourceBuild(decoding: bytes) }
    }
}
