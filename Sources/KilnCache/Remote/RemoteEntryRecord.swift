import KilnBundle

/// The small record a remote cache keeps under `ac/KEY`: which key it answers and which body
/// (`cas/DIGEST`, its size) holds the entry.
///
/// ```
/// kiln-remote-entry 1
/// key <SHA-256 of the key text, hex>
/// cas <SHA-256 of the body, hex>
/// size <bytes>
/// ```
/// It names the key it was stored under, so a record copied to another key's address is
/// refused; it holds hashes and a size only — never a path, a user name or the key's text.
package struct RemoteEntryRecord: Equatable {
    /// The SHA-256 of the key text: the record's own address.
    package var key: String
    /// The SHA-256 of the body: its address under `cas/`.
    package var cas: String
    /// The body's size in bytes.
    package var size: Int

    /// The largest record a reader accepts.
    package static let maximumBytes = 512

    /// The record's bytes.
    package var encoded: [UInt8] { Array("kiln-remote-entry 1\nkey \(key)\ncas \(cas)\nsize \(size)\n".utf8) }

    /// Parses a record fetched under `key`; nil unless it is exactly one, for that key, with a
    /// size no larger than `maximumSize`.
    package init?(bytes: [UInt8], expectedKey key: String, maximumSize: Int) {
        guard bytes.count <= Self.maximumBytes, let text = String(validating: bytes, as: UTF8.self) else { return nil }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count == 5, lines[0] == "kiln-remote-entry 1", lines[4].isEmpty,
              lines[1] == "key \(key)", lines[2].hasPrefix("cas "), lines[3].hasPrefix("size ") else { return nil }
        let cas = String(lines[2].dropFirst(4))
        guard Self.isDigest(cas), let size = Int(lines[3].dropFirst(5)), size >= 0, size <= maximumSize,
              String(size) == lines[3].dropFirst(5) else { return nil }
        self.init(key: key, cas: cas, size: size)
    }

    package init(key: String, cas: String, size: Int) {
        self.key = key
        self.cas = cas
        self.size = size
    }

    /// Whether a text is a SHA-256 in lower-case hexadecimal.
    package static func isDigest(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }
}
