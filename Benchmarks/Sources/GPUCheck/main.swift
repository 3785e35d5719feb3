// The NVIDIA proof and startup benchmark, run on the GPU machine (bench/gpu/run.sh).
//
//   GPUCheck proof FOLDER         the proof: bundles FOLDER/{aot,jit,nojit}.kiln
//   GPUCheck first-result BUNDLE  load the 160-kernel module, run one kernel, check it, exit
//   GPUCheck speed AOT JIT OUT_JSON  kernel speed, AOT cubin vs JIT image (Speed.swift, bench/gpu/bench.sh)
//   GPUCheck extract BUNDLE MODULE TARGET OUT   write one image to a file (for the C floor)
//   GPUCheck checked BUNDLE       with KILN_CHECKED=1: overruns caught on every device (CheckedMode.swift)
#if canImport(Glibc)
import Glibc
#endif
import KilnBundle
import KilnCore
import KilnRuntime

nonisolated(unsafe) var failures = 0
func check(_ condition: Bool, _ what: String) {
    print((condition ? "PASS " : "FAIL ") + what)
    if !condition { failures += 1 }
}

/// ‖out − ref‖ / ‖ref‖ over float64, NaN-safe (a NaN fails).
func relativeError(_ out: [Float], _ ref: [Double]) -> Double {
    guard out.count == ref.count else { return .infinity }
    var num = 0.0, den = 0.0
    for (o, r) in zip(out, ref) {
        if o.isNaN { return .infinity }
        num += (Double(o) - r) * (Double(o) - r)
        den += r * r
    }
    return (num / max(den, 1e-300)).squareRoot()
}


func randomFloats(_ n: Int) -> [Float] { (0..<n).map { _ in Float.random(in: -1...1) } }

/// Runs Kiln's reference kernels through a backend and checks each against a float64 reference.
func runKernels(_ backend: BundleSession, label: String) throws {
    let device = backend.device
    let poison = Float.nan

    // saxpy
    let n = 1_000_003
    let x = randomFloats(n), y = randomFloats(n), a: Float = 1.75
    let bx = try device.makeBuffer(x), by = try device.makeBuffer(y)
    try backend.kernel("saxpy", in: "saxpy").launch(grid: Dim3((n + 255) / 256), block: 256,
        arguments: [.float32(a), .buffer(bx), .buffer(by), .int32(Int32(n))])
    let sy = try by.download(as: Float.self)
    check(relativeError(sy, zip(x, y).map { Double(a) * Double($0) + Double($1) }) < 1e-6, "\(label) saxpy n=\(n)")

    // transpose
    let w = 1000, h = 517
    let input = randomFloats(w * h)
    let bin = try device.makeBuffer(input), bout = try device.makeBuffer([Float](repeating: poison, count: w * h))
    try backend.kernel("transpose", in: "transpose").launch(grid: Dim3((w + 15) / 16, (h + 15) / 16), block: Dim3(16, 16),
        arguments: [.buffer(bout), .buffer(bin), .int32(Int32(w)), .int32(Int32(h))])
    let t = try bout.download(as: Float.self)
    var tref = [Double](repeating: 0, count: w * h)
    for r in 0..<h { for c in 0..<w { tref[c * h + r] = Double(input[r * w + c]) } }
    check(relativeError(t, tref) == 0, "\(label) transpose \(h)×\(w)")

    // reduce_sum: partial sums per group, summed here
    let m = 1 << 20, groups = 256
    let values = randomFloats(m)
    let bv = try device.makeBuffer(values), bp = try device.makeBuffer([Float](repeating: poison, count: groups))
    try backend.kernel("reduce_sum", in: "reduce_sum").launch(grid: Dim3(groups), block: 256,
        arguments: [.buffer(bv), .buffer(bp), .uint32(UInt32(m))])
    let partial = try bp.download(as: Float.self)
    let total = partial.reduce(0.0) { $0 + Double($1) }, exact = values.reduce(0.0) { $0 + Double($1) }
    check(!partial.contains { $0.isNaN } && abs(total - exact) <= 1e-3 * values.reduce(0.0) { $0 + abs(Double($1)) },
          "\(label) reduce_sum n=\(m): \(total) vs \(exact)")

    // histogram
    let bytes = (0..<m).map { _ in UInt8.random(in: 0...255) }
    let bb = try device.makeBuffer(bytes), bins = try device.makeBuffer([Int32](repeating: 0, count: 256))
    try backend.kernel("histogram", in: "histogram").launch(grid: Dim3(120), block: 256,
        arguments: [.buffer(bb), .int32(Int32(m)), .buffer(bins)])
    var href = [Int32](repeating: 0, count: 256)
    for b in bytes { href[Int(b)] += 1 }
    check(try bins.download(as: Int32.self) == href, "\(label) histogram n=\(m)")

    // gemm<16,16> from a CUDA C++ template (name expression → symbol)
    let (mm, nn, kk) = (130, 70, 90)
    let ma = randomFloats(mm * kk), mb = randomFloats(kk * nn)
    let ba = try device.makeBuffer(ma), bbm = try device.makeBuffer(mb)
    let bc = try device.makeBuffer([Float](repeating: poison, count: mm * nn))
    try backend.kernel("gemm<16,16>", in: "gemm_tiles").launch(grid: Dim3((nn + 15) / 16, (mm + 15) / 16), block: Dim3(16, 16),
        arguments: [.buffer(ba), .buffer(bbm), .buffer(bc), .int32(Int32(mm)), .int32(Int32(nn)), .int32(Int32(kk))])
    var cref = [Double](repeating: 0, count: mm * nn)
    for i in 0..<mm { for j in 0..<nn { var s = 0.0; for q in 0..<kk { s += Double(ma[i * kk + q]) * Double(mb[q * nn + j]) }; cref[i * nn + j] = s } }
    let ce = relativeError(try bc.download(as: Float.self), cref)
    check(ce < 1e-5, "\(label) gemm<16,16> \(mm)×\(kk)·\(kk)×\(nn) rel.err \(ce)")
    for record in backend.resolutions {
        print("  resolved \(record.module): \(record.path.rawValue) \(record.target) in \(record.seconds) s")
    }
}

