import KilnCore

extension BundleReader {
    /// Opens a bundle and reads its manifest and whole image table, so that damage anywhere but
    /// inside an image fails here, before a command reports anything; each image is checked
    /// against its SHA-256 when it is read.
    ///
    /// - Throws: `KilnError.io` for a file that cannot be opened; `.corruptBundle` or
    ///   `.unsupportedBundleVersion` for one that is not a readable bundle.
    public static func checked(path: String) throws(KilnError) -> BundleReader {
        let reader = try BundleReader(path: path)
        _ = try reader.manifest()
        _ = try reader.entries()
        return reader
    }
}
