import CLibcrypto
import KilnCore

/// Ed25519 (RFC 8032) through OpenSSL: the thin layer under ``SigningKey`` and ``SigningPublicKey``,
/// and the only code that holds OpenSSL's keys. Keys go in and out as raw bytes — the 32-byte seed,
/// the 32-byte public key — and every OpenSSL object is freed before a call returns.
enum Ed25519 {
    /// A new random 32-byte seed, from OpenSSL's generator (seeded by the operating system).
    ///
    /// - Throws: `KilnError.io` if the generator has no entropy to give.
    static func randomSeed() throws(KilnError) -> [UInt8] {
        let context = try LibCrypto.shared.get().context
        var seed = [UInt8](repeating: 0, count: 32)
        guard RAND_bytes_ex(context, &seed, seed.count, 0) == 1 else {
            throw LibCrypto.failure("to make 32 random bytes for a new key")
        }
        return seed
    }

    /// The public key of a private key.
    ///
    /// - Parameter seed: The private key's 32-byte seed.
    /// - Throws: `KilnError.io` if OpenSSL fails.
    static func publicKey(seed: [UInt8]) throws(KilnError) -> [UInt8] {
        try withKey(seed, isPrivate: true) { key throws(KilnError) in
            var raw = [UInt8](repeating: 0, count: 32)
            var size = raw.count
            guard EVP_PKEY_get_raw_public_key(key, &raw, &size) == 1, size == 32 else {
                throw LibCrypto.failure("to give an Ed25519 key's public key")
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
        try withKey(seed, isPrivate: true) { key throws(KilnError) in
            try withDigestContext { digest throws(KilnError) in
                guard EVP_DigestSignInit_ex(digest, nil, nil, try LibCrypto.shared.get().context, nil, key, nil) == 1 else {
                    throw LibCrypto.failure("to start an Ed25519 signature")
                }
                var signature = [UInt8](repeating: 0, count: 64)
                var size = signature.count
                guard EVP_DigestSign(digest, &signature, &size, message, message.count) == 1, size == 64 else {
                    throw LibCrypto.failure("to sign with Ed25519")
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
        return try withKey(publicKey, isPrivate: false) { key throws(KilnError) in
            try withDigestContext { digest throws(KilnError) in
                guard EVP_DigestVerifyInit_ex(digest, nil, nil, try LibCrypto.shared.get().context, nil, key, nil) == 1 else {
                    throw LibCrypto.failure("to start checking an Ed25519 signature")
                }
                switch EVP_DigestVerify(digest, signature, signature.count, message, message.count) {
                case 1:
                    return true
                case 0:
                    ERR_clear_error()  // OpenSSL queues the mismatch as an error too
                    return false
                default:
                    throw LibCrypto.failure("to check an Ed25519 signature")
                }
            }
        }
    }

    /// Runs `body` with an OpenSSL Ed25519 key made from raw bytes, and frees the key.
    private static func withKey<T>(_ raw: [UInt8], isPrivate: Bool,
                                   _ body: (OpaquePointer) throws(KilnError) -> T) throws(KilnError) -> T {
        let context = try LibCrypto.shared.get().context
        let made = isPrivate
            ? EVP_PKEY_new_raw_private_key_ex(context, "ED25519", nil, raw, raw.count)
            : EVP_PKEY_new_raw_public_key_ex(context, "ED25519", nil, raw, raw.count)
        guard let key = made else {
            throw LibCrypto.failure("to take \(raw.count) bytes as an Ed25519 \(isPrivate ? "private" : "public") key")
        }
        defer { EVP_PKEY_free(key) }
        return try body(key)
    }

    /// Runs `body` with a new digest context, and frees it.
    private static func withDigestContext<T>(_ body: (OpaquePointer) throws(KilnError) -> T) throws(KilnError) -> T {
        guard let digest = EVP_MD_CTX_new() else { throw LibCrypto.failure("to make a digest context") }
        defer { EVP_MD_CTX_free(digest) }
        return try body(digest)
    }
}
