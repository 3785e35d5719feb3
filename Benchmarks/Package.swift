// swift-tools-version: 6.0
// Kiln's benchmarks, a package of their own so the library's build stays light.
// Run from this folder: swift run -c release BundleOpenBenchmark
// BundleReadBenchmark FILE.kiln: decompression and check speed of a bundle's images (bench/size/reference_growth.sh).
// GPUCheck runs on the GPU machine: see bench/gpu/run.sh.
// OpenCLStartup: swift run -c release OpenCLStartup compare (PoCL, AOT vs JIT time to first result).
import Foundation
import PackageDescription

// Kiln is the package one folder up; SwiftPM names a path dependency after its folder.
let kiln = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

let package = Package(
    name: "KilnBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [.package(path: "..")],
    targets: [
        .executableTarget(
            name: "GPUCheck",
            dependencies: [
                .product(name: "KilnCore", package: kiln),
                .product(name: "KilnBundle", package: kiln),
                .product(name: "KilnRuntime", package: kiln),
            ]
        ),
        .executableTarget(
            name: "OpenCLStartup",
            dependencies: [
                .product(name: "KilnCore", package: kiln),
                .product(name: "KilnBundle", package: kiln),
                .product(name: "KilnCompiler", package: kiln),
                .product(name: "KilnRuntime", package: kiln),
            ]
        ),
        .executableTarget(
            name: "BundleReadBenchmark",
            dependencies: [
                .product(name: "KilnCore", package: kiln),
                .product(name: "KilnBundle", package: kiln),
            ]
        ),
        .executableTarget(
            name: "BundleOpenBenchmark",
            dependencies: [
                .product(name: "KilnCore", package: kiln),
                .product(name: "KilnBundle", package: kiln),
            ]
        ),
    ]
)
