import KilnBundle
import KilnCore
@testable import KilnRuntime
import KilnTestSupport
import Synchronization
import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// A device that loads any bytes and "compiles" PTX by prefixing it, counting what it does;
/// like the CUDA loader where NVRTC is missing, it cannot compile source.
final class FakeLoader: ImageLoader {
    struct Module: Sendable, Equatable {
        var bytes: [UInt8]
        var target: String
    }

    let identity: DeviceIdentity
    let cacheDevice: String
    let compiler = "fake-driver 1"
    /// A target whose images the device refuses, as a driver refuses a damaged cubin.
    let refusing: String?
    let loads = Mutex<[String]>([])
    let compiles = Mutex<[String]>([])

    init(_ major: Int, _ minor: Int, driver: Int = 13000, refusing: String? = nil) {
        identity = DeviceIdentity(name: "Fake GPU \(major).\(minor)",
                                  kind: .nvidia(ComputeCapability(major, minor), driverVersion: driver))
        cacheDevice = "sm_\(major)\(minor)"
        self.refusing = refusing
    }

    func load(binary: [UInt8], target: Target, module: String) throws -> Module {
        loads.withLock { $0.append("\(module)/\(target.name)") }
        if target.name == refusing {
            throw KilnError(.driverError, "loading module '\(module)': CUDA_ERROR_NO_BINARY_FOR_GPU (209)", cause: CUDAResult.noBinaryForGPU)
        }
        return Module(bytes: binary, target: target.name)
    }

    func compile(_ portable: [UInt8], target: Target, module record: ModuleRecord) throws -> [UInt8] {
        let module = record.name
        compiles.withLock { $0.append("\(module)/\(target.name)") }
        guard case .ptx = target.kind else {
            throw KilnError(.toolchainUnavailable, "module '\(module)': NVRTC (libnvrtc.so.13) was not found — install it")
        }
        return Array("compiled:".utf8) + portable
    }
}

/// A JIT cache in memory.
final class MemoryCache: JITCache {
    let entries = Mutex<[JITCacheKey: [UInt8]]>([:])

    func lookup(key: JITCacheKey) -> [UInt8]? { entries.withLock { $0[key] } }

    func store(key: JITCacheKey, bytes: [UInt8]) { entries.withLock { $0[key] = bytes } }
}

private func table(_ deviceList: String, modules: [String] = ["vector", "reduce"], language: SourceLanguage = .openCLC,
                   loader: FakeLoader, policy: JITPolicy = .auto, cache: any JITCache = NoJITCache()) throws -> ModuleTable<FakeLoader> {
    let path = try SyntheticBundle.temporaryFile(try SyntheticBundle.bytes(modules: modules, deviceList: deviceList, language: language))
    let reader = try BundleReader(path: path)
    return ModuleTable(reader: reader, manifest: try reader.manifest(), loader: loader, policy: policy, cache: cache)
}

@Suite("Resolving and loading modules lazily")
struct ModuleTableTests {
    @Test("An exact cubin loads as aot, lazily, once, and is recorded with its checksum")
    func aot() throws {
        let loader = FakeLoader(8, 0)
        let modules = try table("sm_80", loader: loader)
        #expect(modules.resolutions.isEmpty)
        #expect(loader.loads.withLock { $0 }.isEmpty)

        let vector = try modules.module(named: "vector")
        _ = try modules.module(named: "vector")
        #expect(vector.target == "sm_80")
        #expect(vector.bytes == SyntheticBundle.image(module: "vector", target: "sm_80", size: 4096))
        #expect(loader.loads.withLock { $0 } == ["vector/sm_80"])

        let record = try #require(modules.resolutions.first)
        #expect(modules.resolutions.count == 1)
        #expect(record.module == "vector")
        #expect(record.device == "Fake GPU 8.0")
        #expect(record.path == .aot)
        #expect(record.target == "sm_80")
        #expect(record.imageSHA256 == SHA256Digest.hex(of: vector.bytes))
        #expect(record.seconds >= 0 && record.seconds < 60)
    }

    @Test("A cubin of a lower minor serves as aot-compatible")
    func aotCompatible() throws {
        let modules = try table("sm_80", loader: FakeLoader(8, 6))
        _ = try modules.module(named: "reduce")
        #expect(modules.resolutions.map(\.path) == [.aotCompatible])
    }

