import KilnCore

/// Kiln's way into OpenSSL's libcrypto (OpenSSL 3), opened with `dlopen` on first use (a program
/// that reads no image never loads it, and one that does pays for loading it only then, not at
/// its start), with a library context of its own holding the built-in default provider and the
/// SHA-256 fetched from it once.
///
/// A context of its own makes Kiln's SHA-256 and Ed25519 independent of the system's OpenSSL
/// configuration (`OPENSSL_CONF`, a FIPS-only provider list) and skips reading that file at start-up.
/// OpenSSL allows a library context and a fetched algorithm to be used from any thread at once; they
/// live as long as the process, hence `@unchecked Sendable`.
final class LibCrypto: @unchecked Sendable {
    /// The entry points Kiln calls, by their C names.
    let calls: LibCryptoCalls
    /// The library context every call passes to OpenSSL.
    let context: OpaquePointer
    /// SHA-256 (`EVP_MD`), fetched once.
    let sha256: OpaquePointer

    /// The process's libcrypto, opened and set up on first use; the error if it could not be.
    static let shared: Result<LibCrypto, KilnError> = {
        do throws(KilnError) { return .success(try LibCrypto()) } catch { return .failure(error) }
    }()

    private init() throws(KilnError) {
        let calls = try StartupTrace.measure("crypto.dlopen") { () throws(KilnError) in
            try LibCryptoCalls(library: SharedLibrary.open(
                ["libcrypto.so.3"], code: .io, install: "Kiln needs OpenSSL 3's libcrypto.so.3: install it (Debian: libssl3, or libssl-dev)"))
        }
        guard let context = calls.OSSL_LIB_CTX_new() else { throw Self.failure("to make a library context", calls) }
        guard calls.OSSL_PROVIDER_load(context, "default") != nil else {
            let error = Self.failure("to load its default provider", calls)
            calls.OSSL_LIB_CTX_free(context)
            throw error
        }
        guard let sha256 = calls.EVP_MD_fetch(context, "SHA256", nil) else {
            let error = Self.failure("to find SHA-256 in its default provider", calls)
            calls.OSSL_LIB_CTX_free(context)
            throw error
        }
        self.calls = calls
        self.context = context
        self.sha256 = sha256
    }

    /// The error for a failed OpenSSL call, with the reasons OpenSSL queued on this thread (which it
    /// takes off the queue).
    ///
    /// - Parameter what: What OpenSSL failed to do, after "failed " ("to sign").
    func failure(_ what: String) -> KilnError { Self.failure(what, calls) }

    private static func failure(_ what: String, _ calls: LibCryptoCalls) -> KilnError {
        var reasons: [String] = []
        var code = calls.ERR_get_error()
        while code != 0 {
            var text = [CChar](repeating: 0, count: 256)
            calls.ERR_error_string_n(code, &text, text.count)
            reasons.append(String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
            code = calls.ERR_get_error()
        }
        let because = reasons.isEmpty ? "" : " (\(reasons.joined(separator: "; ")))"
        return KilnError(.io,
            "OpenSSL's libcrypto failed \(what)\(because) — Kiln needs OpenSSL 3's libcrypto.so.3 (Debian: libssl3); if memory was short, run again with more")
    }
}

/// libcrypto's entry points that Kiln calls, taken from the opened library (OpenSSL 3's
/// declarations, pointers to its opaque types as `OpaquePointer`).
struct LibCryptoCalls: Sendable {
    typealias Object = OpaquePointer
    typealias Text = UnsafePointer<CChar>

