#if canImport(Glibc)
import Glibc
#endif
import Foundation
import KilnBundle
import KilnCore
@testable import KilnRuntime
import KilnTestSupport
import Testing

/// Whether this machine has the NVIDIA driver library at all.
let driverLibraryPresent: Bool = {
    guard let handle = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL) else { return false }
    dlclose(handle)
    return true
}()

/// The driver, where this machine has a usable NVIDIA GPU.
let gpuDriver: CUDADriver? = try? CUDADriver.load()

@Suite("Loading the CUDA driver")
struct CUDADriverLoadTests {
    @Test("Without libcuda, load() throws a clear error instead of crashing, every time",
          .enabled(if: !driverLibraryPresent, "this machine has libcuda.so.1; the missing-driver path is tested where it is absent"))
    func missingDriver() throws {
        for _ in 0..<2 {
            let error = try #require(throws: KilnError.self) { try CUDADriver.load() }
            #expect(error.code == .driverUnavailable)
            #expect(error.message.contains("the NVIDIA driver (libcuda.so.1) was not found"))
            if CUDASymbols.nvidiaPCIDeviceCount() == 0 {
                #expect(error.message.contains("this machine has no NVIDIA GPU"), "\(error.message)")
            } else {
                #expect(error.message.contains("install the NVIDIA driver"), "\(error.message)")
            }
        }
    }

    @Test("The hint to install the driver is given only where an NVIDIA GPU is, or may be, on the PCI bus",
          arguments: [(Int?.some(0), false), (1, true), (nil, true)])
    func installHint(_ devices: Int?, _ hinted: Bool) {
        let error = CUDASymbols.missingDriverError(library: "libcuda.so.1", reason: "not found", nvidiaPCIDevices: devices)
        #expect(error.code == .driverUnavailable)
        #expect(error.message.contains("install the NVIDIA driver") == hinted, "\(error.message)")
        #expect(error.message.contains("no NVIDIA GPU") == !hinted, "\(error.message)")
    }

    @Test("NVIDIA devices are counted from the PCI bus's vendor files")
    func pciCount() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-pci-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for (slot, vendor) in [("0000:00:01.0", "0x8086"), ("0000:17:00.0", "0x10de"), ("0000:65:00.0", "0x10de")] {
            try FileManager.default.createDirectory(atPath: folder + "/" + slot, withIntermediateDirectories: true)
            try (vendor + "\n").write(toFile: folder + "/" + slot + "/vendor", atomically: false, encoding: .utf8)
        }
        #expect(CUDASymbols.nvidiaPCIDeviceCount(root: folder) == 2)
        #expect(CUDASymbols.nvidiaPCIDeviceCount(root: folder + "/none") == nil)
    }

    @Test("A missing library named explicitly gives the same error, naming it")
    func missingLibrary() throws {
        let error = try #require(throws: KilnError.self) { try CUDADriver(library: "libkiln-no-such-driver.so.1") }
        #expect(error.code == .driverUnavailable)
        #expect(error.message.contains("the NVIDIA driver (libkiln-no-such-driver.so.1) was not found"))
    }

    @Test("A library that is not the NVIDIA driver is refused by name")
    func notTheDriver() throws {
        let error = try #require(throws: KilnError.self) { try CUDADriver(library: "libm.so.6") }
        #expect(error.code == .driverUnavailable)
        #expect(error.message.contains("cuGetProcAddress_v2"))
        #expect(error.message.contains("525"))
    }
}

@Suite("CUDA status codes")
struct CUDAResultTests {
    @Test("Codes carry their C names and numbers",
          arguments: [(CUDAResult.noBinaryForGPU, 209, "CUDA_ERROR_NO_BINARY_FOR_GPU"),
                      (.invalidPTX, 218, "CUDA_ERROR_INVALID_PTX"),
                      (.unsupportedPTXVersion, 222, "CUDA_ERROR_UNSUPPORTED_PTX_VERSION"),
                      (.noDevice, 100, "CUDA_ERROR_NO_DEVICE"),
                      (.insufficientDriver, 35, "CUDA_ERROR_INSUFFICIENT_DRIVER"),
                      (.invalidImage, 200, "CUDA_ERROR_INVALID_IMAGE"),
                      (.notFound, 500, "CUDA_ERROR_NOT_FOUND"),
                      (.launchOutOfResources, 701, "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES"),
                      (.illegalAddress, 700, "CUDA_ERROR_ILLEGAL_ADDRESS")])
    func names(_ result: CUDAResult, _ number: Int32, _ name: String) {
        #expect(result.rawValue == number)
        #expect(result.constantName == name)
        #expect(result.description == "\(name) (\(number))")
        #expect(CUDAResult(rawValue: number) == result)
    }