    @Test("PTX is compiled once, stored in the cache, and a second device table takes it from the cache")
    func jitThenCached() throws {
        let cache = MemoryCache()
        let first = FakeLoader(9, 0)
        let modules = try table("sm_80", loader: first, cache: cache)
        let compiled = try modules.module(named: "vector")
        #expect(first.compiles.withLock { $0 } == ["vector/compute_80"])
        #expect(compiled.bytes.starts(with: Array("compiled:".utf8)))
        let record = try #require(modules.resolutions.first)
        #expect(record.path == .jit)
        #expect(record.target == "compute_80")
        let ptx = SyntheticBundle.image(module: "vector", target: "compute_80", size: 4096)
        #expect(record.imageSHA256 == SHA256Digest.hex(of: ptx))

        let key = try #require(cache.entries.withLock { $0.keys.first })
        #expect(key.portableSHA256 == record.imageSHA256)
        #expect(key.target == "compute_80")
        #expect(key.device == "sm_90")
        #expect(key.compiler == "fake-driver 1")

        let second = FakeLoader(9, 0)
        let again = try table("sm_80", loader: second, cache: cache)
        #expect(try again.module(named: "vector") == compiled)
        #expect(second.compiles.withLock { $0 }.isEmpty)
        #expect(again.resolutions.map(\.path) == [.jitCached])
    }

    @Test("KILN_JIT=always compiles the PTX even where a cubin serves")
    func always() throws {
        let loader = FakeLoader(8, 0)
        let modules = try table("sm_80", loader: loader, policy: .always)
        _ = try modules.module(named: "vector")
        #expect(modules.resolutions.map(\.path) == [.jit])
        #expect(loader.compiles.withLock { $0 } == ["vector/compute_80"])
    }

    @Test("KILN_JIT=never refuses to compile, naming the fix, and loads nothing")
    func never() throws {
        let loader = FakeLoader(9, 0)
        let modules = try table("sm_80", loader: loader, policy: .never)
        let error = try #require(throws: KilnError.self) { try modules.module(named: "vector") }
        #expect(error.code == .jitForbidden)
        #expect(error.message.contains("sm_90"))
        #expect(loader.loads.withLock { $0 }.isEmpty)
        #expect(modules.resolutions.isEmpty)
    }

    @Test("PTX too new for the driver is an error listing the bundle's targets and the fix")
    func ptxTooNew() throws {
        let modules = try table("sm_80,no-source", loader: FakeLoader(9, 0, driver: 12040))
        let error = try #require(throws: KilnError.self) { try modules.module(named: "vector") }
        #expect(error.code == .noCompatibleImage)
        #expect(error.message.contains("sm_80, compute_80"))
        #expect(error.message.contains("update the NVIDIA driver"))
        #expect(error.message.contains("'sm_90'"))
    }

    @Test("Where only source serves, the loader's refusal comes through with why nothing else serves")
    func sourceOnly() throws {
        let modules = try table("sm_90,no-ptx", language: .cuda, loader: FakeLoader(8, 0))
        let error = try #require(throws: KilnError.self) { try modules.module(named: "vector") }
        #expect(error.code == .toolchainUnavailable)
        #expect(error.message.contains("NVRTC"))
        #expect(error.message.contains("Without the source:"))
        #expect(error.message.contains("cubin sm_90 cannot run on 8.0"))
        #expect(error.message.contains("add 'sm_80' to the device list"))
    }

    @Test("A driver's refusal names the module, the device, the bundle's targets and the device's target")
    func driverRefusal() throws {
        let modules = try table("sm_80", loader: FakeLoader(8, 0, refusing: "sm_80"))
        let error = try #require(throws: KilnError.self) { try modules.module(named: "vector") }
        #expect(error.code == .driverError)
        #expect(error.cause as? CUDAResult == .noBinaryForGPU)
        #expect(error.message.contains("module 'vector' on Fake GPU 8.0"))
        #expect(error.message.contains("bundle holds sm_80, compute_80, source"))
        #expect(error.message.contains("the device is sm_80"))
        #expect(!error.message.contains("avoids the JIT"))
        #expect(modules.resolutions.isEmpty)
    }

    @Test("A module the bundle lacks is an error that lists the bundle's modules")
    func missingModule() throws {
        let modules = try table("sm_80", loader: FakeLoader(8, 0))
        let error = try #require(throws: KilnError.self) { try modules.module(named: "gemm") }
        #expect(error.code == .imageNotFound)
        #expect(error.message.contains("reduce, vector"))
    }

    @Test("Modules are resolved independently, in the order they are first used")
    func independent() throws {
        let modules = try table("sm_80", loader: FakeLoader(9, 0))
        _ = try modules.module(named: "reduce")
        _ = try modules.module(named: "vector")
        #expect(modules.resolutions.map(\.module) == ["reduce", "vector"])
    }
}

