#if canImport(Glibc)
import Glibc
#endif
import Foundation
import KilnBundle
import KilnCore
@testable import KilnRuntime
import Testing

@Suite("Loading OpenCL")
struct OpenCLRuntimeTests {
    @Test("A missing ICD loader is a clear error naming the packages to install")
    func missingLoader() throws {
        let error = try #require(throws: KilnError.self) { try OpenCLRuntime(library: "libkiln-no-such-opencl.so.1") }
        #expect(error.code == .driverUnavailable)
        #expect(error.message.contains("libkiln-no-such-opencl.so.1 could not be opened"))
        #expect(error.message.contains("the OpenCL ICD loader"))
        #expect(error.message.contains("apt-get install ocl-icd-libopencl1 pocl-opencl-icd"))
    }

    /// The process's environment now, as `NAME=VALUE` lines, sorted.
    static func currentEnvironment() -> [String] {
        var lines: [String] = []
        var entry = environ
        while let pointer = entry.pointee {
            lines.append(String(cString: pointer))
            entry += 1
        }
        return lines.sorted()
    }

    /// The environment the process started with (`/proc/self/environ`), sorted.
    static func initialEnvironment() throws -> [String] {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: "/proc/self/environ"))
        return bytes.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }.sorted()
    }

    @Test("Loading OpenCL, building a program and launching a kernel leave the process's environment as it started (no setenv)",
          .enabled(if: OpenCLFixtures.pocl != nil, "PoCL (pocl-opencl-icd) is not installed"))
    func environmentUnchanged() throws {
        let device = try #require(OpenCLFixtures.pocl)
        // A second load enumerates again, as the first did.
        _ = try OpenCLRuntime(library: OpenCLSymbols.libraryName)
        let source = Array("kernel void k(global int* x) { x[get_global_id(0)] = 1; }".utf8)
        let kernel = try OpenCLProgram(source: source, name: "k", device: device)
            .kernel(KernelRecord(name: "k", parameters: [ParameterRecord(name: "x", type: "int*")]))
        let x = try device.makeBuffer([Int32](repeating: 0, count: 4))
        try kernel.launch(grid: Dim3(1), block: Dim3(4), arguments: [.buffer(x)])
        #expect(try x.download(as: Int32.self) == [1, 1, 1, 1])
        // PoCL 3.1 sets HWLOC_PLUGINS_PATH=/dev/null itself when it starts (the string is in
        // libpocl.so.2): the driver's own effect, which Kiln cannot take back; every other change fails.
        let driverOwn = ["HWLOC_PLUGINS_PATH="]
        func kiln(_ lines: [String]) -> [String] { lines.filter { line in !driverOwn.contains { line.hasPrefix($0) } } }
        let initial = try Self.initialEnvironment(), now = Self.currentEnvironment()
        #expect(kiln(now) == kiln(initial), "added or changed: \(Set(now).subtracting(initial).sorted()); removed: \(Set(initial).subtracting(now).sorted())")
        #expect(now.contains { $0.hasPrefix("POCL_WORK_GROUP_SPECIALIZATION=") } == initial.contains { $0.hasPrefix("POCL_WORK_GROUP_SPECIALIZATION=") })
    }

    @Test("The PoCL device reports the host string its binaries are tied to, and no IL",
          .enabled(if: OpenCLFixtures.pocl != nil, "PoCL (pocl-opencl-icd) is not installed"))
    func poclIdentity() throws {
        let device = try #require(OpenCLFixtures.pocl)
        let host = try #require(device.hostString)
        #expect(device.version.hasSuffix("HSTR: " + host))
        #expect(!host.contains(" "))
        #expect(device.type == .cpu)
        #expect(device.target == .cpu)
        #expect(device.identity.kind == .cpu(hostString: host, acceptsSPIRV: device.takesSPIRV))
        #expect(device.identity.canCompileSource == true)
        #expect(device.takesSPIRV == !device.ilVersions.isEmpty)
        #expect(device.launchLimits.maxThreadsPerBlock >= 256)
    }

    @Test("Buffers round-trip, fill, and refuse the wrong element type",
          .enabled(if: OpenCLFixtures.pocl != nil, "PoCL (pocl-opencl-icd) is not installed"))
    func buffers() throws {
        let device = try #require(OpenCLFixtures.pocl)
        let values: [Float] = [1, 2, 3, 4.5]
        let buffer = try device.makeBuffer(values)
        #expect(try buffer.download(as: Float.self) == values)
        try buffer.fill(byte: 0)
        #expect(try buffer.download(as: Float.self) == [0, 0, 0, 0])
        let error = try #require(throws: KilnError.self) { try buffer.upload([Int32(1)]) }
        #expect(error.code == .invalidArgument)
        #expect(try device.makeBuffer([Float]()).download(as: Float.self).isEmpty)
    }
}

