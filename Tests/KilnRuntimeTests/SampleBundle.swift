import Foundation

/// Stands in for a target's `Bundle.module` in the documentation's samples: its one resource is
/// a bundle of Kiln's reference kernels (saxpy among them) for PoCL's CPU device, built by the
/// tests before a sample runs (``prepare()``), since `path(forResource:ofType:)` is synchronous.
struct SampleBundle {
    func path(forResource name: String, ofType ext: String) -> String? {
        OpenCLFixtures.built("cpu")
    }

    /// Builds the resource, once.
    static func prepare() async throws {
        _ = try await OpenCLFixtures.bundle("cpu")
    }
}
