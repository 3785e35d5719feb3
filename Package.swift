// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Kiln",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "kiln", targets: ["kiln"]),
        .library(name: "KilnCore", targets: ["KilnCore"]),
        .library(name: "KilnBundle", targets: ["KilnBundle"]),
        .library(name: "KilnDrivers", targets: ["KilnDrivers"]),
        .library(name: "KilnCache", targets: ["KilnCache"]),
        .library(name: "KilnCompiler", targets: ["KilnCompiler"]),
        .library(name: "KilnRuntime", targets: ["KilnRuntime"]),
        .library(name: "KilnVerify", targets: ["KilnVerify"]),
        .plugin(name: "KilnBuildPlugin", targets: ["KilnBuildPlugin"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        // Every child process Kiln runs (ocloc, clang; the tests' `kiln`), with its Foundation trait off
        // so the static `kiln` links no Foundation for it; swift-system for its `FilePath`.
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2", traits: []),
        .package(url: "https://github.com/apple/swift-system", from: "1.5.0"),
        // `swift package generate-documentation --target KilnRuntime` (the DocC catalog in Sources/KilnRuntime).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CZstd",
            pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"])]
        ),
        // libcurl's variadic calls, for the remote cache, which opens libcurl with dlopen (header only).
        .systemLibrary(name: "CCurl"),
        .target(name: "KilnCore"),
        .target(
            name: "KilnBundle",
            dependencies: [
                "KilnCore",
                "CZstd",
            ]
        ),
        // Each vendor library's C binding up to safe Swift objects (CUDA driver, OpenCL, NVRTC,
        // nvJitLink), below both the compiler and the runtime.
        .target(name: "KilnDrivers", dependencies: ["KilnCore"]),
        // The on-disk cache folder and the remote HTTP store that the build cache and the JIT cache share.
        .target(
            name: "KilnCache",
            dependencies: ["KilnCore", "KilnBundle", "CCurl", .product(name: "Logging", package: "swift-log")]
        ),
        .target(
            name: "KilnCompiler",
            dependencies: [
                "KilnCore", "KilnBundle", "KilnDrivers", "KilnCache",
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        .target(
            name: "KilnRuntime",
            dependencies: ["KilnCore", "KilnBundle", "KilnDrivers", "KilnCache", .product(name: "Logging", package: "swift-log")]
        ),
        // `kiln verify`'s checks of Kiln's own kernels against float64 references, above the runtime
        // so an app that links KilnRuntime carries none of them.
        .target(name: "KilnVerify", dependencies: ["KilnCore", "KilnBundle", "KilnDrivers", "KilnRuntime"]),
        .executableTarget(
            name: "kiln",
            dependencies: [
                "KilnCore",
                "KilnBundle",
                "KilnDrivers",
                "KilnCache",
                "KilnCompiler",
                "KilnRuntime",
                "KilnVerify",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .plugin(name: "KilnBuildPlugin", capability: .buildTool(), dependencies: ["kiln"]),
        .target(
            name: "KilnTestSupport",
            dependencies: ["KilnCore", "KilnBundle", "KilnCompiler"],
            path: "Tests/KilnTestSupport"
        ),
        .testTarget(name: "KilnCoreTests", dependencies: ["KilnCore", "KilnTestSupport"]),
        .testTarget(name: "KilnBundleTests", dependencies: ["KilnBundle", "KilnTestSupport"]),
        .testTarget(name: "KilnCompilerTests", dependencies: ["KilnCompiler", "KilnDrivers", "KilnCache", "KilnTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "KilnRuntimeTests", dependencies: ["KilnRuntime", "KilnVerify", "KilnDrivers", "KilnCache", "KilnCompiler", "KilnTestSupport"]),
        // A program that uses the JIT cache as a user's program does, for the multi-process tests.
        .executableTarget(name: "KilnCacheProbe", dependencies: ["KilnRuntime", "KilnCompiler"], path: "Tests/KilnCacheProbe"),
        // A program that runs one kernel as a user's program does, for the start-up tests and bench/gpu/startup.sh.
        .executableTarget(name: "KilnStartupProbe", dependencies: ["KilnRuntime", "KilnCore"], path: "Tests/KilnStartupProbe"),
        .testTarget(name: "KilnCLITests", dependencies: ["kiln", "KilnTestSupport"], exclude: ["Golden"]),
    ]
)
