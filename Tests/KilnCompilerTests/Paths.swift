import Foundation
import KilnCompiler
import KilnTestSupport

/// What compiler tests share: the project's files, and NVRTC when it is installed.
enum Fixtures {
    static let root = KilnProcess.projectRoot()
    /// NVRTC, loaded once; nil where it is not installed.
    static let nvrtc = try? NVRTCToolchain()
    /// clang 16 with libclc; nil where they are not installed.
    static var clang: ClangOpenCL? { get async { await foundClang.value } }
    private static let foundClang = Task { try? await ClangOpenCL() }
    /// OpenCL C for NVIDIA (clang + libclc + nvJitLink); nil where any of them is missing.
    static var nvidiaCL: ClangNVIDIAToolchain? { get async { await clang.flatMap { try? ClangNVIDIAToolchain(clang: $0) } } }

    /// A module read from a path relative to the project root, with its kernels listed as a build lists them.
    static func module(_ path: String, options: SourceOptions = SourceOptions()) async throws -> SourceModule {
        var module = try SourceModule(path: root.appendingPathComponent(path).path, options: options)
        if module.language == .openCLC, let clang = await clang { module.kernels = try await clang.kernels(of: module) }
        return module
    }

    /// A `.cl` module from text, with its kernels listed by clang.
    static func module(name: String, text: String) async throws -> SourceModule {
        var module = try SourceModule(name: name, path: "\(name).cl", language: .openCLC, text: text)
        if let clang = await clang { module.kernels = try await clang.kernels(of: module) }
        return module
    }
}