func proof(_ folder: String) throws {
    let driver = try CUDADriver.load()
    print("driver CUDA \(driver.versionString), \(driver.devices.count) device(s)")
    for device in driver.devices { print("  \(device)") }
    let device = try driver.device(0)

    let aot = try BundleSession(reader: BundleReader(path: folder + "/aot.kiln"), device: .cuda(device), policy: .auto)
    try runKernels(aot, label: "[aot sm_90]")
    check(aot.resolutions.allSatisfy { $0.path == .aot && $0.target == "sm_90" }, "every module of aot.kiln loaded its sm_90 cubin, no compilation")

    let jit = try BundleSession(reader: BundleReader(path: folder + "/jit.kiln"), device: .cuda(device), policy: .auto)
    try runKernels(jit, label: "[jit from compute_80]")
    check(jit.resolutions.allSatisfy { $0.path == .jit && $0.target == "compute_80" }, "every module of jit.kiln (sm_80 + PTX) took the JIT path from compute_80")

    let cached = try BundleSession(reader: BundleReader(path: folder + "/jit.kiln"), device: .cuda(device), policy: .auto)
    try runKernels(cached, label: "[jit-cached]")
    check(cached.resolutions.allSatisfy { $0.path == .jitCached }, "a second backend on jit.kiln took every module from Kiln's JIT cache")

    do {
        let strict = try BundleSession(reader: BundleReader(path: folder + "/jit.kiln"), device: .cuda(device), policy: .never)
        _ = try strict.kernel("saxpy", in: "saxpy")
        check(false, "KILN_JIT=never on sm_80+PTX should fail")
    } catch let error as KilnError {
        print("  error: \(error.message)")
        check(error.code == .jitForbidden, "KILN_JIT=never turns the JIT case into an error (\(error.code))")
    }

    do {
        let none = try BundleSession(reader: BundleReader(path: folder + "/nojit.kiln"), device: .cuda(device), policy: .auto)
        _ = try none.kernel("saxpy", in: "saxpy")
        check(false, "sm_80 only should fail on \(device.computeCapability)")
    } catch let error as KilnError {
        print("  error: \(error.message)")
        check(error.code == .noCompatibleImage && error.message.contains("sm_80") && error.message.contains("sm_90"),
              "a bundle with only sm_80 fails with the clear error (\(error.code))")
    }

    do {
        let kernel = try aot.kernel("saxpy", in: "saxpy")
        try kernel.launch(grid: 1, block: 32, arguments: [.float32(1), .int32(3)])
        check(false, "a wrong argument count should fail")
    } catch let error as KilnError {
        print("  error: \(error.message)")
        check(error.code == .invalidLaunch, "a wrong launch is refused before the driver sees it")
    }

    // The backend protocol's shared paths on CUDA: the missing-kernel error OpenCL gives too, and
    // a buffer of another device refused by the one launch check.
    do {
        let cubin = try BundleReader(path: folder + "/aot.kiln").image(module: "saxpy", target: "sm_90")
        _ = try CUDAModule(cubin: cubin, name: "saxpy", device: device).kernel(KernelRecord(name: "kiln_missing", parameters: []))
        check(false, "a kernel the cubin lacks should fail")
    } catch let error as KilnError {
        print("  error: \(error.message)")
        check(error.code == .imageNotFound && error.cause as? CUDAResult == .notFound && error.message.contains("has no kernel 'kiln_missing'"),
              "a kernel missing from a loaded module is .imageNotFound with CUDA_ERROR_NOT_FOUND as the cause, as on OpenCL (\(error.code))")
    }
    if let cpu = (try? OpenCLRuntime.load())?.devices.first {
        do {
            let kernel = try aot.kernel("saxpy", in: "saxpy")
            let x = try device.makeBuffer([Float](repeating: 1, count: 32)), elsewhere = try cpu.makeBuffer([Float](repeating: 1, count: 32))
            try kernel.launch(grid: 1, block: 32, arguments: [.float32(1), .buffer(elsewhere), .buffer(x), .int(32)])
            check(false, "a buffer on \(cpu.summary) should be refused by a kernel on the GPU")
        } catch let error as KilnError {
            print("  error: \(error.message)")
            check(error.code == .invalidLaunch && error.message.contains("was given a buffer on \(cpu.summary)"),
                  "a buffer of another family's device is refused before the driver sees it (\(error.code))")
        }
    }
}

