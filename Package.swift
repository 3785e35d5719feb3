// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Kiln",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "kiln", targets: ["kiln"]),
        .library(name: "KilnCore", targets: ["KilnCore"]),
        .library(name: "KilnBundle", targets: ["KilnBundle"]),
        .library(name: "KilnCompiler", targets: ["KilnCompiler"]),
        .library(name: "KilnRuntime", targets: ["KilnRuntime"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.0.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CZstd",
            pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"])]
        ),
        .target(name: "KilnCore"),
        .target(
            name: "KilnBundle",
            dependencies: [
                "KilnCore",
                "CZstd",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(name: "KilnCompiler", dependencies: ["KilnCore", "KilnBundle"]),
        .target(name: "KilnRuntime", dependencies: ["KilnCore", "KilnBundle"]),
        .executableTarget(
            name: "kiln",
            dependencies: [
                "KilnCore",
                "KilnBundle",
                "KilnCompiler",
                "KilnRuntime",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(
            name: "KilnTestSupport",
            dependencies: ["KilnCore", "KilnBundle"],
            path: "Tests/KilnTestSupport"
        ),
        .testTarget(name: "KilnCoreTests", dependencies: ["KilnCore"]),
        .testTarget(name: "KilnBundleTests", dependencies: ["KilnBundle", "KilnTestSupport"]),
        .testTarget(name: "KilnCompilerTests", dependencies: ["KilnCompiler", "KilnTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "KilnRuntimeTests", dependencies: ["KilnRuntime", "KilnTestSupport"]),
        .testTarget(name: "KilnCLITests", dependencies: ["kiln", "KilnTestSupport"], exclude: ["Golden"]),
    ]
)
