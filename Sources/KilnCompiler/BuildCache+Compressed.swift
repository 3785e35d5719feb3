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
        return take(keyText: key.text) ?? remote.flatMap { folder.fetch(from: $0, keyText: key.text) }
    }

    public func store(_ frame: [UInt8], for key: CompressionKey) {
        put(keyText: key.text, payload: frame)
    }
}