/// Loads the 160-kernel module from BUNDLE and runs its first kernel once; prints the path taken.
func firstResult(_ path: String) throws {
    let driver = try CUDADriver.load()
    let device = try driver.device(0)
    let policy = try JITPolicy(environment: ProcessInfoShim.environment)
    let backend = try BundleSession(reader: BundleReader(path: path), device: .cuda(device), policy: policy)
    let kernel = try backend.kernel("gemm_t8_w1_u1_plain", in: "gemm_variants")
    let n = 64
    let a = randomFloats(n * n), b = randomFloats(n * n)
    let ba = try device.makeBuffer(a), bb = try device.makeBuffer(b)
    let bc = try device.makeBuffer([Float](repeating: .nan, count: n * n))
    try kernel.launch(grid: Dim3(n / 8, n / 8), block: Dim3(8, 8),
                      arguments: [.buffer(ba), .buffer(bb), .buffer(bc), .int32(Int32(n)), .int32(Int32(n)), .int32(Int32(n)),
                                  .float32(1), .float32(0)])
    let c = try bc.download(as: Float.self)
    var ref = 0.0
    for q in 0..<n { ref += Double(a[q]) * Double(b[q * n]) }
    guard abs(Double(c[0]) - ref) < 1e-4 else { fatalError("wrong result \(c[0]) vs \(ref)") }
    let record = backend.resolutions[0]
    print("\(record.path.rawValue) \(record.target) load \(record.seconds) s")
}

enum ProcessInfoShim {
    static var environment: [String: String] {
        var result: [String: String] = [:]
        var entry = environ
        while let pointer = entry.pointee {
            let pair = String(cString: pointer)
            if let eq = pair.firstIndex(of: "=") { result[String(pair[..<eq])] = String(pair[pair.index(after: eq)...]) }
            entry += 1
        }
        return result
    }
}

let arguments = CommandLine.arguments
do {
    switch arguments.dropFirst().first {
    case "proof" where arguments.count == 3:
        try proof(arguments[2])
        print(failures == 0 ? "proof: all checks passed" : "proof: \(failures) checks failed")
        exit(failures == 0 ? 0 : 1)
    case "first-result" where arguments.count == 3:
        try firstResult(arguments[2])
        // KILN_REPORT=1 (bench/gpu/run.sh): every resolution, written here as a program's last step.
        ResolutionLog.shared.writeReportIfAsked()
    case "checked" where arguments.count == 3:
        try checkedMode(arguments[2])
        print(failures == 0 ? "checked mode: all checks passed" : "checked mode: \(failures) checks failed")
        exit(failures == 0 ? 0 : 1)
    case "speed" where arguments.count == 5:
        try speed(aotPath: arguments[2], jitPath: arguments[3], outPath: arguments[4])
    case "vector-speed" where arguments.count == 3:
        try vectorSpeed(arguments[2])
    case "extract" where arguments.count == 6:
        let bytes = try BundleReader(path: arguments[2]).image(module: arguments[3], target: arguments[4])
        let file = fopen(arguments[5], "wb")
        _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        fclose(file)
    default:
        print("usage: GPUCheck proof FOLDER | first-result BUNDLE | speed AOT_BUNDLE JIT_BUNDLE OUT_JSON | vector-speed BUNDLE | extract BUNDLE MODULE TARGET OUT | checked BUNDLE")
        exit(2)
    }
} catch {
    print("error: \(error)")
    exit(1)
}