    let OSSL_LIB_CTX_new: @convention(c) () -> Object?
    let OSSL_LIB_CTX_free: @convention(c) (Object?) -> Void
    let OSSL_PROVIDER_load: @convention(c) (Object?, Text?) -> Object?
    let EVP_MD_fetch: @convention(c) (Object?, Text?, Text?) -> Object?
    let ERR_get_error: @convention(c) () -> UInt
    let ERR_error_string_n: @convention(c) (UInt, UnsafeMutablePointer<CChar>?, Int) -> Void
    let ERR_clear_error: @convention(c) () -> Void
    let RAND_bytes_ex: @convention(c) (Object?, UnsafeMutablePointer<UInt8>?, Int, UInt32) -> Int32
    let EVP_MD_CTX_new: @convention(c) () -> Object?
    let EVP_MD_CTX_free: @convention(c) (Object?) -> Void
    /// `(ctx, md, params)`.
    let EVP_DigestInit_ex2: @convention(c) (Object?, Object?, UnsafeRawPointer?) -> Int32
    let EVP_DigestUpdate: @convention(c) (Object?, UnsafeRawPointer?, Int) -> Int32
    let EVP_DigestFinal_ex: @convention(c) (Object?, UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<UInt32>?) -> Int32
    /// `(libctx, keytype, propq, key, keylen)`.
    let EVP_PKEY_new_raw_private_key_ex: @convention(c) (Object?, Text?, Text?, UnsafePointer<UInt8>?, Int) -> Object?
    let EVP_PKEY_new_raw_public_key_ex: @convention(c) (Object?, Text?, Text?, UnsafePointer<UInt8>?, Int) -> Object?
    let EVP_PKEY_free: @convention(c) (Object?) -> Void
    let EVP_PKEY_get_raw_public_key: @convention(c) (Object?, UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<Int>?) -> Int32
    /// `(ctx, pctx, mdname, libctx, props, pkey, params)`; `EVP_DigestVerifyInit_ex` alike.
    let EVP_DigestSignInit_ex: @convention(c) (Object?, UnsafeMutablePointer<Object?>?, Text?, Object?, Text?, Object?, UnsafeRawPointer?) -> Int32
    let EVP_DigestVerifyInit_ex: @convention(c) (Object?, UnsafeMutablePointer<Object?>?, Text?, Object?, Text?, Object?, UnsafeRawPointer?) -> Int32
    /// `(ctx, sig, siglen, tbs, tbslen)`.
    let EVP_DigestSign: @convention(c) (Object?, UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<Int>?, UnsafePointer<UInt8>?, Int) -> Int32
    let EVP_DigestVerify: @convention(c) (Object?, UnsafePointer<UInt8>?, Int, UnsafePointer<UInt8>?, Int) -> Int32

    /// Takes every entry point from the library.
    ///
    /// - Throws: `KilnError.io` naming the first one it lacks (a libcrypto older than OpenSSL 3).
    init(library: SharedLibrary) throws(KilnError) {
        OSSL_LIB_CTX_new = try library.required("OSSL_LIB_CTX_new")
        OSSL_LIB_CTX_free = try library.required("OSSL_LIB_CTX_free")
        OSSL_PROVIDER_load = try library.required("OSSL_PROVIDER_load")
        EVP_MD_fetch = try library.required("EVP_MD_fetch")
        ERR_get_error = try library.required("ERR_get_error")
        ERR_error_string_n = try library.required("ERR_error_string_n")
        ERR_clear_error = try library.required("ERR_clear_error")
        RAND_bytes_ex = try library.required("RAND_bytes_ex")
        EVP_MD_CTX_new = try library.required("EVP_MD_CTX_new")
        EVP_MD_CTX_free = try library.required("EVP_MD_CTX_free")
        EVP_DigestInit_ex2 = try library.required("EVP_DigestInit_ex2")
        EVP_DigestUpdate = try library.required("EVP_DigestUpdate")
        EVP_DigestFinal_ex = try library.required("EVP_DigestFinal_ex")
        EVP_PKEY_new_raw_private_key_ex = try library.required("EVP_PKEY_new_raw_private_key_ex")
        EVP_PKEY_new_raw_public_key_ex = try library.required("EVP_PKEY_new_raw_public_key_ex")
        EVP_PKEY_free = try library.required("EVP_PKEY_free")
        EVP_PKEY_get_raw_public_key = try library.required("EVP_PKEY_get_raw_public_key")
        EVP_DigestSignInit_ex = try library.required("EVP_DigestSignInit_ex")
        EVP_DigestVerifyInit_ex = try library.required("EVP_DigestVerifyInit_ex")
        EVP_DigestSign = try library.required("EVP_DigestSign")
        EVP_DigestVerify = try library.required("EVP_DigestVerify")
    }
}