    @Test("An unknown code keeps its number")
    func unknown() {
        #expect(CUDAResult(rawValue: 12345).constantName == nil)
        #expect(CUDAResult(rawValue: 12345).description == "CUDA driver status 12345")
        #expect(CUDAResult(rawValue: 12345).meaning == nil)
    }
}

// MARK: On a GPU

/// A hand-written PTX kernel, `scale(float* data, float factor, int n)`: data[i] *= factor.
let scalePTX = """
    .version 7.0
    .target sm_50
    .address_size 64

    .visible .entry scale(
        .param .u64 scale_param_0,
        .param .f32 scale_param_1,
        .param .u32 scale_param_2
    )
    {
        .reg .pred %p<2>;
        .reg .f32 %f<3>;
        .reg .b32 %r<6>;
        .reg .b64 %rd<5>;

        ld.param.u64 %rd1, [scale_param_0];
        ld.param.f32 %f1, [scale_param_1];
        ld.param.u32 %r2, [scale_param_2];
        mov.u32 %r3, %ctaid.x;
        mov.u32 %r4, %ntid.x;
        mov.u32 %r5, %tid.x;
        mad.lo.s32 %r1, %r3, %r4, %r5;
        setp.ge.s32 %p1, %r1, %r2;
        @%p1 bra $L_done;
        cvta.to.global.u64 %rd2, %rd1;
        mul.wide.s32 %rd3, %r1, 4;
        add.s64 %rd4, %rd2, %rd3;
        ld.global.f32 %f2, [%rd4];
        mul.f32 %f2, %f2, %f1;
        st.global.f32 [%rd4], %f2;
    $L_done:
        ret;
    }

    """

let scaleRecord = KernelRecord(name: "scale", parameters: [
    ParameterRecord(name: "data", type: "float*"), ParameterRecord(name: "factor", type: "float"),
    ParameterRecord(name: "n", type: "int"),
])

@Suite("The CUDA runtime on a GPU",
       .enabled(if: gpuDriver != nil, "needs an NVIDIA GPU and driver (libcuda.so.1 that finds a device)"))
struct CUDAGPUTests {
    var driver: CUDADriver { gpuDriver! }

    @Test("Devices report name, compute capability, SMs, memory, PCI bus id and driver version")
    func devices() throws {
        #expect(driver.version >= 12000)
        for device in driver.devices {
            #expect(!device.name.isEmpty)
            #expect(device.computeCapability >= ComputeCapability(5, 0))
            #expect(device.multiprocessorCount > 0)
            #expect(device.totalMemory > 1 << 30)
            #expect(device.pciBusID.split(separator: ":").count == 3)
            #expect(device.driverVersion == driver.version)
            #expect(device.identity.kind == .nvidia(device.computeCapability, driverVersion: driver.version))
            #expect(device.launchLimits.maxThreadsPerBlock == 1024)
        }
        #expect(throws: KilnError.self) { try driver.device(driver.devices.count) }
    }

    @Test("Buffers round-trip values, fill, and refuse a mismatched type or size")
    func buffers() throws {
        let device = try driver.device(0)
        let values = (0..<1000).map { Float($0) * 0.5 }
        let buffer = try device.makeBuffer(values)
        #expect(try buffer.download(as: Float.self) == values)
        try buffer.fill(byte: 0)
        #expect(try buffer.download(as: Float.self) == Array(repeating: 0, count: 1000))
        #expect(throws: KilnError.self) { try buffer.upload([Int32(1)]) }
        #expect(throws: KilnError.self) { try buffer.upload(Array(repeating: Float(1), count: 1001)) }
        let empty = try device.makeBuffer(of: Float.self, count: 0)
        #expect(try empty.download(as: Float.self).isEmpty)
    }

