import Foundation
import KilnCompiler
import KilnTestSupport

/// What compiler tests share: the project's files, and NVRTC when it is installed.
enum Fixtures {
    static let root = KilnProcess.projectRoot()
    /// NVRTC, loaded once; nil where it is not installed.
    static let nvrtc = try? NVRTCToolchain()

    /// A module read from a path relative to the project root.
    static func module(_ path: String) throws -> SourceModule {
        try SourceModule(path: root.appendingPathComponent(path).path)
    }
}
