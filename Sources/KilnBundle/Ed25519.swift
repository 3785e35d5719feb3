import KilnCore

/// Ed25519 (RFC 8032) through OpenSSL: the thin layer under ``SigningKey`` and ``SigningPublicKey``,
/// and the only code that holds OpenSSL's keys. Keys go in and out as raw bytes — the 32-byte seed,
/// the 32-byte public key — and every OpenSSL object is freed before a call returns.
enum Ed25519 {
    /// A new random 32-byte seed, from OpenSSL's generator (seeded by the operating system).
    ///
    /// - Throws: `KilnError.io` if the generator has no entropy to give.
    static func randomSeed() throws(KilnError) -> [UInt8] {
        let crypto = try LibCrypto.shared.get()
        var seed = [UInt8](repeating: 0, count: 32)
        guard crypto.calls.RAND_bytes_ex(crypto.context, &seed, seed.count, 0) == 1 else {
            throw crypto.failure("to make 32 random bytes for a new key")
        }
        return seed
    }

    /// The public key of a private key.
    ///
    /// - Parameter seed: The private key's 32-byte seed.
    /// - Throws: `KilnError.io` if OpenSSL fails.
    static func publicKey(seed: [UInt8]) throws(KilnError) -> [UInt8] {
        try withKey(seed, isPrivate: true) { crypto, key throws(KilnError) in
            var raw = [UInt8](repeating: 0, count: 32)
            var size = raw.count
            guard crypto.calls.EVP_PKEY_get_raw_public_key(key, &raw, &size) == 1, size == 32 else {
                throw crypto.failure("to give an Ed25519 key's public key")
            }
            return raw
        }
    }

    /// The 64-byte signature of a message: the same key and message always give the same bytes.
    ///
    /// - Parameters:
    ///   - message: The bytes to sign.
    ///   - seed: The private key's 32-byte seed.
    /// - Throws: `KilnError.io` if OpenSSL fails.
    static func sign(_ message: [UInt8], seed: [UInt8]) throws(KilnError) -> [UInt8] {
        try withKey(seed, isPrivate: true) { crypto, key throws(KilnError) in
            try withDigestContext(crypto) { digest throws(KilnError) in
                guard crypto.calls.EVP_DigestSignInit_ex(digest, nil, nil, crypto.context, nil, key, nil) == 1 else {
                    throw crypto.failure("to start an Ed25519 signature")
                }
                var signature = [UInt8](repeating: 0, count: 64)
                var size = signature.count
                guard crypto.calls.EVP_DigestSign(digest, &signature, &size, message, message.count) == 1, size == 64 else {
                    throw crypto.failure("to sign with Ed25519")
                }
                return signature
            }
        }
    }

    /// Whether a signature is the public key's signature of a message.
    ///
    /// - Parameters:
    ///   - signature: The signature; anything but 64 bytes is not one.
    ///   - message: The bytes it signs.
    ///   - publicKey: The signer's 32 raw bytes.
    /// - Returns: `false` for a signature that does not match (OpenSSL's answer 0).
    /// - Throws: `KilnError.io` if OpenSSL fails to check, rather than calling the signature bad.
    static func isValid(_ signature: [UInt8], of message: [UInt8], publicKey: [UInt8]) throws(KilnError) -> Bool {
        guard signature.count == 64 else { return false }
        return try withKey(publicKey, isPrivate: false) { crypto, key throws(KilnError) in
            try withDigestContext(crypto) { digest throws(KilnError) in
                guard crypto.calls.EVP_DigestVerifyInit_ex(digest, nil, nil, crypto.context, nil, key, nil) == 1 else {
                    throw crypto.failure("to start checking an Ed25519 signature")
                }
                switch crypto.calls.EVP_DigestVerify(digest, signature, signature.count, message, message.count) {
                case 1:
                    return true
                case 0:
                    crypto.calls.ERR_clear_error()  // OpenSSL queues the mismatch as an error too
                    return false
                default:
                    throw crypto.failure("to check an Ed25519 signature")
                }
            }
        }
    }

    /// Runs `body` with libcrypto and an OpenSSL Ed25519 key made from raw bytes, and frees the key.
    private static func withKey<T>(_ raw: [UInt8], isPrivate: Bool,
                                   _ body: (LibCrypto, OpaquePointer) throws(KilnError) -> T) throws(KilnError) -> T {
        let crypto = try LibCrypto.shared.get()
        let made = isPrivate
            ? crypto.calls.EVP_PKEY_new_raw_private_key_ex(crypto.context, "ED25519", nil, raw, raw.count)
            : crypto.calls.EVP_PKEY_new_raw_public_key_ex(crypto.context, "ED25519", nil, raw, raw.count)
        guard let key = made else {
            throw crypto.failure("to take \(raw.count) bytes as an Ed25519 \(isPrivate ? "private" : "public") key")
        }
        defer { crypto.calls.EVP_PKEY_free(key) }
        return try body(crypto, key)
    }

    /// Runs `body` with a new digest context, and frees it.
    private static func withDigestContext<T>(_ crypto: LibCrypto, _ body: (OpaquePointer) throws(KilnError) -> T) throws(KilnError) -> T {
        guard let digest = crypto.calls.EVP_MD_CTX_new() else { throw crypto.failure("to make a digest context") }
        defer { crypto.calls.EVP_MD_CTX_free(digest) }
        return try body(digest)
    }
}
