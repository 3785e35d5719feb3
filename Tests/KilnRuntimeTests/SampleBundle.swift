import Foundation

/// Stands in for a target's `Bundle.module` in the documentation's samples: its one resource is
/// a bundle of Kiln's reference kernels (saxpy among them) for PoCL's CPU device, built by the
/// tests before a sample runs (``prepare()``), since `url(forResource:withExtension:)` is synchronous.
struct SampleBundle {
    func url(forResource name: String, withExtension ext: String) -> URL? {
        OpenCLFixtures.built("cpu").map { URL(fileURLWithPath: $0) }
    }

    /// Builds the resource, once.
    static func prepare() async throws {
        _ = try await OpenCLFixtures.bundle("cpu")
    }
}
