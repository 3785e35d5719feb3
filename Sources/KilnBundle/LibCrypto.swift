import CLibcrypto
import KilnCore

/// Kiln's way into OpenSSL's libcrypto (OpenSSL 3): a library context of its own, holding the
/// built-in default provider and the SHA-256 fetched from it once.
///
/// A context of its own makes Kiln's SHA-256 and Ed25519 independent of the system's OpenSSL
/// configuration (`OPENSSL_CONF`, a FIPS-only provider list) and skips reading that file at start-up.
/// OpenSSL allows a library context and a fetched algorithm to be used from any thread at once; they
/// live as long as the process, hence `@unchecked Sendable`.
final class LibCrypto: @unchecked Sendable {
    /// The library context every call passes to OpenSSL.
    let context: OpaquePointer
    /// SHA-256 (`EVP_MD`), fetched once.
    let sha256: OpaquePointer

    /// The process's context, made on first use; the error if OpenSSL could not make it.
    static let shared: Result<LibCrypto, KilnError> = {
        do throws(KilnError) { return .success(try LibCrypto()) } catch { return .failure(error) }
    }()

    private init() throws(KilnError) {
        guard let context = OSSL_LIB_CTX_new() else { throw Self.failure("to make a library context") }
        guard OSSL_PROVIDER_load(context, "default") != nil else {
            let error = Self.failure("to load its default provider")
            OSSL_LIB_CTX_free(context)
            throw error
        }
        guard let sha256 = EVP_MD_fetch(context, "SHA256", nil) else {
            let error = Self.failure("to find SHA-256 in its default provider")
            OSSL_LIB_CTX_free(context)
            throw error
        }
        self.context = context
        self.sha256 = sha256
    }

    /// The error for a failed OpenSSL call, with the reasons OpenSSL queued on this thread (which it
    /// takes off the queue).
    ///
    /// - Parameter what: What OpenSSL failed to do, after "failed " ("to sign").
    static func failure(_ what: String) -> KilnError {
        var reasons: [String] = []
        var code = ERR_get_error()
        while code != 0 {
            var text = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &text, text.count)
            reasons.append(String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
            code = ERR_get_error()
        }
        let because = reasons.isEmpty ? "" : " (\(reasons.joined(separator: "; ")))"
        return KilnError(.io,
            "OpenSSL's libcrypto failed \(what)\(because) — Kiln needs OpenSSL 3's libcrypto.so.3 (Debian: libssl3); if memory was short, run again with more")
    }
}
