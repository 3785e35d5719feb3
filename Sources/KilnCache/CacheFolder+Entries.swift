/// The entries of a folder as `kiln cache list` shows them, for every cache alike.
extension CacheFolder {
    /// One entry of a folder.
    public struct Entry: Sendable, Encodable {
        /// The key's digest: the entry's file name.
        public var digest: String
        /// The file.
        public var path: String
        /// Its size on disk.
        public var bytes: Int64
        /// When it was last used (seconds since 1970).
        public var lastUsed: Double
        /// The key, as its text lines (the JIT cache's: target, device, compiler, options); nil if unreadable.
        public var key: String?
    }

    /// The folder's entries, most recently used first; leftovers of writers are not entries.
    public func entries() -> [Entry] {
        list().entries.map { item in
            Entry(digest: String(item.name.dropLast(fileExtension.count)), path: item.path, bytes: item.bytes,
                  lastUsed: item.lastUsed, key: keyText(item))
        }.sorted { $0.lastUsed > $1.lastUsed }
    }
}
