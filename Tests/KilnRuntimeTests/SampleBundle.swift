import Foundation

/// Stands in for a target's `Bundle.module` in the documentation's samples: its one resource is
/// a bundle of Kiln's reference kernels (saxpy among them) for PoCL's CPU device, built by the tests.
struct SampleBundle {
    func url(forResource name: String, withExtension ext: String) -> URL? {
        (try? OpenCLFixtures.bundle("cpu")).map { URL(fileURLWithPath: $0.path) }
    }
}
