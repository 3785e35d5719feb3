// `GPUCheck speed AOT_BUNDLE JIT_BUNDLE OUT_JSON`: kernel speed on the GPU (bench/gpu/bench.sh).
//
// Both bundles hold the same modules (copy, saxpy, add, gemm, gemm_variants): AOT_BUNDLE as sm_90
// cubins only, JIT_BUNDLE as compute_90 PTX only, so the same kernels run once from the shipped
// cubin and once from the driver's JIT, in one process, on the same buffers.
//
// Method (METHOD.md): every result checked against a float64 CPU reference before it is timed
// (outputs poisoned with NaN first, where the kernel does not read its output); warm-up launches
// first; each sample is a batch of launches between two device synchronizations, read with
// CLOCK_MONOTONIC; the median sample is reported, with min and max. Elementwise arrays are
// 2^27 floats (512 MiB each), far past the 50–60 MB L2; bytes = bytes read + bytes written.
#if canImport(Glibc)
import Glibc
#endif
import KilnBundle
import KilnCore
import KilnRuntime

func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

func pad(_ s: String, _ width: Int) -> String { s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count) }
func fixed(_ v: Double, _ digits: Int) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let r = (v * scale).rounded() / scale
    var text = "\(r)"
    if let dot = text.firstIndex(of: ".") {
        let decimals = text.distance(from: dot, to: text.endIndex) - 1
        if decimals < digits { text += String(repeating: "0", count: digits - decimals) }
    }
    return text
}

struct Timing {
    var median: Double, min: Double, max: Double, samples: Int, batch: Int
    var json: String { "{\"medianS\": \(median), \"minS\": \(min), \"maxS\": \(max), \"samples\": \(samples), \"launchesPerSample\": \(batch)}" }
}

/// Seconds per launch: `warmup` launches, then `samples` batches of `batch` launches, each batch
/// between two synchronizations of the device.
func timeLaunches(_ device: CUDADevice, warmup: Int, samples: Int, batch: Int,
                  _ launch: () throws -> Void) throws -> Timing {
    for _ in 0..<warmup { try launch() }
    try device.synchronize()
    var times: [Double] = []
    for _ in 0..<samples {
        let start = monotonicSeconds()
        for _ in 0..<batch { try launch() }
        try device.synchronize()
        times.append((monotonicSeconds() - start) / Double(batch))
    }
    times.sort()
    return Timing(median: times[times.count / 2], min: times.first!, max: times.last!, samples: samples, batch: batch)
}

/// A fast generator for large random inputs (xorshift64*), uniform in [-1, 1).
struct FastRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed | 1 }
    mutating func next() -> Float {
        state ^= state >> 12; state ^= state << 25; state ^= state >> 27
        let bits = (state &* 2685821657736338717) >> 40  // 24 random bits
        return Float(bits) * (2.0 / 16_777_216.0) - 1.0
    }
    mutating func floats(_ n: Int) -> [Float] {
        var out = [Float](repeating: 0, count: n)
        for i in 0..<n { out[i] = next() }
        return out
    }
}

struct SpeedRow {
    var kernel: String, image: String, bytes: Double?, flops: Double?, timing: Timing, check: String
    var json: String {
        var parts = ["\"kernel\": \"\(kernel)\"", "\"image\": \"\(image)\"", "\"timing\": \(timing.json)", "\"check\": \"\(check)\""]
        if let bytes { parts.append("\"bytesPerLaunch\": \(bytes)"); parts.append("\"GBps\": \(bytes / timing.median / 1e9)") }
        if let flops { parts.append("\"flopsPerLaunch\": \(flops)"); parts.append("\"GFLOPs\": \(flops / timing.median / 1e9)") }
        return "{" + parts.joined(separator: ", ") + "}"
    }
}

/// GEMM check: no NaN left anywhere in C (it was poisoned), and `samples` random elements
/// against float64 dot products; returns the relative error over those elements.
func checkGemm(_ c: [Float], _ a: [Float], _ b: [Float], m: Int, n: Int, k: Int, samples: Int,
               rng: inout FastRandom) -> Double {
    if c.contains(where: { $0.isNaN }) { return .infinity }
    var num = 0.0, den = 0.0
    for _ in 0..<samples {
        _ = rng.next()
        let i = Int((rng.state >> 33) % UInt64(m))
        _ = rng.next()
        let j = Int((rng.state >> 33) % UInt64(n))
        var s = 0.0
        for q in 0..<k { s += Double(a[i * k + q]) * Double(b[q * n + j]) }
        let d = Double(c[i * n + j]) - s
        num += d * d; den += s * s
    }
    return (num / max(den, 1e-300)).squareRoot()
}

