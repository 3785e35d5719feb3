import KilnCore

/// An incremental SHA-256 (OpenSSL's, which uses the CPU's SHA extensions where it has them): feed it
/// bytes in pieces, then take the digest once.
struct SHA256Hasher: ~Copyable {
    private let crypto: LibCrypto
    private let context: OpaquePointer

    /// A hasher that has seen no bytes.
    ///
    /// - Throws: `KilnError.io` if libcrypto cannot be opened, or OpenSSL cannot start a digest (out of memory).
    init() throws(KilnError) {
        let crypto = try LibCrypto.shared.get()
        guard let context = crypto.calls.EVP_MD_CTX_new() else { throw crypto.failure("to make a SHA-256 context") }
        guard crypto.calls.EVP_DigestInit_ex2(context, crypto.sha256, nil) == 1 else {
            let error = crypto.failure("to start a SHA-256")
            crypto.calls.EVP_MD_CTX_free(context)
            throw error
        }
        self.crypto = crypto
        self.context = context
    }

    deinit { crypto.calls.EVP_MD_CTX_free(context) }

    /// Adds bytes to what is hashed.
    ///
    /// - Parameter bytes: The next bytes of the message.
    /// - Throws: `KilnError.io` if OpenSSL fails, which its SHA-256 does not.
    mutating func update(_ bytes: UnsafeRawBufferPointer) throws(KilnError) {
        guard bytes.isEmpty || crypto.calls.EVP_DigestUpdate(context, bytes.baseAddress, bytes.count) == 1 else {
            throw crypto.failure("to hash")
        }
    }

    /// The 32-byte digest of everything added.
    ///
    /// - Throws: `KilnError.io` if OpenSSL fails, which its SHA-256 does not.
    consuming func finalize() throws(KilnError) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        var size: UInt32 = 0
        guard crypto.calls.EVP_DigestFinal_ex(context, &digest, &size) == 1, size == 32 else {
            throw crypto.failure("to finish a SHA-256")
        }
        return digest
    }
}
