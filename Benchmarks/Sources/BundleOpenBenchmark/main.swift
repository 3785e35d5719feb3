// Does opening a bundle and reading one image grow with the number of targets it holds?
// Builds two bundles of the same modules — one target, and 32 — and times, in one run,
// a fresh open + lookup + decompress + SHA-256 check of one image, many times each,
// interleaved so drift hits both alike. Prints a table and writes bench/results JSON.
import Foundation
import KilnBundle
import KilnCore

let modules = (0..<8).map { "module\($0)" }
let imageSize = 64 * 1024
let rounds = Int(ProcessInfo.processInfo.environment["KILN_BENCH_ROUNDS"] ?? "") ?? 3000

/// Synthetic image bytes that compress like machine code (about 3:1).
func image(_ seed: Int) -> [UInt8] {
    var state = UInt64(truncatingIfNeeded: seed) &* 0x9E37_79B9_7F4A_7C15 | 1
    return (0..<imageSize).map { i in
        state ^= state << 13; state ^= state >> 7; state ^= state << 17
        return i % 4 == 0 ? UInt8(truncatingIfNeeded: state) : UInt8(truncatingIfNeeded: state % 16)
    }
}

func makeBundle(targets: [Target], path: String) throws {
    let manifest = Manifest(
        deviceList: targets.map(\.name).joined(separator: ","),
        modules: modules.map { ModuleRecord(name: $0, language: .openCLC, sourceSHA256: "", kernels: []) },
        targets: targets.map { TargetRecord(name: $0.name, format: $0.format, toolchain: "synthetic") },
        toolchains: [:])
    var writer = BundleWriter(manifest: manifest, compressionLevel: 3)
    for (m, module) in modules.enumerated() {
        for (t, target) in targets.enumerated() {
            try writer.add(module: module, target: target.name, format: target.format, toolchain: "synthetic",
                           bytes: image(m * 1000 + t))
        }
    }
    try writer.write(to: path)
}

func nanoseconds(_ body: () throws -> Void) rethrows -> UInt64 {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return DispatchTime.now().uptimeNanoseconds - start
}

let registry = TargetRegistry.standard
let all = registry.nvidiaArchitectures.map { Target.sm($0.capability.number) }
    + registry.intelDevices.map(\.target)
let many = Array(all.prefix(32))
precondition(many.count == 32, "the registry has fewer than 32 device targets")
let wanted = many[many.count / 2]
let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-bench-\(getpid())")
try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
let cases: [(name: String, targets: [Target], path: String)] = [
    ("1 target", [wanted], folder.appendingPathComponent("one.kiln").path),
    ("32 targets", many, folder.appendingPathComponent("many.kiln").path),
]
for c in cases { try makeBundle(targets: c.targets, path: c.path) }

var samples: [[UInt64]] = [[], []]
for round in 0..<(rounds + 100) {
    for (i, c) in cases.enumerated() {
        let time = try nanoseconds {
            let reader = try BundleReader(path: c.path)
            let bytes = try reader.image(module: "module3", target: wanted.name)
            precondition(bytes.count == imageSize)
        }
        if round >= 100 { samples[i].append(time) }  // the first 100 rounds warm caches
    }
}

func median(_ values: [UInt64]) -> Double { Double(values.sorted()[values.count / 2]) / 1000 }
func percentile(_ values: [UInt64], _ p: Double) -> Double { Double(values.sorted()[Int(Double(values.count - 1) * p)]) / 1000 }

let sizes = try cases.map { try FileManager.default.attributesOfItem(atPath: $0.path)[.size] as! Int }
let medians = samples.map(median)
let ratio = medians[1] / medians[0]
let host = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
    .split(separator: "\n").first { $0.hasPrefix("model name") }?.split(separator: ":").last?
    .trimmingCharacters(in: .whitespaces) ?? "unknown CPU"
print("open + read one \(imageSize / 1024) KiB image (\(rounds) rounds each, \(ProcessInfo.processInfo.activeProcessorCount) cores, \(host))")
for (i, c) in cases.enumerated() {
    print("  \(c.name.padding(toLength: 11, withPad: " ", startingAt: 0)) \(sizes[i] / 1024) KiB bundle: median \(String(format: "%.1f", medians[i])) µs, p10 \(String(format: "%.1f", percentile(samples[i], 0.1))) µs, p90 \(String(format: "%.1f", percentile(samples[i], 0.9))) µs")
}
print("  ratio 32/1: \(String(format: "%.3f", ratio))")

let date = ISO8601DateFormatter().string(from: Date())
let result: [String: Any] = [
    "benchmark": "bundle-open-1-vs-32-targets",
    "date": date, "machine": host, "cores": ProcessInfo.processInfo.activeProcessorCount,
    "kiln": KilnVersion.current, "rounds": rounds, "imageBytes": imageSize, "modules": modules.count,
    "cases": cases.indices.map { i in
        ["name": cases[i].name, "bundleBytes": sizes[i], "medianMicroseconds": medians[i],
         "p10Microseconds": percentile(samples[i], 0.1), "p90Microseconds": percentile(samples[i], 0.9)] as [String: Any]
    },
    "ratio": ratio,
]
if let out = ProcessInfo.processInfo.environment["KILN_BENCH_OUT"] {
    let data = try JSONSerialization.data(withJSONObject: result, options: [.prettyPrinted, .sortedKeys])
    try data.write(to: URL(fileURLWithPath: out))
    print("wrote \(out)")
}
try? FileManager.default.removeItem(at: folder)
