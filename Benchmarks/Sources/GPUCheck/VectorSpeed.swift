// `GPUCheck vector-speed BUNDLE`: the elementwise kernels with float4 accesses (elementwise4.cl)
// against copy bandwidth, beside the 4-byte copy_f32, from one bundle of sm_90 cubins.
// Same method as Speed.swift: results checked first, warm-up, batches between synchronizations,
// median of 21 samples; 2^27 floats (512 MiB) per array; bytes = read + written.
import KilnBundle
#if canImport(Glibc)
import Glibc
#endif
import KilnCore
import KilnRuntime

func vectorSpeed(_ path: String) throws {
    let driver = try CUDADriver.load()
    let device = try driver.device(0)
    print("device: \(device), driver CUDA \(driver.versionString)")
    let backend = try BundleSession(reader: BundleReader(path: path), device: .cuda(device), policy: .never)
    var rng = FastRandom(seed: 0x5EED)
    let n = 1 << 27, n4 = n / 4
    let x = rng.floats(n), y = rng.floats(n)
    let bx = try device.makeBuffer(x), by = try device.makeBuffer(y), bout = try device.makeBuffer(of: Float.self, count: n)
    let a: Float = 0.5
    let block = Dim3(256)
    var checksFailed = 0

    let copy1 = try backend.kernel("copy_f32", in: "copy"), copy4 = try backend.kernel("copy4", in: "elementwise4")
    let saxpy4 = try backend.kernel("saxpy4", in: "elementwise4"), add4 = try backend.kernel("add4", in: "elementwise4")

    try bout.fill(byte: 0xFF)
    try copy4.launch(grid: Dim3((n4 + 255) / 256), block: block, arguments: [.buffer(bx), .buffer(bout), .int32(Int32(n4))])
    if try bout.download(as: Float.self) != x { checksFailed += 1; print("copy4: FAILED") }
    try bout.fill(byte: 0xFF)
    try add4.launch(grid: Dim3((n4 + 255) / 256), block: block, arguments: [.buffer(bx), .buffer(by), .buffer(bout), .int32(Int32(n4))])
    let added = try bout.download(as: Float.self)
    if (0..<n).contains(where: { added[$0] != x[$0] + y[$0] }) { checksFailed += 1; print("add4: FAILED") }
    try saxpy4.launch(grid: Dim3((n4 + 255) / 256), block: block, arguments: [.float32(a), .buffer(bx), .buffer(by), .int32(Int32(n4))])
    let sy = try by.download(as: Float.self)
    var num = 0.0, den = 0.0
    for i in 0..<n {
        let r = Double(a) * Double(x[i]) + Double(y[i])
        num += (Double(sy[i]) - r) * (Double(sy[i]) - r); den += r * r
    }
    if !((num / den).squareRoot() < 1e-6) { checksFailed += 1; print("saxpy4: FAILED") }

    func rate(_ bytes: Int, _ launch: () throws -> Void) throws -> Timing {
        try timeLaunches(device, warmup: 5, samples: 21, batch: 10, launch)
    }
    let g1 = Dim3((n + 255) / 256), g4 = Dim3((n4 + 255) / 256)
    let rows: [(String, Int, Timing)] = [
        ("copy_f32 (4-byte)", 8 * n, try rate(8 * n) { try copy1.launch(grid: g1, block: block, arguments: [.buffer(bx), .buffer(bout), .int32(Int32(n))]) }),
        ("copy4 (float4)", 8 * n, try rate(8 * n) { try copy4.launch(grid: g4, block: block, arguments: [.buffer(bx), .buffer(bout), .int32(Int32(n4))]) }),
        ("add4 (float4)", 12 * n, try rate(12 * n) { try add4.launch(grid: g4, block: block, arguments: [.buffer(bx), .buffer(by), .buffer(bout), .int32(Int32(n4))]) }),
        ("saxpy4 (float4)", 12 * n, try rate(12 * n) { try saxpy4.launch(grid: g4, block: block, arguments: [.float32(a), .buffer(bx), .buffer(by), .int32(Int32(n4))]) }),
    ]
    let copyRate = Double(rows[0].1) / rows[0].2.median
    let copy4Rate = Double(rows[1].1) / rows[1].2.median
    for (name, bytes, t) in rows {
        let gbs = Double(bytes) / t.median / 1e9
        print(pad(name, 20) + " " + fixed(gbs, 1) + " GB/s (min–max " + fixed(Double(bytes) / t.max / 1e9, 1) + "–"
              + fixed(Double(bytes) / t.min / 1e9, 1) + "); ÷ copy_f32 " + fixed(Double(bytes) / t.median / copyRate, 3)
              + ", ÷ copy4 " + fixed(Double(bytes) / t.median / copy4Rate, 3))
    }
    print(checksFailed == 0 ? "vector-speed: all results checked against float64" : "vector-speed: \(checksFailed) checks failed")
    if checksFailed > 0 { exit(1) }
}
