import KilnBundle
import KilnCore
import KilnTestSupport
@testable import KilnRuntime
import Testing

/// What the backend protocol makes shared: the devices, buffers and kernels of every family are
/// one type each, and a fault gets the same `KilnError` code whichever driver is below. Run here on
/// PoCL; the same checks on a GPU are in `CUDAGPUTests` and bench/gpu's proof (`GPUCheck proof`).
@Suite("One backend protocol: what every family shares", .enabled(if: OpenCLFixtures.pocl != nil, "PoCL (pocl-opencl-icd) is not installed"))
struct ComputeBackendTests {
    let device = OpenCLFixtures.pocl!

    static let source = "kernel void scale(global float* y, float a, int n) { int i = get_global_id(0); if (i < n) y[i] *= a; }\n"
    static let scale = KernelRecord(name: "scale", parameters: [
        ParameterRecord(name: "y", type: "float*", addressSpace: "global"), ParameterRecord(name: "a", type: "float"),
        ParameterRecord(name: "n", type: "int"),
    ])

    func program() throws -> OpenCLProgram {
        try OpenCLProgram(source: Array(Self.source.utf8), name: "m", device: device)
    }

    @Test("a kernel missing from a loaded module is .imageNotFound, naming the module, the device and the kernel, with the driver's status as the cause")
    func missingKernel() throws {
        let error = try #require(throws: KilnError.self) { try program().kernel(KernelRecord(name: "absent", parameters: [])) }
        #expect(error.code == .imageNotFound)
        #expect(error.cause as? OpenCLStatus == .invalidKernelName)
        #expect(error.message.contains("module 'm' on \(device.summary) has no kernel 'absent'"), "\(error.message)")
        #expect(error.message.contains("rebuild the bundle"), "\(error.message)")
    }

    @Test("through a session, a kernel the manifest lists but the image lacks is the same error")
    func missingKernelInSession() throws {
        let bytes = Array(Self.source.utf8)
        let ghost = KernelRecord(name: "ghost", parameters: [])
        let manifest = Manifest(
            deviceList: "source",
            modules: [ModuleRecord(name: "m", language: .openCLC, sourceSHA256: SHA256Digest.hex(of: bytes), kernels: [Self.scale, ghost])],
            targets: [TargetRecord(name: "source", format: .source, toolchain: "hand-written")],
            toolchains: [:])
        var writer = BundleWriter(manifest: manifest, compressionLevel: 3)
        try writer.add(module: "m", target: "source", format: .source, toolchain: "hand-written", bytes: bytes)
        let reader = try BundleReader(path: SyntheticBundle.temporaryFile(try writer.serialize()))
        let session = try BundleSession(reader: reader, device: .openCL(device), policy: .auto, cache: NoJITCache(), trustedKeys: TrustedKeys.none)
        _ = try session.kernel("scale")
        let error = try #require(throws: KilnError.self) { try session.kernel("ghost") }
        #expect(error.code == .imageNotFound)
        #expect(error.cause as? OpenCLStatus == .invalidKernelName)
        #expect(error.message.contains("module 'm' on \(device.summary) has no kernel 'ghost'"), "\(error.message)")
    }

    @Test("a family's device and ComputeDevice make the same buffer, on the same device")
    func oneBufferType() throws {
        let typed = try device.makeBuffer([Float](repeating: 2, count: 8))
        let general = try ComputeDevice.openCL(device).makeBuffer([Float](repeating: 2, count: 8))
        #expect(typed.device == general.device && typed.device == .openCL(device))
        #expect(try typed.download(as: Float.self) == general.download(as: Float.self))
        let raw = try device.makeBuffer(byteCount: 12)
        #expect(raw.elementType == nil && raw.byteCount == 12)
        let bad = try #require(throws: KilnError.self) { try device.makeBuffer(of: Float.self, count: -1) }
        #expect(bad.code == .invalidArgument)
    }

    @Test("a buffer of another device object is refused with .invalidLaunch before the driver sees it")
    func bufferOfAnotherDevice() throws {
        // A second runtime enumerates the same PoCL device again: another device object, with its own context.
        let other = try #require(try OpenCLRuntime(library: OpenCLSymbols.libraryName).poclDevice)
        #expect(ComputeDevice.openCL(other) != .openCL(device))
        let kernel = try program().kernel(Self.scale)
        let foreign = try other.makeBuffer([Float](repeating: 1, count: 16))
        let error = try #require(throws: KilnError.self) {
            try kernel.launch(grid: 1, block: 16, arguments: [.buffer(foreign), .float32(2), .int(16)])
        }
        #expect(error.code == .invalidLaunch)
        #expect(error.message.contains("parameter 'y' (index 0, float*) was given a buffer on \(other.summary)"), "\(error.message)")
        #expect(try foreign.download(as: Float.self) == [Float](repeating: 1, count: 16), "nothing ran")
    }

    @Test("a buffer Kiln did not make is refused with .invalidLaunch before the driver sees it")
    func foreignBuffer() throws {
        let kernel = try program().kernel(Self.scale)
        let error = try #require(throws: KilnError.self) {
            try kernel.launch(grid: 1, block: 16, arguments: [.buffer(FakeBuffer(.float32)), .float32(2), .int(16)])
        }
        #expect(error.code == .invalidLaunch && error.message.contains("a buffer Kiln did not make (nowhere)"), "\(error.message)")
    }

    @Test("CUDA's dynamic shared memory is refused on OpenCL, naming the fix")
    func sharedMemoryOnOpenCL() throws {
        let kernel = try program().kernel(Self.scale)
        let y = try device.makeBuffer([Float](repeating: 1, count: 16))
        let error = try #require(throws: KilnError.self) {
            try kernel.launch(grid: 1, block: 16, sharedMemoryBytes: 64, arguments: [y.argument, .float32(2), .int(16)])
        }
        #expect(error.code == .invalidLaunch && error.message.contains("sharedMemoryBytes must be 0 (it was 64)"), "\(error.message)")
        try kernel.launch(grid: 1, block: 16, arguments: [y.argument, .float32(2), .int(16)])
        #expect(try y.download(as: Float.self) == [Float](repeating: 2, count: 16))
    }

    @Test("a grid of more than 2³² work-items in a dimension is refused on OpenCL before the driver sees it")
    func globalSizeOnOpenCL() throws {
        let kernel = try program().kernel(Self.scale)
        let y = try device.makeBuffer([Float](repeating: 1, count: 16))
        let error = try #require(throws: KilnError.self) {
            try kernel.launch(grid: Int(Int32.max), block: 4, arguments: [y.argument, .float32(2), .int(16)])
        }
        #expect(error.code == .invalidLaunch && error.message.contains("over 2³² work-items"), "\(error.message)")
    }
}
