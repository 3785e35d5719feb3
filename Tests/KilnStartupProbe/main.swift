// What a program that runs one kernel does, from process start to a checked result — for the
// start-up tests and the GPU start-up benchmark (bench/gpu/startup.sh), which runs it statically
// linked beside the C floor (bench/gpu/floor.c does the same through the driver API alone):
//
//   KilnStartupProbe first-kernel BUNDLE [--every-device]
//                                            on ComputeDevice.first(), open BUNDLE in a BundleSession,
//                                            run gemm_t8_w1_u1_plain (Kernels/gemm_variants.cl) once on
//                                            64×64 inputs, check C[0] against a float64 sum, print how
//                                            the module was served; --every-device takes the first of
//                                            ComputeDevice.all() instead (every family enumerated)
//   KilnStartupProbe first-device [FAMILY,…]  print ComputeDevice.first(FAMILIES) (default: all), or
//                                            why there is none (exit 1)
//   KilnStartupProbe launch-limits BUNDLE [FAMILY,…]
//                                            on every device (of FAMILIES), launches over a kernel's own limits
//                                            (__launch_bounds__ on NVIDIA, local memory everywhere)
//                                            are refused by Kiln; PASS/FAIL lines, exit 1 on a failure
//                                            (LaunchLimitsCheck.swift; bench/gpu/check.sh)
//   KilnStartupProbe cuda-source BUNDLE PATH
//                                            on the first NVIDIA GPU, run the CUDA-source-only module of
//                                            bench/gpu/kernels/cuda_source.cu, check its results and that
//                                            it was served by PATH (jit, jit-cached) (CUDASourceCheck.swift)
//
// With KILN_TRACE set, Kiln writes its phases; the probe adds `first-result`, from its first line
// to the checked result. It imports no Foundation, as a lean program would not.
#if canImport(Glibc)
import Glibc
#endif
import KilnCore
import KilnRuntime

func fail(_ message: String) -> Never {
    let bytes = Array("probe: \(message)\n".utf8)
    _ = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    exit(1)
}

/// Fixed inputs in [-0.5, 0.5): a 32-bit linear congruential generator, so every run computes the same product.
func inputs(_ count: Int, seed: UInt32) -> [Float] {
    var state = seed
    return (0..<count).map { _ in
        state = state &* 1_664_525 &+ 1_013_904_223
        return Float(state >> 8) / Float(1 << 24) - 0.5
    }
}

/// The session and buffers, held until the process exits as the C floor holds its module and
/// memory: neither pays for unloading before it exits.
nonisolated(unsafe) var held: [Any] = []

func firstKernel(bundle: String, everyDevice: Bool) throws {
    let (found, unavailable) = everyDevice ? { let all = ComputeDevice.all(); return (all.devices.first, all.unavailable) }()
                                           : ComputeDevice.first()
    guard let device = found else {
        fail("no device: " + unavailable.map { "\($0.family): \($0.reason)" }.joined(separator: "; "))
    }
    let session = try BundleSession(bundle: bundle, device: device)
    let kernel = try session.kernel("gemm_t8_w1_u1_plain", in: "gemm_variants")
    let n = 64
    let a = inputs(n * n, seed: 1), b = inputs(n * n, seed: 2)
    let da = try device.makeBuffer(a), db = try device.makeBuffer(b)
    let dc = try device.makeBuffer([Float](repeating: .nan, count: n * n))
    try kernel.launch(grid: Dim3(n / 8, n / 8), block: Dim3(8, 8),
                      arguments: [da.argument, db.argument, dc.argument, .int(n), .int(n), .int(n), .float32(1), .float32(0)])
    let c: [Float] = try dc.download()
    let reference = (0..<n).reduce(0.0) { $0 + Double(a[$1]) * Double(b[$1 * n]) }
    guard abs(Double(c[0]) - reference) <= 1e-4 else { fail("wrong result: C[0] = \(c[0]), expected \(reference)") }
    held = [session, da, db, dc]
    let record = session.resolutions[0]
    print("\(device.summary): \(record.module) \(record.path.rawValue) \(record.target), C[0] = \(c[0]) checked")
}

/// The families a comma-separated list names (`nvidia,cpu`); every family when nil.
func parseFamilies(_ list: String?) throws -> Set<Family> {
    guard let list else { return Set(Family.allCases) }
    return Set(try list.split(separator: ",").map { name in
        guard let family = Family(rawValue: String(name)) else {
            throw KilnError(.invalidArgument, "unknown family '\(name)' — give nvidia, intel or cpu")
        }
        return family
    })
}

let arguments = CommandLine.arguments
do {
    switch arguments.dropFirst().first {
    case "first-kernel" where arguments.count == 3 || (arguments.count == 4 && arguments[3] == "--every-device"):
        try StartupTrace.measure("first-result") { try firstKernel(bundle: arguments[2], everyDevice: arguments.count == 4) }
    case "first-device" where arguments.count <= 3:
        let families = try parseFamilies(arguments.count == 3 ? arguments[2] : nil)
        let (device, unavailable) = ComputeDevice.first(families)
        guard let device else { fail("no device: " + unavailable.map { "\($0.family): \($0.reason)" }.joined(separator: "; ")) }
        print(device.summary)
    case "launch-limits" where arguments.count == 3 || arguments.count == 4:
        exit(try launchLimits(bundle: arguments[2], families: parseFamilies(arguments.count == 4 ? arguments[3] : nil)) == 0 ? 0 : 1)
    case "cuda-source" where arguments.count == 4:
        try cudaSource(bundle: arguments[2], expecting: arguments[3])
    default:
        fail("usage: KilnStartupProbe first-kernel BUNDLE [--every-device] | first-device [FAMILY,…] | launch-limits BUNDLE [FAMILY,…] | cuda-source BUNDLE jit|jit-cached")
    }
} catch {
    fail("\(error)")
}
