import Foundation
import KilnBundle
import KilnTestSupport
import Testing

/// The build plugin, run by SwiftPM as a user's package runs it: a package that depends on Kiln
/// by path, with a kernel and a `kiln.json`, built, edited and built again.
///
/// Opt-in (`KILN_PLUGIN_E2E=1`): the first `swift build` compiles Kiln and its dependencies for the
/// new package, which takes many minutes on a small machine, and fetches those dependencies.
@Suite("build plugin, end to end",
       .enabled(if: ProcessInfo.processInfo.environment["KILN_PLUGIN_E2E"] == "1",
                "set KILN_PLUGIN_E2E=1 to build a package that uses the plugin (many minutes)"),
       .enabled(if: FileManager.default.fileExists(atPath: "/etc/OpenCL/vendors/pocl.icd"),
                "needs PoCL for the cpu target (pocl-opencl-icd, which scripts/setup.sh installs)"))
struct PluginEndToEndTests {
    struct Run {
        var status: Int32
        var output: String
        var seconds: Double
    }

    /// Runs `swift ARGUMENTS` in a folder, without `KILN_AOT_DEVLIST`; both pipes are read as it
    /// runs, so a long build cannot fill one.
    static func swift(_ arguments: [String], in folder: String) async throws -> Run {
        let start = ContinuousClock.now
        let run = try await KilnProcess.run(executable: "swift", arguments, in: folder, environment: ["KILN_AOT_DEVLIST": nil],
                                            combined: true, limit: .seconds(1800))
        let elapsed = ContinuousClock.now - start
        return Run(status: run.status, output: run.timedOut ? run.stderr : run.stdout,
                   seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    /// The bundle the plugin wrote for target `App`.
    static func bundle(in folder: String) throws -> BundleReader {
        let build = URL(fileURLWithPath: folder + "/.build")
        let found = FileManager.default.enumerator(at: build, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }.first { $0.lastPathComponent == "App.kiln" && $0.path.contains("/plugins/outputs/") }
        return try BundleReader(path: try #require(found, "no App.kiln under \(build.path)").path)
    }

    @Test("an edit to kiln.json reaches the next `swift build`'s bundle, and a bad list fails the build at its line")
    func configEdits() async throws {
        let root = KilnProcess.projectRoot()
        let folder = try SpecialFiles.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let app = folder + "/Sources/App"
        try FileManager.default.createDirectory(atPath: app, withIntermediateDirectories: true)
        try """
            // swift-tools-version: 6.1
            import PackageDescription

            let package = Package(
                name: "PluginProbe",
                platforms: [.macOS(.v15)],
                dependencies: [.package(path: "\(root.path)")],
                targets: [
                    .executableTarget(
                        name: "App",
                        exclude: ["kiln.json"],
                        plugins: [.plugin(name: "KilnBuildPlugin", package: "\(root.lastPathComponent)")]
                    ),
                ]
            )
            """.write(toFile: folder + "/Package.swift", atomically: false, encoding: .utf8)
        try """
            import Foundation
            print(Bundle.module.url(forResource: "App", withExtension: "kiln")?.path ?? "no bundle")
            """.write(toFile: app + "/main.swift", atomically: false, encoding: .utf8)
        try "kernel void twice(global float* x) { x[get_global_id(0)] *= 2.0f; }\n"
            .write(toFile: app + "/twice.cl", atomically: false, encoding: .utf8)

        try #"{"devices": "none"}"#.write(toFile: app + "/kiln.json", atomically: false, encoding: .utf8)
        let first = try await Self.swift(["build"], in: folder)
        print("plugin end to end: first swift build (Kiln and its dependencies included) took \(Int(first.seconds)) s")
        try #require(first.status == 0, "\(first.output.suffix(4000))")
        #expect(try Self.bundle(in: folder).manifest().deviceList == "none")

        try #"{"devices": "cpu"}"#.write(toFile: app + "/kiln.json", atomically: false, encoding: .utf8)
        let second = try await Self.swift(["build"], in: folder)
        print("plugin end to end: swift build after editing kiln.json took \(Int(second.seconds)) s")
        try #require(second.status == 0, "\(second.output.suffix(4000))")
        let reader = try Self.bundle(in: folder)
        #expect(try reader.manifest().deviceList == "cpu", "the bundle still has the old list: kiln.json went stale")
        #expect(try reader.entry(module: "twice", target: "cpu") != nil)
        let run = try await Self.swift(["run", "--skip-build", "App"], in: folder)
        #expect(run.status == 0 && run.output.contains("App.kiln"), "\(run.output)")

        try #"{"devices": "cpu,pvcc"}"#.write(toFile: app + "/kiln.json", atomically: false, encoding: .utf8)
        let bad = try await Self.swift(["build"], in: folder)
        #expect(bad.status != 0)
        #expect(bad.output.contains("kiln.json:1:13: error: device list 'cpu,pvcc': unknown device 'pvcc'"), "\(bad.output.suffix(4000))")
    }
}
