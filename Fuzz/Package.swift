// swift-tools-version: 6.0
// Kiln's fuzz targets, a package of their own so the library's build stays light and free of
// sanitizer flags. Build and run from this folder with ./run.sh SECONDS (libFuzzer, from the
// Swift toolchain: -sanitize=fuzzer). The targets reach Kiln's internal parsers through
// `@testable import`, so the build passes -enable-testing.
import Foundation
import PackageDescription

// Kiln is the package one folder up; SwiftPM names a path dependency after its folder.
let kiln = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

let package = Package(
    name: "KilnFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(path: "..")],
    targets: [
        .executableTarget(
            name: "FuzzBundle",
            dependencies: [
                .product(name: "KilnCore", package: kiln),
                .product(name: "KilnBundle", package: kiln),
                .product(name: "KilnCache", package: kiln),
                .product(name: "KilnRuntime", package: kiln),
            ]
        ),
    ]
)
