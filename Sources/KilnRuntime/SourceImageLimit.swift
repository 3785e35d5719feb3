import KilnBundle
import KilnCore

/// The bound on a `source` image that the runtime compiles: a kernel's source is kilobytes, so a
/// bundle that claims more than 64 MiB of it is refused before its bytes are read or a JIT sees
/// them, rather than decompressed and compiled at gigabytes of memory.
public enum SourceImageLimit {
    /// The largest `source` image, raw, that the runtime compiles: 64 MiB.
    public static let maximumBytes: UInt64 = 64 << 20

    /// Checks an image's size against the bound; images of other formats pass.
    ///
    /// - Parameters:
    ///   - entry: The image's entry in the bundle's table.
    ///   - path: The bundle's path, for the message.
    /// - Throws: `KilnError.corruptBundle` naming the bundle, the image and its size.
    public static func check(_ entry: ImageEntry, bundle path: String) throws(KilnError) {
        guard entry.format == .source, entry.rawSize > maximumBytes else { return }
        throw KilnError(.corruptBundle,
            "bundle '\(path)': the source image \(entry.module) × \(entry.target) claims \(entry.rawSize) bytes, over the \(maximumBytes >> 20) MiB a JIT compiles — the bundle is damaged or hostile; rebuild it from the kernel sources")
    }
}
