// swift-tools-version: 6.0
// Kiln's benchmarks, a package of their own so the library's build stays light.
// Run from this folder: swift run -c release BundleOpenBenchmark
// GPUCheck runs on the GPU machine: see bench/gpu/run.sh.
// OpenCLStartup: swift run -c release OpenCLStartup compare (PoCL, AOT vs JIT time to first result).
import PackageDescription

let package = Package(
    name: "KilnBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [.package(path: "..")],
    targets: [
        .executableTarget(
            name: "GPUCheck",
            dependencies: [
                .product(name: "KilnCore", package: "main"),
                .product(name: "KilnBundle", package: "main"),
                .product(name: "KilnRuntime", package: "main"),
            ]
        ),
        .executableTarget(
            name: "OpenCLStartup",
            dependencies: [
                .product(name: "KilnCore", package: "main"),
                .product(name: "KilnBundle", package: "main"),
                .product(name: "KilnCompiler", package: "main"),
                .product(name: "KilnRuntime", package: "main"),
            ]
        ),
        .executableTarget(
            name: "BundleOpenBenchmark",
            dependencies: [
                .product(name: "KilnCore", package: "main"),
                .product(name: "KilnBundle", package: "main"),
            ]
        ),
    ]
)
