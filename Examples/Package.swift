// swift-tools-version: 6.1
// An application that keeps its kernels beside its Swift code and builds them with Kiln's
// plugin. From this folder: swift run Saxpy   (KILN_AOT_DEVLIST=sm_90,pvc swift run Saxpy to choose devices)
import Foundation
import PackageDescription

// Kiln is the package one folder up; SwiftPM names a path dependency after its folder.
let kiln = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

let package = Package(
    name: "KilnExample",
    platforms: [.macOS(.v15)],
    dependencies: [.package(path: "..")],
    targets: [
        .executableTarget(
            name: "Saxpy",
            dependencies: [.product(name: "KilnRuntime", package: kiln)],
            plugins: [.plugin(name: "KilnBuildPlugin", package: kiln)]
        ),
    ]
)
