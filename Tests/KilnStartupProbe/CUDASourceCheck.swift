import KilnCore
import KilnRuntime

/// `KilnStartupProbe cuda-source BUNDLE PATH`: on the first NVIDIA GPU, runs `saxpy` then `scale<3>`
/// from BUNDLE's `cuda_source` module (bench/gpu/kernels/cuda_source.cu, built as CUDA source only),
/// checks every element, and checks that the module was served by PATH (`jit` when NVRTC compiled
/// it, `jit-cached` when the JIT cache held the cubin). bench/gpu/check.sh runs it twice with one cache.
func cudaSource(bundle: String, expecting path: String) throws {
    let (found, unavailable) = ComputeDevice.first([.nvidia])
    guard let device = found else {
        fail("no NVIDIA GPU: " + unavailable.map { "\($0.family): \($0.reason)" }.joined(separator: "; "))
    }
    let session = try BundleSession(bundle: bundle, device: device)
    let n = 1000
    let x = (0..<n).map { Float($0) }, y = (0..<n).map { Float($0 % 7) }
    let dx = try device.makeBuffer(x), dy = try device.makeBuffer(y)
    let blocks = Dim3((n + 255) / 256)
    try session.kernel("saxpy", in: "cuda_source")
        .launch(grid: blocks, block: 256, arguments: [dy.argument, dx.argument, .float32(2), .int(n)])
    try session.kernel("scale<3>", in: "cuda_source").launch(grid: blocks, block: 256, arguments: [dy.argument, .int(n)])
    let result: [Float] = try dy.download()
    for i in 0..<n where result[i] != (y[i] + 2 * x[i]) * 3 {
        fail("wrong result: y[\(i)] = \(result[i]), expected \((y[i] + 2 * x[i]) * 3)")
    }
    let record = session.resolutions[0]
    guard record.path.rawValue == path else {
        fail("\(device.summary): module \(record.module) was served by \(record.path.rawValue) from \(record.target), expected \(path)")
    }
    print("\(device.summary): \(record.module) \(record.path.rawValue) \(record.target) in \(record.seconds) s, saxpy and scale<3> checked on \(n) elements")
}
