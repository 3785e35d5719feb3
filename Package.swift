// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Kiln",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "kiln", targets: ["kiln"]),
        .library(name: "KilnCore", targets: ["KilnCore"]),
        .library(name: "KilnBundle", targets: ["KilnBundle"]),
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
        .executableTarget(
            name: "kiln",
            dependencies: [
                "KilnCore",
                "KilnBundle",
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
        .testTarget(name: "KilnCLITests", dependencies: ["kiln", "KilnTestSupport"]),
    ]
)