func speed(aotPath: String, jitPath: String, outPath: String) throws {
    let driver = try CUDADriver.load()
    let device = try driver.device(0)
    print("device: \(device), driver CUDA \(driver.versionString)")
    let aot = try BundleSession(reader: BundleReader(path: aotPath), device: .cuda(device), policy: .auto)
    let jit = try BundleSession(reader: BundleReader(path: jitPath), device: .cuda(device), policy: .auto)
    var rng = FastRandom(seed: 0x9E3779B97F4A7C15)
    var rows: [SpeedRow] = []
    var failures = 0

    // ---- elementwise: copy, saxpy, add on 2^27 floats (512 MiB per array) ------------------
    let n = 1 << 27
    let x = rng.floats(n), y = rng.floats(n)
    let bx = try device.makeBuffer(x), by = try device.makeBuffer(of: Float.self, count: n)
    let bout = try device.makeBuffer(of: Float.self, count: n)
    let grid = Dim3((n + 255) / 256), block = Dim3(256)
    let a: Float = 0.5
    for (backend, image) in [(aot, "aot sm_90 cubin"), (jit, "jit from compute_90 PTX")] {
        let copy = try backend.kernel("copy_f32", in: "copy")
        let saxpy = try backend.kernel("saxpy", in: "saxpy")
        let add = try backend.kernel("add", in: "add")

        try bout.fill(byte: 0xFF)  // NaN
        try copy.launch(grid: grid, block: block, arguments: [.buffer(bx), .buffer(bout), .int32(Int32(n))])
        let copied = try bout.download(as: Float.self)
        let copyOK = copied == x
        if !copyOK { failures += 1 }
        let tCopy = try timeLaunches(device, warmup: 5, samples: 21, batch: 10) {
            try copy.launch(grid: grid, block: block, arguments: [.buffer(bx), .buffer(bout), .int32(Int32(n))])
        }
        rows.append(SpeedRow(kernel: "copy_f32", image: image, bytes: Double(2 * 4 * n), flops: nil, timing: tCopy,
                             check: copyOK ? "exact, every element" : "FAILED"))

        try bout.fill(byte: 0xFF)
        try add.launch(grid: grid, block: block, arguments: [.buffer(bx), .buffer(bx), .buffer(bout), .int32(Int32(n))])
        let added = try bout.download(as: Float.self)
        var addOK = true
        for i in 0..<n where added[i] != x[i] + x[i] { addOK = false; break }
        if !addOK { failures += 1 }
        let tAdd = try timeLaunches(device, warmup: 5, samples: 21, batch: 10) {
            try add.launch(grid: grid, block: block, arguments: [.buffer(bx), .buffer(by), .buffer(bout), .int32(Int32(n))])
        }
        rows.append(SpeedRow(kernel: "add", image: image, bytes: Double(3 * 4 * n), flops: nil, timing: tAdd,
                             check: addOK ? "exact vs float64 reference, every element" : "FAILED"))

        try by.upload(y)
        try saxpy.launch(grid: grid, block: block, arguments: [.float32(a), .buffer(bx), .buffer(by), .int32(Int32(n))])
        let sy = try by.download(as: Float.self)
        var num = 0.0, den = 0.0, nan = false
        for i in 0..<n {
            let r = Double(a) * Double(x[i]) + Double(y[i]); let d = Double(sy[i]) - r
            if sy[i].isNaN { nan = true }
            num += d * d; den += r * r
        }
        let saxpyErr = nan ? Double.infinity : (num / den).squareRoot()
        let saxpyOK = saxpyErr < 1e-6
        if !saxpyOK { failures += 1 }
        // y keeps being updated in place while timed (|y| grows by at most 0.5 per launch: stays finite).
        let tSaxpy = try timeLaunches(device, warmup: 5, samples: 21, batch: 10) {
            try saxpy.launch(grid: grid, block: block, arguments: [.float32(a), .buffer(bx), .buffer(by), .int32(Int32(n))])
        }
        rows.append(SpeedRow(kernel: "saxpy", image: image, bytes: Double(3 * 4 * n), flops: Double(2 * n), timing: tSaxpy,
                             check: saxpyOK ? "rel.err \(saxpyErr) vs float64, every element" : "FAILED rel.err \(saxpyErr)"))
    }

    // ---- GEMM: 4096³ single precision --------------------------------------------------------
    let m = 4096, nn = 4096, k = 4096
    let ma = rng.floats(m * k), mb = rng.floats(k * nn)
    let ba = try device.makeBuffer(ma), bb = try device.makeBuffer(mb), bc = try device.makeBuffer(of: Float.self, count: m * nn)
    let flops = 2.0 * Double(m) * Double(nn) * Double(k)
    func runGemm(_ backend: BundleSession, _ name: String, module: String, ts: Int, wpt: Int, image: String,
                 warmup: Int, samples: Int, batch: Int, checkSamples: Int) throws -> SpeedRow {
        let kernel = try backend.kernel(name, in: module)
        let g = Dim3(nn / ts, m / ts), b = Dim3(ts, ts / wpt)
        var args: [KernelArgument] = [.buffer(ba), .buffer(bb), .buffer(bc), .int32(Int32(m)), .int32(Int32(nn)), .int32(Int32(k))]
        if module == "gemm_variants" { args += [.float32(1), .float32(0)] }
        try bc.fill(byte: 0xFF)
        try kernel.launch(grid: g, block: b, arguments: args)
        let err = checkGemm(try bc.download(as: Float.self), ma, mb, m: m, n: nn, k: k, samples: checkSamples, rng: &rng)
        let ok = err < 1e-5
        if !ok { failures += 1 }
        let t = try timeLaunches(device, warmup: warmup, samples: samples, batch: batch) { try kernel.launch(grid: g, block: b, arguments: args) }
        return SpeedRow(kernel: name, image: image, bytes: nil, flops: flops, timing: t,
                        check: (ok ? "" : "FAILED ") + "no NaN left in C; rel.err \(err) over \(checkSamples) random elements vs float64")
    }
    var search: [SpeedRow] = []
    for ts in [8, 16, 32] {
        for wpt in [1, 2, 4, 8] where ts / wpt >= 2 && ts * ts / wpt <= 512 {
            for u in [1, 2, 4, 8] {
                let row = try runGemm(aot, "gemm_t\(ts)_w\(wpt)_u\(u)_plain", module: "gemm_variants", ts: ts, wpt: wpt,
                                      image: "aot sm_90 cubin", warmup: 1, samples: 3, batch: 1, checkSamples: 64)
                print("  search " + pad(row.kernel, 24) + " " + fixed(flops / row.timing.median / 1e9, 1) + " GFLOP/s  " + row.check)
                search.append(row)
            }
        }
    }
    let best = search.filter { !$0.check.hasPrefix("FAILED") }.min { $0.timing.median < $1.timing.median }!
    let parts = best.kernel.split(separator: "_")  // gemm t16 w4 u2 plain
    let bts = Int(parts[1].dropFirst())!, bwpt = Int(parts[2].dropFirst())!
    for (backend, image) in [(aot, "aot sm_90 cubin"), (jit, "jit from compute_90 PTX")] {
        rows.append(try runGemm(backend, "gemm", module: "gemm", ts: 16, wpt: 1, image: image, warmup: 3, samples: 9, batch: 3, checkSamples: 512))
        rows.append(try runGemm(backend, best.kernel, module: "gemm_variants", ts: bts, wpt: bwpt, image: image,
                                warmup: 3, samples: 9, batch: 3, checkSamples: 512))
    }

    print(pad("kernel", 24) + pad("image", 26) + pad("median ms", 12) + pad("min ms", 12) + pad("max ms", 12) + pad("GB/s", 10) + "GFLOP/s")
    for row in rows {
        print(pad(row.kernel, 24) + pad(row.image, 26) + pad(fixed(row.timing.median * 1e3, 4), 12)
              + pad(fixed(row.timing.min * 1e3, 4), 12) + pad(fixed(row.timing.max * 1e3, 4), 12)
              + pad(row.bytes.map { fixed($0 / row.timing.median / 1e9, 1) } ?? "-", 10)
              + (row.flops.map { fixed($0 / row.timing.median / 1e9, 1) } ?? "-"))
    }
    for row in rows where row.check.hasPrefix("FAILED") { print("FAILED CHECK: \(row.kernel) \(row.image): \(row.check)") }
    let json = """
    {"device": "\(device.name)", "computeCapability": "\(device.computeCapability.number)", "multiprocessors": \(device.multiprocessorCount),
     "driverCUDA": "\(driver.versionString)", "elementwiseFloats": \(n), "gemmMNK": [\(m), \(nn), \(k)],
     "rows": [
    \(rows.map { "  " + $0.json }.joined(separator: ",\n"))
     ],
     "gemmVariantSearch": [
    \(search.map { "  {\"kernel\": \"\($0.kernel)\", \"GFLOPs\": \(flops / $0.timing.median / 1e9), \"check\": \"\($0.check)\"}" }.joined(separator: ",\n"))
     ],
     "bestVariant": "\(best.kernel)", "failedChecks": \(failures)}
    """
    let file = fopen(outPath, "w")
    fputs(json, file)
    fclose(file)
    if failures > 0 { print("speed: \(failures) checks failed"); exit(1) }
}
