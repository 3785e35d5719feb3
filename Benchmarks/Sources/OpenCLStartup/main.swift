// Time from process start to the first kernel result on PoCL, AOT (a `cpu` PoCL binary) against
// JIT (the OpenCL C source compiled by PoCL), for Kiln's reference kernels.
//
//   OpenCLStartup compare [RUNS]          build both bundles, time RUNS fresh processes per case, report
//   OpenCLStartup first-result BUNDLE M   load module M, run one kernel, check it against float64, exit
//
// Every child runs with POCL_KERNEL_CACHE=0 and a fresh POCL_CACHE_DIR, so PoCL's own kernel cache
// cannot hide a compile; the JIT cache is Kiln's NoJITCache. One extra AOT child per module runs with
// POCL_DEBUG=general,llvm to show what PoCL compiled.
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import KilnBundle
import KilnCompiler
import KilnCore
import KilnRuntime

let modules = ["saxpy", "transpose", "reduce_sum", "histogram", "gemm_variants"]

func randomFloats(_ n: Int) -> [Float] { (0..<n).map { _ in Float.random(in: -1...1) } }

/// Runs one kernel of a module on PoCL and checks it; returns whether it matched.
func firstResult(bundle: String, module: String) throws -> Bool {
    let runtime = try OpenCLRuntime.load()
    guard let device = runtime.poclDevice else { throw KilnError(.noDevice, "no PoCL device") }
    let backend = try BundleSession(reader: try BundleReader(path: bundle), device: .openCL(device), cache: NoJITCache())
    switch module {
    case "saxpy":
        let n = 4096, x = randomFloats(n), y = randomFloats(n)
        let by = try device.makeBuffer(y)
        try backend.kernel("saxpy", in: module).launch(grid: Dim3(n / 128), block: 128,
            arguments: [.float32(2), .buffer(try device.makeBuffer(x)), .buffer(by), .int32(Int32(n))])
        let out = try by.download(as: Float.self)
        return zip(out, zip(x, y)).allSatisfy { abs(Double($0) - (2 * Double($1.0) + Double($1.1))) < 1e-5 }
    case "transpose":
        let w = 64, h = 48, input = randomFloats(w * h)
        let out = try device.makeBuffer([Float](repeating: .nan, count: w * h))
        try backend.kernel("transpose", in: module).launch(grid: Dim3(w / 16, h / 16), block: Dim3(16, 16),
            arguments: [.buffer(out), .buffer(try device.makeBuffer(input)), .int32(Int32(w)), .int32(Int32(h))])
        let t = try out.download(as: Float.self)
        return (0..<h).allSatisfy { r in (0..<w).allSatisfy { c in t[c * h + r] == input[r * w + c] } }
    case "reduce_sum":
        let n = 8192, values = randomFloats(n)
        let partial = try device.makeBuffer([Float](repeating: .nan, count: 4))
        try backend.kernel("reduce_sum", in: module).launch(grid: 4, block: 256,
            arguments: [.buffer(try device.makeBuffer(values)), .buffer(partial), .uint32(UInt32(n))])
        let sum = try partial.download(as: Float.self).reduce(0.0) { $0 + Double($1) }
        return abs(sum - values.reduce(0.0) { $0 + Double($1) }) < 1e-3
    case "histogram":
        let bytes = (0..<10_000).map { _ in UInt8.random(in: 0...255) }
        let bins = try device.makeBuffer([Int32](repeating: 0, count: 256))
        try backend.kernel("histogram", in: module).launch(grid: 4, block: 64,
            arguments: [.buffer(try device.makeBuffer(bytes)), .int32(Int32(bytes.count)), .buffer(bins)])
        var counts = [Int32](repeating: 0, count: 256)
        for byte in bytes { counts[Int(byte)] += 1 }
        return try bins.download(as: Int32.self) == counts
    default:
        let m = 64, n = 64, k = 64, a = randomFloats(m * k), b = randomFloats(k * n)
        let c = try device.makeBuffer([Float](repeating: .nan, count: m * n))
        try backend.kernel("gemm_t8_w1_u1_plain", in: module).launch(grid: Dim3(n / 8, m / 8), block: Dim3(8, 8),
            arguments: [.buffer(try device.makeBuffer(a)), .buffer(try device.makeBuffer(b)), .buffer(c),
                        .int32(Int32(m)), .int32(Int32(n)), .int32(Int32(k)), .float32(1), .float32(0)])
        let out = try c.download(as: Float.self)
        return (0..<m).allSatisfy { i in (0..<n).allSatisfy { j in
            let ref = (0..<k).reduce(0.0) { $0 + Double(a[i * k + $1]) * Double(b[$1 * n + j]) }
            return abs(Double(out[i * n + j]) - ref) < 1e-4
        } }
    }
}

