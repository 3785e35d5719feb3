/// SHA-256 for other Kiln modules: the checksum bundles use, so run-time keys and
/// reports match the bundle's own.
public enum SHA256Digest {
    /// The SHA-256 of some bytes, in lowercase hexadecimal.
    public static func hex(of bytes: [UInt8]) -> String {
        Digest.hex(Digest.sha256(bytes))
    }

    /// The SHA-256 of a string's UTF-8 bytes, in lowercase hexadecimal.
    public static func hex(of text: String) -> String {
        hex(of: Array(text.utf8))
    }
}
