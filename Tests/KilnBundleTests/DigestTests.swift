@testable import KilnBundle
import KilnCore
import Testing

/// SHA-256 through OpenSSL: FIPS 180-2's known answers, whole and in pieces.
@Suite("SHA-256")
struct DigestTests {
    static let million = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)

    @Test("the one-shot digest gives FIPS 180-2's answers", arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func knownAnswers(message: String, digest: String) {
        #expect(Digest.hex(Digest.sha256(Array(message.utf8))) == digest)
        #expect(SHA256Digest.hex(of: message) == digest)
    }

    @Test("a header's check is the first eight bytes of the SHA-256, little-endian")
    func check() {
        #expect(Array("abc".utf8).withUnsafeBytes { Digest.check($0) } == 0xeacf_018f_bf16_78ba)
    }

    @Test("a million 'a's, whole and fed to the incremental hasher in uneven pieces")
    func incremental() throws {
        let expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        #expect(Digest.hex(Digest.sha256(Self.million)) == expected)
        var hasher = try SHA256Hasher()
        var offset = 0
        for size in [0, 1, 63, 64, 65, 1000, 4096] + Array(repeating: 100_000, count: 10) where offset < Self.million.count {
            let end = min(offset + size, Self.million.count)
            try Self.million[offset..<end].withUnsafeBytes { try hasher.update($0) }
            offset = end
        }
        try Self.million[offset...].withUnsafeBytes { try hasher.update($0) }
        #expect(Digest.hex(try hasher.finalize()) == expected)
    }
}
