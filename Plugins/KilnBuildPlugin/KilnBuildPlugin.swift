import Foundation
import PackagePlugin

/// Runs `kiln build` over the `.cl` / `.cu` kernels of a target and adds the bundle to the
/// target's resources, as `TARGET.kiln`.
///
/// The device list comes from `KILN_AOT_DEVLIST` (the counterpart of `USE_AOT_DEVLIST`), else
/// from `kiln.json` in the target (`{"devices": "sm_90,pvc", "defines": […], "includes": […]}`),
/// else it is `kiln build`'s default: the data-center GPUs AOT, with the portable forms for every
/// other device — like the seed's prebuilt wheels.
///
/// The plugin does not read `kiln.json`: SwiftPM keeps a plan's commands across builds, so a
/// list read while planning goes stale when the file is edited. It passes the file's path
/// (`kiln build --config`), and `kiln` reads it each time the command runs; the file is an input
/// of the command, so an edit runs it again (as swift-openapi-generator passes `--config`).
@main
struct KilnBuildPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        guard let target = target as? SourceModuleTarget else { return [] }
        let kernels = target.sourceFiles.map(\.url).filter { ["cl", "cu"].contains($0.pathExtension) }
            .sorted { $0.path < $1.path }
        guard !kernels.isEmpty else { return [] }
        let config = target.directoryURL.appendingPathComponent("kiln.json")
        let hasConfig = FileManager.default.fileExists(atPath: config.path)
        // Headers beside the kernels are inputs too, so an edit to one builds again.
        let headers = target.sourceFiles.map(\.url).filter { ["h", "clh", "cuh"].contains($0.pathExtension) }
        let output = context.pluginWorkDirectoryURL.appendingPathComponent("\(target.name).kiln")
        let arguments = ["build"] + kernels.map(\.path) + (hasConfig ? ["--config", config.path] : []) + [
            "-o", output.path, "--build-cache", context.pluginWorkDirectoryURL.appendingPathComponent("cache").path,
        ]
        let variable = ProcessInfo.processInfo.environment["KILN_AOT_DEVLIST"].flatMap { $0.isEmpty ? nil : $0 }
        let devices = variable.map { "KILN_AOT_DEVLIST=\($0)" } ?? (hasConfig ? "the devices in kiln.json" : "the default devices")
        return [.buildCommand(
            displayName: "Kiln: compiling \(kernels.count) kernel file(s) of \(target.name) for \(devices)",
            executable: try context.tool(named: "kiln").url,
            arguments: arguments,
            environment: toolchainEnvironment(),
            inputFiles: kernels + headers + (hasConfig ? [config] : []),
            outputFiles: [output])]
    }

    /// The environment `kiln` runs with: `KILN_AOT_DEVLIST`, the remote cache's and the toolchain variables where they
    /// are set, and the NVRTC and nvJitLink that Kiln's scripts/setup.sh installed beside Kiln's own
    /// sources (`.toolchains/`), unless `KILN_NVRTC`/`KILN_NVJITLINK` already name them.
    func toolchainEnvironment() -> [String: String] {
        let environment = ProcessInfo.processInfo.environment
        let names = ["KILN_AOT_DEVLIST", "KILN_NVRTC", "KILN_NVJITLINK", "KILN_OCLOC", "KILN_CLANG", "KILN_LIBCLC", "KILN_CUDA_INCLUDE",
                     "KILN_REMOTE_CACHE", "KILN_REMOTE_CACHE_READONLY", "KILN_REMOTE_CACHE_TOKEN_FILE",
                     "KILN_REMOTE_CACHE_CONNECT_TIMEOUT", "KILN_REMOTE_CACHE_TIMEOUT"]
        var result = environment.filter { names.contains($0.key) }
        let kilnRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let installed = ["KILN_NVRTC": ".toolchains/nvrtc/nvidia/cu13/lib/libnvrtc.so.13",
                         "KILN_NVJITLINK": ".toolchains/nvjitlink/nvidia/cu13/lib/libnvJitLink.so.13",
                         "KILN_CUDA_INCLUDE": ".toolchains/cuda-headers/nvidia/cu13/include"]
        for (variable, path) in installed where environment[variable] == nil {
            let file = kilnRoot.appendingPathComponent(path)
            if FileManager.default.fileExists(atPath: file.path) { result[variable] = file.path }
        }
        return result
    }
}