/// Intel devices as their drivers report them through `cl_intel_device_attribute_query`:
/// `CL_DEVICE_IP_VERSION_INTEL` raw values and PCI device ids of real products. No Intel GPU is
/// here, so these check resolution against the identities the runtime would build.
@Suite("Matching Intel devices by IP version")
struct OpenCLIntelMatchingTests {
    struct RealDevice: Sendable, CustomStringConvertible {
        var product: String
        var pciDeviceID: Int
        var rawIPVersion: UInt32
        var expected: String
        var description: String { product }
    }

    static let devices = [
        RealDevice(product: "Intel Data Center GPU Max 1550", pciDeviceID: 0x0BD5, rawIPVersion: 0x030F_0007, expected: "12.60.7"),
        RealDevice(product: "Intel Data Center GPU Flex 170", pciDeviceID: 0x56C0, rawIPVersion: 0x030D_C008, expected: "12.55.8"),
        RealDevice(product: "Intel Arc A770", pciDeviceID: 0x56A0, rawIPVersion: 0x030D_C008, expected: "12.55.8"),
        RealDevice(product: "Intel Arc A380", pciDeviceID: 0x56A5, rawIPVersion: 0x030E_0005, expected: "12.56.5"),
        RealDevice(product: "Intel Iris Xe (Tiger Lake)", pciDeviceID: 0x9A49, rawIPVersion: 0x0300_0000, expected: "12.0.0"),
    ]

    /// The images of a bundle built for `ats-m150,pvc` with its portable forms.
    static let images: [AvailableImage] = [
        AvailableImage(target: TargetRegistry.standard.target(named: "acm-g10")!),
        AvailableImage(target: TargetRegistry.standard.target(named: "pvc")!),
        AvailableImage(target: .spirv),
        AvailableImage(target: .source, sourceLanguage: .openCLC),
    ]

    @Test("A raw IP version decodes to the version ocloc ids prints", arguments: devices)
    func decode(_ device: RealDevice) {
        #expect(IntelIPVersion(rawValue: device.rawIPVersion).description == device.expected)
    }

    @Test("Devices in the list load their zebin; others compile the SPIR-V, or the source without IL", arguments: devices)
    func resolve(_ device: RealDevice) throws {
        let ip = IntelIPVersion(rawValue: device.rawIPVersion)
        let withIL = DeviceIdentity(name: device.product, kind: .intel(ip, acceptsSPIRV: true), canCompileSource: true)
        let plan = try Resolver.resolve(module: "saxpy", device: withIL, images: Self.images, policy: .auto)
        switch device.expected {
        case "12.60.7":
            #expect(plan.path == .aot && plan.target.name == "pvc")
        case "12.55.8":
            #expect(plan.path == .aot && plan.target.name == "acm-g10")
        default:
            #expect(plan.path == .jit && plan.target == .spirv)
            let noIL = DeviceIdentity(name: device.product, kind: .intel(ip, acceptsSPIRV: false), canCompileSource: true)
            #expect(try Resolver.resolve(module: "saxpy", device: noIL, images: Self.images, policy: .auto).target == .source)
            let strict = try #require(throws: KilnError.self) {
                try Resolver.resolve(module: "saxpy", device: withIL, images: Self.images, policy: .never)
            }
            #expect(strict.code == .jitForbidden)
            #expect(strict.message.contains(TargetRegistry.standard.intelDevice(ip)?.canonicalName ?? ip.description))
        }
    }
}
