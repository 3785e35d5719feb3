import KilnCore
import Synchronization

extension BundleReader {
    /// An image that cannot be used, and why.
    public struct DamagedImage: Sendable {
        /// The image's entry.
        public var entry: ImageEntry
        /// Why it cannot be used: the error reading it threw.
        public var error: any Error
    }

    /// Reads every given image — decompressed, decoded and checked against its SHA-256 as
    /// ``image(_:)`` does — `jobs` images at a time, and keeps none of their bytes.
    ///
    /// A program reads only the images it loads; this is the whole-bundle check (`kiln verify`).
    /// - Parameters:
    ///   - entries: The images to read, as ``entries()`` lists them.
    ///   - jobs: How many images to read at once (on as many threads).
    /// - Returns: The images that cannot be used, in the order of `entries`.
    public func damagedImages(_ entries: [ImageEntry], jobs: Int) -> [DamagedImage] {
        let faults = Mutex<[Int: any Error]>([:])
        forEachConcurrently(entries.count, jobs: jobs) { index in
            do {
                _ = try image(entries[index])
            } catch {
                faults.withLock { $0[index] = error }
            }
        }
        let found = faults.withLock { $0 }
        return found.keys.sorted().map { DamagedImage(entry: entries[$0], error: found[$0]!) }
    }
}
