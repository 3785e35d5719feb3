// How fast are a bundle's images read back? For a bundle that `kiln build` wrote, times, many
// rounds each with a fresh reader:
//   - every image in table order (what `kiln verify` does): raw MB/s;
//   - the images of each format (ptx, cubin, …) alone, without their SHA-256: raw MB/s;
//   - each image stored alone (zstd), one per fresh reader: raw MB/s;
//   - each image stored against a reference, one per fresh reader, so its reference is read
//     and checked too (the worst case): raw MB/s of the image asked for.
// Every read decompresses and checks the SHA-256; "decodeOnly" repeats the first without the
// image's own SHA-256 (through the Benchmarks SPI), to time decompression alone; "jobs" reads
// every image as `kiln verify` does, one image per processor at once. Prints one JSON object.
// Usage: swift run -c release BundleReadBenchmark FILE.kiln [ROUNDS]
import Foundation
@_spi(Benchmarks) import KilnBundle
import KilnCore

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: BundleReadBenchmark FILE.kiln [ROUNDS]\n".utf8))
    exit(2)
}
let path = arguments[1]
let rounds = arguments.count > 2 ? Int(arguments[2]) ?? 20 : 20

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
}

let entries = try BundleReader(path: path).entries()
let alone = entries.filter { $0.codec == .zstd }
let referenced = entries.filter { $0.codec == .zstdReferenced }
func raw(_ list: [ImageEntry]) -> Double { Double(list.reduce(0) { $0 + $1.rawSize }) }

let formats = Dictionary(grouping: entries, by: { "\($0.format)" })
var decodeOnlyByFormat: [String: [Double]] = [:]
var all: [Double] = [], decodeOnly: [Double] = [], concurrent: [Double] = [], single: [Double] = [], withReference: [Double] = []
let jobs = ProcessInfo.processInfo.activeProcessorCount
for _ in 0..<rounds {
    decodeOnly.append(try seconds {
        let reader = try BundleReader(path: path)
        for entry in entries { _ = try reader.imageSkippingChecksum(entry) }
    })
    for (format, list) in formats {
        decodeOnlyByFormat[format, default: []].append(try seconds {
            let reader = try BundleReader(path: path)
            for entry in list { _ = try reader.imageSkippingChecksum(entry) }
        })
    }
    all.append(try seconds {
        let reader = try BundleReader(path: path)
        for entry in entries { _ = try reader.image(entry) }
    })
    concurrent.append(try seconds {
        let damaged = try BundleReader(path: path).damagedImages(entries, jobs: jobs)
        precondition(damaged.isEmpty, "the bundle has damaged images: \(damaged.map(\.error))")
    })
    var total = 0.0
    for entry in alone {
        let reader = try BundleReader(path: path)
        _ = try reader.entries()
        total += try seconds { _ = try reader.image(entry) }
    }
    single.append(total)
    total = 0
    for entry in referenced {
        let reader = try BundleReader(path: path)
        _ = try reader.entries()
        total += try seconds { _ = try reader.image(entry) }
    }
    withReference.append(total)
}
let mb = 1e6
let result: [String: Any] = [
    "benchmark": "bundle-read", "bundle": path, "rounds": rounds,
    "images": entries.count, "imagesZstd": alone.count, "imagesReferenced": referenced.count,
    "rawBytes": Int(raw(entries)), "fileBytes": Int((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0),
    "allImagesMedianSeconds": median(all), "allImagesRawMBps": (raw(entries) / median(all) / mb).rounded(),
    "allImagesJobs": jobs, "allImagesJobsMedianSeconds": median(concurrent), "allImagesJobsRawMBps": (raw(entries) / median(concurrent) / mb).rounded(),
    "allImagesDecodeOnlyMedianSeconds": median(decodeOnly), "allImagesDecodeOnlyRawMBps": (raw(entries) / median(decodeOnly) / mb).rounded(),
    "decodeOnlyRawMBpsByFormat": formats.mapValues { (raw($0) / median(decodeOnlyByFormat["\($0[0].format)"]!) / mb).rounded() },
    "zstdImagesRawMBps": alone.isEmpty ? 0 : (raw(alone) / median(single) / mb).rounded(),
    "referencedImagesRawMBps": referenced.isEmpty ? 0 : (raw(referenced) / median(withReference) / mb).rounded(),
]
let json = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
print(String(decoding: json, as: UTF8.self))