    @Test("PTX is linked by the driver into a cubin that loads and runs; bad arguments never reach the driver")
    func jitAndLaunch() throws {
        let device = try driver.device(0)
        let linked = try CUDAModule.link(ptx: Array(scalePTX.utf8), name: "scale", device: device)
        #expect(linked.cubin.starts(with: [0x7F, 0x45, 0x4C, 0x46]))  // ELF
        let module = try CUDAModule(cubin: linked.cubin, name: "scale", device: device)
        let kernel = try module.kernel(scaleRecord)
        let n = 10_000
        let data = try device.makeBuffer((0..<n).map(Float.init))
        let stream = try device.makeStream()
        try kernel.launch(grid: Dim3((n + 255) / 256), block: 256, stream: stream,
                          arguments: [.buffer(data), .float32(3), .int32(Int32(n))])
        try stream.synchronize()
        #expect(try data.download(as: Float.self) == (0..<n).map { Float($0) * 3 })

        let wrong = try #require(throws: KilnError.self) {
            try kernel.launch(grid: 1, block: 1, arguments: [.buffer(data), .float64(3), .int32(1)])
        }
        #expect(wrong.code == .invalidLaunch)
        #expect(wrong.message.contains("parameter 'factor' (index 1, float)"))
        let ints = try device.makeBuffer([Int32(1)])
        #expect(throws: KilnError.self) { try kernel.launch(grid: 1, block: 1, arguments: [.buffer(ints), .float32(3), .int32(1)]) }
        #expect(throws: KilnError.self) { try kernel.launch(grid: 1, block: 2048, arguments: [.buffer(data), .float32(3), .int32(1)]) }
        let missing = try #require(throws: KilnError.self) { try module.kernel(KernelRecord(name: "missing", parameters: [])) }
        #expect(missing.code == .imageNotFound && missing.cause as? CUDAResult == .notFound, "the code OpenCL gives: \(missing)")
    }

    @Test("PTX of an ISA newer than any driver is refused with status 222 and the driver's log")
    func ptxTooNew() throws {
        let device = try driver.device(0)
        let ptx = scalePTX.replacingOccurrences(of: ".version 7.0", with: ".version 99.0")
        let error = try #require(throws: KilnError.self) {
            try CUDAModule.link(ptx: Array(ptx.utf8), name: "scale", device: device)
        }
        #expect(error.code == .driverError)
        #expect(error.cause as? CUDAResult == .unsupportedPTXVersion)
        #expect(error.message.contains("driver log"))
    }

    @Test("A bundle holding only PTX is resolved by JIT, then from the cache, and recorded")
    func backend() throws {
        let device = try driver.device(0)
        let manifest = Manifest(
            deviceList: "compute_50",
            modules: [ModuleRecord(name: "scale", language: .cuda, sourceSHA256: String(repeating: "0", count: 64), kernels: [scaleRecord])],
            targets: [TargetRecord(name: "compute_50", format: .ptx, toolchain: "hand-written", ptxISAVersion: "7.0")],
            toolchains: [:])
        var writer = BundleWriter(manifest: manifest, compressionLevel: 3)
        try writer.add(module: "scale", target: "compute_50", format: .ptx, toolchain: "hand-written", bytes: Array(scalePTX.utf8))
        let path = try SyntheticBundle.temporaryFile(try writer.serialize())
        let cache = MemoryCache()

        let first = try BundleSession(reader: BundleReader(path: path), device: .cuda(device), cache: cache)
        let kernel = try first.kernel("scale")
        let data = try device.makeBuffer([Float(1), 2, 3])
        try kernel.launch(grid: 1, block: 32, arguments: [.buffer(data), .float32(2), .int32(3)])
        #expect(try data.download(as: Float.self) == [2, 4, 6])
        let record = try #require(first.resolution(of: "scale"))
        #expect(record.path == .jit)
        #expect(record.target == "compute_50")
        #expect(record.imageSHA256 == SHA256Digest.hex(of: Array(scalePTX.utf8)))

        let second = try BundleSession(reader: BundleReader(path: path), device: .cuda(device), cache: cache)
        _ = try second.load(module: "scale")
        #expect(second.resolutions.map(\.path) == [.jitCached])

        let strict = try BundleSession(reader: BundleReader(path: path), device: .cuda(device), policy: .never)
        let error = try #require(throws: KilnError.self) { try strict.load(module: "scale") }
        #expect(error.code == .jitForbidden)
    }
}
