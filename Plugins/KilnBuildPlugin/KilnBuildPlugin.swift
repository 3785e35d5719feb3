import Foundation
import PackagePlugin

/// Runs `kiln build` over the `.cl` / `.cu` kernels of a target and adds the bundle to the
/// target's resources, as `TARGET.kiln`.
///
/// The device list comes from `KILN_AOT_DEVLIST` (the counterpart of `USE_AOT_DEVLIST`), else
/// from `kiln.json` in the target (`{"devices": "sm_90,pvc"}`), else it is `kiln build`'s
/// default: the data-center GPUs AOT, with the portable forms for every other device — like the
/// seed's prebuilt wheels. The plugin holds no logic of its own beyond finding the list.
@main
struct KilnBuildPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        guard let target = target as? SourceModuleTarget else { return [] }
        let kernels = target.sourceFiles.map(\.url).filter { ["cl", "cu"].contains($0.pathExtension) }
            .sorted { $0.path < $1.path }
        guard !kernels.isEmpty else { return [] }
        let config = target.directoryURL.appendingPathComponent("kiln.json")
        let devices = try deviceList(config: config)
        let output = context.pluginWorkDirectoryURL.appendingPathComponent("\(target.name).kiln")
        let arguments = ["build"] + kernels.map(\.path) + (devices.map { ["--devices", $0] } ?? []) + [
            "-o", output.path, "--build-cache", context.pluginWorkDirectoryURL.appendingPathComponent("cache").path,
        ]
        return [.buildCommand(
            displayName: "Kiln: compiling \(kernels.count) kernel file(s) of \(target.name) for \(devices ?? "the default devices")",
            executable: try context.tool(named: "kiln").url,
            arguments: arguments,
            environment: toolchainEnvironment(),
            inputFiles: kernels + (FileManager.default.fileExists(atPath: config.path) ? [config] : []),
            outputFiles: [output])]
    }

    /// Points `kiln` at the NVRTC and nvJitLink that Kiln's scripts/setup.sh installed beside
    /// Kiln's own sources (`.toolchains/`), unless `KILN_NVRTC`/`KILN_NVJITLINK` already name them;
    /// the build command's working folder is not Kiln's, so `kiln` would not find them on its own.
    func toolchainEnvironment() -> [String: String] {
        let environment = ProcessInfo.processInfo.environment
        let names = ["KILN_NVRTC", "KILN_NVJITLINK", "KILN_OCLOC", "KILN_CLANG", "KILN_LIBCLC", "KILN_CUDA_INCLUDE"]
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

    /// The list from `KILN_AOT_DEVLIST` or `kiln.json`; nil for kiln's default.
    func deviceList(config: URL) throws -> String? {
        if let list = ProcessInfo.processInfo.environment["KILN_AOT_DEVLIST"], !list.isEmpty { return list }
        guard let data = FileManager.default.contents(atPath: config.path) else { return nil }
        struct Config: Decodable { var devices: String }
        do {
            return try JSONDecoder().decode(Config.self, from: data).devices
        } catch {
            throw PluginError("\(config.path) must be JSON like {\"devices\": \"sm_90,pvc\"}: \(error)")
        }
    }
}

struct PluginError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