@Suite("JIT cache keys")
struct JITCacheKeyTests {
    @Test("Every field changes the digest; equal keys give equal digests")
    func digest() {
        let key = JITCacheKey(portableSHA256: "ab", target: "compute_80", device: "sm_90", compiler: "cuda-driver 13000")
        #expect(key.digest == JITCacheKey(portableSHA256: "ab", target: "compute_80", device: "sm_90", compiler: "cuda-driver 13000").digest)
        #expect(key.digest.count == 64)
        var variants: [JITCacheKey] = []
        var changed = key; changed.portableSHA256 = "ac"; variants.append(changed)
        changed = key; changed.target = "compute_90"; variants.append(changed)
        changed = key; changed.device = "sm_89"; variants.append(changed)
        changed = key; changed.compiler = "cuda-driver 12080"; variants.append(changed)
        changed = key; changed.options = ["-O3"]; variants.append(changed)
        for variant in variants {
            #expect(variant.digest != key.digest, "\(variant)")
        }
    }
}

/// A device whose compile of one module waits for another module's compile to start, so a test
/// can tell whether two modules are compiled at the same time.
final class OverlapLoader: ImageLoader {
    let inner = FakeLoader(9, 0)
    var identity: DeviceIdentity { inner.identity }
    var cacheDevice: String { inner.cacheDevice }
    var compiler: String { inner.compiler }
    /// Signalled when `reduce` starts compiling; `vector` waits on it.
    let reduceStarted = DispatchSemaphore(value: 0)
    let overlapped = Mutex(false)

    func load(binary: [UInt8], target: Target, module: String) throws -> FakeLoader.Module {
        try inner.load(binary: binary, target: target, module: module)
    }

    func compile(_ portable: [UInt8], target: Target, module: ModuleRecord) throws -> [UInt8] {
        switch module.name {
        case "vector":
            let met = reduceStarted.wait(timeout: .now() + 10) == .success
            overlapped.withLock { $0 = met }
        default:
            reduceStarted.signal()
            usleep(20_000)  // stays in flight a little, so vector's and reduce's compiles overlap
        }
        return try inner.compile(portable, target: target, module: module)
    }
}

@Suite("Loading modules from several threads")
struct ModuleTableConcurrencyTests {
    @Test("two modules compile at the same time: one module's JIT does not hold up another's")
    func modulesInParallel() throws {
        let loader = OverlapLoader()
        let path = try SyntheticBundle.temporaryFile(try SyntheticBundle.bytes(modules: ["vector", "reduce"], deviceList: "compute_80"))
        let reader = try BundleReader(path: path)
        let modules = ModuleTable(reader: reader, manifest: try reader.manifest(), loader: loader, policy: .auto, cache: NoJITCache())
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            do { _ = try modules.module(named: index == 0 ? "vector" : "reduce") } catch { failures.withLock { $0.append("\(error)") } }
        }
        #expect(failures.withLock { $0 }.isEmpty)
        #expect(loader.overlapped.withLock { $0 }, "vector's compile waited 10 s and reduce's never started: the loads were serialized")
        #expect(Set(modules.resolutions.map(\.module)) == ["vector", "reduce"])
    }

    @Test("one module asked for by 8 threads at once is compiled and loaded once; all get it")
    func oneModuleOnce() throws {
        let loader = FakeLoader(9, 0)
        let path = try SyntheticBundle.temporaryFile(try SyntheticBundle.bytes(modules: ["vector", "reduce"], deviceList: "compute_80"))
        let reader = try BundleReader(path: path)
        let modules = ModuleTable(reader: reader, manifest: try reader.manifest(), loader: loader, policy: .auto, cache: NoJITCache())
        let got = Mutex<[FakeLoader.Module]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            if let module = try? modules.module(named: "vector") { got.withLock { $0.append(module) } }
        }
        #expect(got.withLock { $0.count } == 8)
        #expect(Set(got.withLock { $0 }.map(\.bytes)).count == 1)
        #expect(loader.compiles.withLock { $0 } == ["vector/compute_80"])
        #expect(loader.loads.withLock { $0 } == ["vector/compute_80"])
        #expect(modules.resolutions.count == 1)
    }

    @Test("threads waiting on a load that fails get its error; the next call tries again")
    func sharedFailure() throws {
        let loader = FakeLoader(9, 0, refusing: "compute_80")
        let path = try SyntheticBundle.temporaryFile(try SyntheticBundle.bytes(modules: ["vector"], deviceList: "compute_80"))
        let reader = try BundleReader(path: path)
        let modules = ModuleTable(reader: reader, manifest: try reader.manifest(), loader: loader, policy: .auto, cache: NoJITCache())
        let errors = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            do { _ = try modules.module(named: "vector") } catch { errors.withLock { $0 += 1 } }
        }
        #expect(errors.withLock { $0 } == 4)
        let before = loader.loads.withLock { $0.count }
        #expect(throws: KilnError.self) { try modules.module(named: "vector") }
        #expect(loader.loads.withLock { $0.count } == before + 1, "a failed load was remembered instead of tried again")
        #expect(modules.resolutions.isEmpty)
    }
}