/// Runs this program as a child and returns its wall time in seconds and its output.
func child(_ arguments: [String], environment: [String: String]) async throws -> (Double, Int32, String) {
    let program = ChildProcess(executable: URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path,
                               arguments: arguments, environment: environment.mapValues { $0 }, timeLimit: .seconds(600))
    let start = DispatchTime.now().uptimeNanoseconds
    let outcome = try await program.run()
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    return (seconds, outcome.status, outcome.text)
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

func compare(runs: Int) async throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-opencl-startup-\(getpid())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let sources = try modules.map { try SourceModule(path: root.appendingPathComponent("Kernels/\($0).cl").path) }
    let pocl = try PoCLToolchain()
    let bundles = ["aot": folder.appendingPathComponent("aot.kiln").path, "jit": folder.appendingPathComponent("jit.kiln").path]
    // AOT: cpu + source; JIT: source only (a device list must name a device, so build cpu and drop it below).
    _ = try await Builder(deviceList: try DeviceList.parse("cpu"), toolchains: [SourceToolchain(), pocl], options: .init(jobs: 2, cache: nil))
        .build(sources: sources, output: bundles["aot"]!)
    var jitManifest = try BundleReader(path: bundles["aot"]!).manifest()
    jitManifest.targets.removeAll { $0.name == "cpu" }
    var writer = BundleWriter(manifest: jitManifest)
    let aotReader = try BundleReader(path: bundles["aot"]!)
    for module in sources {
        try writer.add(module: module.name, target: "source", format: .source, toolchain: SourceToolchain().identity,
                       bytes: try aotReader.image(module: module.name, target: "source"))
    }
    try Data(try writer.serialize()).write(to: URL(fileURLWithPath: bundles["jit"]!))

    let machine = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
        .split(separator: "\n").first { $0.hasPrefix("model name") }?.split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "?"
    print("PoCL \(pocl.device.driverVersion) on \(pocl.hostString) (\(machine), \(ProcessInfo.processInfo.activeProcessorCount) cores); \(runs) runs per case, median wall time from process start to a checked first result")
    print("module          kernels  AOT ms   JIT ms   JIT/AOT")
    var totals = (aot: 0.0, jit: 0.0)
    for module in sources {
        var times: [String: Double] = [:]
        for label in ["aot", "jit"] {
            var samples: [Double] = []
            for run in 0..<runs {
                let cache = folder.appendingPathComponent("pocl-\(label)-\(module.name)-\(run)").path
                let (seconds, status, output) = try await child(["first-result", bundles[label]!, module.name],
                    environment: ["POCL_KERNEL_CACHE": "0", "POCL_CACHE_DIR": cache])
                guard status == 0, output.contains("ok") else {
                    print("FAIL \(label) \(module.name): \(output)")
                    exit(1)
                }
                samples.append(seconds)
            }
            times[label] = median(samples)
        }
        totals.aot += times["aot"]!
        totals.jit += times["jit"]!
        let name = module.name.padding(toLength: 15, withPad: " ", startingAt: 0)
        print(name + String(format: " %7d  %7.1f  %7.1f   %6.1fx", module.kernels.count,
                            times["aot"]! * 1000, times["jit"]! * 1000, times["jit"]! / times["aot"]!))
    }
    print(String(format: "all modules             %7.1f  %7.1f   %6.1fx", totals.aot * 1000, totals.jit * 1000, totals.jit / totals.aot))

    print("\nWhat PoCL compiles on the AOT path (POCL_DEBUG=general,llvm, POCL_KERNEL_CACHE=0):")
    for module in sources {
        let cache = folder.appendingPathComponent("pocl-debug-\(module.name)").path
        let (_, _, output) = try await child(["first-result", bundles["aot"]!, module.name],
            environment: ["POCL_KERNEL_CACHE": "0", "POCL_CACHE_DIR": cache, "POCL_DEBUG": "general,llvm"])
        let lines = output.split(separator: "\n")
        let built = lines.filter { $0.contains("Built a specialized WG function") }.count
        let generic = lines.filter { $0.contains("Using a cached WG function") && $0.contains("/0-0-0/") }.count
        let compiled = lines.filter { $0.contains("clang") || $0.contains("Compiling") }.count
        print("  \(module.name): specialised work-group functions built: \(built); generic functions from the binary used: \(generic); front-end compiles: \(compiled)")
    }
}

// Before anything else: PoCL runs a `cpu` binary's generic work-group function, as under `kiln`.
OpenCLRuntime.preferGenericWorkGroups()
let arguments = CommandLine.arguments
do {
    switch arguments.count > 1 ? arguments[1] : "compare" {
    case "first-result" where arguments.count == 4:
        let ok = try firstResult(bundle: arguments[2], module: arguments[3])
        print(ok ? "ok" : "MISMATCH")
        exit(ok ? 0 : 1)
    case "compare":
        try await compare(runs: arguments.count > 2 ? Int(arguments[2]) ?? 5 : 5)
    default:
        print("usage: OpenCLStartup compare [RUNS] | first-result BUNDLE MODULE")
        exit(2)
    }
} catch {
    print("error: \(error)")
    exit(1)
}
