import Foundation
import KilnBundle
import KilnCompiler
import KilnCore
@testable import KilnRuntime
import KilnTestSupport
import Synchronization

/// What the OpenCL tests share: the PoCL device, bundles of the reference kernels built with
/// the real toolchains, and the kernels run against a float64 reference.
enum OpenCLFixtures {
    /// PoCL's CPU device, where PoCL is installed.
    static let pocl: OpenCLDevice? = (try? OpenCLRuntime.load())?.poclDevice
    /// clang 16 with libclc, which lists a `.cl` module's kernels as a build does; nil where it is not installed.
    static var clang: ClangOpenCL? { get async { await foundClang.value } }
    private static let foundClang = Task { try? await ClangOpenCL() }
    /// ocloc, where it is installed.
    static var ocloc: OclocToolchain? { get async { await foundOcloc.value } }
    private static let foundOcloc = Task { try? await OclocToolchain() }
    /// The reference kernels the tests run.
    static let modules = ["saxpy", "transpose", "reduce_sum", "histogram"]

    /// A bundle of the reference kernels for a device list, built once per list into a temporary folder.
    static func bundle(_ devices: String) async throws -> BundleReader {
        let build = built.withLock { built in
            if let started = built[devices] { return started }
            let started = Task { try await Self.build(devices) }
            built[devices] = started
            return started
        }
        let path = try await build.value
        finished.withLock { $0[devices] = path }
        return try BundleReader(path: path)
    }

    /// The path of a device list's bundle if ``bundle(_:)`` has built it; nil before.
    static func built(_ devices: String) -> String? {
        finished.withLock { $0[devices] }
    }

    /// Builds the reference kernels for a device list and returns the bundle's path.
    private static func build(_ devices: String) async throws -> String {
            let root = KilnProcess.projectRoot()
            let sources = try modules.map { try SourceModule(path: root.appendingPathComponent("Kernels/\($0).cl").path) }
            let list = try DeviceList.parse(devices)
            var toolchains: [any Toolchain] = [SourceToolchain()]
            if list.targets.contains(where: { $0.family == .intel }), let ocloc = await ocloc { toolchains.append(ocloc) }
            if list.targets.contains(.cpu) { toolchains.append(try PoCLToolchain()) }
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-opencl-tests-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let path = folder.appendingPathComponent("bundle.kiln").path
            _ = try await Builder(deviceList: list, toolchains: toolchains, options: .init(jobs: 2, cache: nil))
                .build(sources: sources, output: path)
            return path
    }

    /// Each device list's bundle, built once.
    private static let built = Mutex<[String: Task<String, any Error>]>([:])
    /// The bundles built so far, by device list.
    private static let finished = Mutex<[String: String]>([:])

    /// ‖out − ref‖ / ‖ref‖ over float64; a NaN (a poisoned output never written) fails.
    static func relativeError(_ out: [Float], _ ref: [Double]) -> Double {
        guard out.count == ref.count else { return .infinity }
        var num = 0.0, den = 0.0
        for (o, r) in zip(out, ref) {
            if o.isNaN { return .infinity }
            num += (Double(o) - r) * (Double(o) - r)
            den += r * r
        }
        return (num / max(den, 1e-300)).squareRoot()
    }

    /// The outputs of every reference kernel on random inputs, and how far each is from its float64 reference.
    struct Results {
        var saxpy: [Float] = []
        var transpose: [Float] = []
        var partialSums: [Float] = []
        var histogram: [Int32] = []
        var errors: [String: Double] = [:]
    }

    /// Runs the four reference kernels through a backend on fixed-seed random inputs, outputs poisoned first.
    static func run(_ backend: BundleSession, seed: UInt64 = 42) throws -> Results {
        var rng = SplitMix64(seed: seed)
        func floats(_ n: Int) -> [Float] { (0..<n).map { _ in Float(rng.nextUnit() * 2 - 1) } }
        let device = backend.device
        var results = Results()

        let n = 100_003, a: Float = 1.75
        let x = floats(n), y = floats(n)
        let bx = try device.makeBuffer(x), by = try device.makeBuffer(y)
        try backend.kernel("saxpy", in: "saxpy").launch(grid: Dim3((n + 127) / 128), block: 128,
            arguments: [.float32(a), .buffer(bx), .buffer(by), .int32(Int32(n))])
        results.saxpy = try by.download(as: Float.self)
        results.errors["saxpy"] = relativeError(results.saxpy, zip(x, y).map { Double(a) * Double($0) + Double($1) })

        let w = 200, h = 117
        let input = floats(w * h)
        let bin = try device.makeBuffer(input), bout = try device.makeBuffer([Float](repeating: .nan, count: w * h))
        try backend.kernel("transpose", in: "transpose").launch(grid: Dim3((w + 15) / 16, (h + 15) / 16), block: Dim3(16, 16),
            arguments: [.buffer(bout), .buffer(bin), .int32(Int32(w)), .int32(Int32(h))])
        results.transpose = try bout.download(as: Float.self)
        var tref = [Double](repeating: 0, count: w * h)
        for r in 0..<h { for c in 0..<w { tref[c * h + r] = Double(input[r * w + c]) } }
        results.errors["transpose"] = relativeError(results.transpose, tref)

        let m = 1 << 16, groups = 32
        let values = floats(m)
        let bvalues = try device.makeBuffer(values), bpartial = try device.makeBuffer([Float](repeating: .nan, count: groups))
        try backend.kernel("reduce_sum", in: "reduce_sum").launch(grid: Dim3(groups), block: 256,
            arguments: [.buffer(bvalues), .buffer(bpartial), .uint32(UInt32(m))])
        results.partialSums = try bpartial.download(as: Float.self)
        let total = results.partialSums.reduce(0.0) { $0 + Double($1) }
        let reference = values.reduce(0.0) { $0 + Double($1) }
        results.errors["reduce_sum"] = results.partialSums.contains(where: \.isNaN) ? .infinity
            : abs(total - reference) / max(values.reduce(0.0) { $0 + abs(Double($1)) }, 1e-300)

        let bytes = (0..<50_000).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        let bdata = try device.makeBuffer(bytes), bbins = try device.makeBuffer([Int32](repeating: 0, count: 256))
        try backend.kernel("histogram", in: "histogram").launch(grid: Dim3(8), block: 64,
            arguments: [.buffer(bdata), .int32(Int32(bytes.count)), .buffer(bbins)])
        results.histogram = try bbins.download(as: Int32.self)
        var counts = [Int32](repeating: 0, count: 256)
        for byte in bytes { counts[Int(byte)] += 1 }
        results.errors["histogram"] = results.histogram == counts ? 0 : .infinity
        return results
    }
}

/// A small deterministic generator, so every run sees the same inputs.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// A value in [0, 1).
    mutating func nextUnit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}


