#if canImport(Glibc)
import Glibc
#endif
import KilnBundle

/// The build cache also keeps compressed frames, keyed by (raw SHA-256, level, reference's raw
/// SHA-256, zstd version), so a rebuild whose images did not change compresses nothing. They
/// are entries like any other: bound to their key, checked against their SHA-256, evicted
/// least recently used first — and the writer checks each decompresses to its image. With a
/// remote cache they are read through and uploaded like images, so a second machine's build
/// compresses nothing either.
extension BuildCache: CompressedImageCache {
    public func frame(for key: CompressionKey) -> [UInt8]? {
        guard usable() else { return nil }
        if case .entry(let payload) = folder.read(keyText: key.text) {
            _ = utimes(folder.entryPath(SHA256Digest.hex(of: key.text)), nil)  // recently used
            return payload
        }
        return remote.flatMap { folder.fetch(from: $0, keyText: key.text) }
    }

    public func store(_ frame: [UInt8], for key: CompressionKey) {
        guard usable() else { return }
        do {
            try folder.write(keyText: key.text, payload: frame)
            folder.evict(maximumBytes: maximumBytes, keeping: folder.entryPath(SHA256Digest.hex(of: key.text)))
        } catch {
            warn("unwritable", "cannot write the build cache in '\(directory)' (\(error)); images are not cached")
        }
        if let remote { folder.upload(to: remote, keyText: key.text, payload: frame) }
    }
}
