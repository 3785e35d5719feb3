#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
@testable import KilnBundle
import KilnCore
import KilnTestSupport
import Testing

/// Signed bundles: Ed25519 over every byte before the signature block, checked under trusted keys.
@Suite("Bundle signatures")
struct BundleSignatureTests {
    static let key = try! SigningKey(seed: Array(0..<32))
    static let other = try! SigningKey(seed: Array(repeating: 7, count: 32))

    static func unsigned() throws -> [UInt8] {
        try SyntheticBundle.bytes(modules: ["gemm", "saxpy"], deviceList: "sm_90,cpu", imageSize: 1024)
    }

    static func open(_ bytes: [UInt8], trusting keys: [SigningKey] = [key]) throws -> BundleReader {
        let reader = try BundleReader(path: SyntheticBundle.temporaryFile(bytes))
        try reader.requireSignature(trustedBy: TrustedKeys(keys: keys.map(\.publicKey)))
        return reader
    }

    /// RFC 8032 section 7.1, tests 1 and 2: secret key, public key, message, signature (hexadecimal).
    static let rfc8032 = [
        ("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
         "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
         "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
        ("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
         "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
         "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
    ]

    static func bytes(hex: String) -> [UInt8] {
        let digits = Array(hex.utf8)
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)! }
    }

    @Test("Ed25519 gives RFC 8032's public keys and signatures, and checks them", arguments: 0..<2)
    func rfc8032(vector: Int) throws {
        let (secret, publicKey, message, signature) = Self.rfc8032[vector]
        let key = try SigningKey(seed: Self.bytes(hex: secret))
        #expect(Digest.hex(key.publicKey.rawBytes) == publicKey)
        #expect(Digest.hex(try key.signature(for: Self.bytes(hex: message))) == signature)
        let signer = try SigningPublicKey(rawBytes: Self.bytes(hex: publicKey))
        #expect(try signer.isValidSignature(Self.bytes(hex: signature), for: Self.bytes(hex: message)))
        var flipped = Self.bytes(hex: signature)
        flipped[10] ^= 1
        #expect(try !signer.isValidSignature(flipped, for: Self.bytes(hex: message)))
        #expect(try !signer.isValidSignature(Self.bytes(hex: signature), for: Self.bytes(hex: message) + [0]))
        #expect(try !signer.isValidSignature(Array(Self.bytes(hex: signature).dropLast()), for: Self.bytes(hex: message)))
    }

    @Test("32 bytes that are no point of the curve (y = 2) make a key that no signature matches, not an error")
    func notAPoint() throws {
        let key = try SigningPublicKey(rawBytes: [2] + [UInt8](repeating: 0, count: 31))
        let (_, _, message, signature) = Self.rfc8032[0]
        #expect(try !key.isValidSignature(Self.bytes(hex: signature), for: Self.bytes(hex: message)))
    }

    @Test("two random keys differ, and each signs what its public key checks")
    func randomKeys() throws {
        let (a, b) = (try SigningKey(), try SigningKey())
        #expect(a.publicKey != b.publicKey)
        let message = Array("kiln".utf8)
        #expect(try a.publicKey.isValidSignature(try a.signature(for: message), for: message))
        #expect(try !b.publicKey.isValidSignature(try a.signature(for: message), for: message))
    }

    @Test("signing is deterministic, idempotent, and strips back to the writer's bytes")
    func deterministic() throws {
        let bytes = try Self.unsigned()
        let signed = try BundleSignature.sign(bytes, with: Self.key)
        #expect(try BundleSignature.sign(bytes, with: Self.key) == signed)
        #expect(try BundleSignature.sign(signed, with: Self.key) == signed)
        #expect(try BundleSignature.unsigned(signed) == bytes)
        #expect(signed.count % 64 == 0 && signed.count == (bytes.count + 63) / 64 * 64 + BundleSignature.blockSize)
        // The writer's own signing gives the same bytes as signing its output.
        let writer = try SyntheticBundle.writer(modules: ["gemm", "saxpy"], deviceList: "sm_90,cpu", imageSize: 1024)
        #expect(try writer.serialize(signedWith: Self.key) == signed)
    }

    @Test("a signed bundle opens, names its signer, and passes under its key; re-signing replaces the signer")
    func roundTrip() throws {
        let signed = try BundleSignature.sign(try Self.unsigned(), with: Self.key)
        let reader = try Self.open(signed)
        #expect(reader.signer == Self.key.publicKey)
        #expect(try reader.image(module: "saxpy", target: "cpu") == SyntheticBundle.image(module: "saxpy", target: "cpu", size: 1024))
        let resigned = try BundleSignature.sign(signed, with: Self.other)
        #expect(try Self.open(resigned, trusting: [Self.other]).signer == Self.other.publicKey)
        // An unsigned bundle still reads with no trusted keys, as every bundle did before signatures.
        let plain = try BundleReader(path: SyntheticBundle.temporaryFile(try Self.unsigned()))
        #expect(plain.signer == nil)
        #expect(try plain.requireSignature(trustedBy: .none) == nil)
    }

    @Test("under trust, an unsigned bundle is refused, naming the trusted key")
    func unsignedRefused() throws {
        let error = try #require(throws: KilnError.self) { try Self.open(try Self.unsigned()) }
        #expect(error.code == .untrustedBundle)
        #expect(error.message.contains("not signed") && error.message.contains(Self.key.publicKey.fingerprint))
    }

    @Test("under trust, a bundle signed by another key is refused, naming that key")
    func wrongKeyRefused() throws {
        let signed = try BundleSignature.sign(try Self.unsigned(), with: Self.other)
        let error = try #require(throws: KilnError.self) { try Self.open(signed) }
        #expect(error.code == .untrustedBundle)
        #expect(error.message.contains(Self.other.publicKey.fingerprint) && error.message.contains("not a trusted key"))
    }

    @Test("the native-code attack: a replaced cpu image with every checksum recomputed is read without trust, refused under it")
    func replacedImageRefused() throws {
        var bundle = BundleBytes(bytes: try BundleSignature.sign(try Self.unsigned(), with: Self.key))
        let reader = try BundleReader(path: SyntheticBundle.temporaryFile(bundle.bytes))
        let index = try #require(try reader.entries().firstIndex { $0.module == "saxpy" && $0.target == "cpu" })
        let entry = try reader.entry(at: index)
        // The attacker's image, stored raw where the old one was, with its SHA-256 and the entry's check recomputed.
        let evil = Array(SyntheticImage.poclBinary(root: [("/program.bc", Array(repeating: 0xCC, count: 64))],
                                                   kernels: [.init(name: "saxpy_kernel", files: [])]).prefix(Int(entry.storedSize)))
        let base = bundle.entryBase(index)
        bundle.bytes.replaceSubrange(Int(entry.offset)..<Int(entry.offset) + evil.count, with: evil)
        typealias Field = ImageEntry.Layout.Field
        bundle.bytes[base + Field.codec] = ImageCodec.none.rawValue
        bundle.set(UInt64(evil.count), at: base + Field.storedSize)
        bundle.set(UInt64(evil.count), at: base + Field.rawSize)
        bundle.bytes.replaceSubrange((base + Field.sha256.lowerBound)..<(base + Field.sha256.upperBound), with: Digest.sha256(evil))
        bundle.resealEntry(index)
        let tampered = try BundleReader(path: SyntheticBundle.temporaryFile(bundle.bytes))
        #expect(try tampered.image(module: "saxpy", target: "cpu") == evil)  // every unkeyed check passes
        let error = try #require(throws: KilnError.self) { try Self.open(bundle.bytes) }
        #expect(error.code == .untrustedBundle)
        #expect(error.message.contains("altered") && error.message.contains(Self.key.publicKey.fingerprint))
    }

    @Test("a signed bundle with any one byte flipped is refused under trust")
    func everyByteFlipRefused() throws {
        let signed = try BundleSignature.sign(try Self.unsigned(), with: Self.key)
        let path = try SyntheticBundle.temporaryFile(signed)
        let trusted = TrustedKeys(keys: [Self.key.publicKey])
        var accepted: [Int] = []
        for offset in 0..<signed.count {
            var bytes = signed
            bytes[offset] ^= 0x01 << UInt8(offset % 8)
            let fd = Glibc.open(path, O_WRONLY | O_TRUNC)
            _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            close(fd)
            if (try? BundleReader(path: path).requireSignature(trustedBy: trusted)) != nil { accepted.append(offset) }
        }
        #expect(accepted.isEmpty, "flips accepted at offsets \(accepted.prefix(10))")
        #expect(signed.count > 3000)  // every region of the format, each image and the block
    }

    @Test("the signature block is checked: a header that says signed needs the block at the end")
    func blockLayout() throws {
        var bundle = BundleBytes(bytes: try Self.unsigned())
        bundle.bytes[BundleHeader.Field.flags] = 1
        bundle.resealHeader()
        let error = try #require(throws: KilnError.self) { try BundleReader(path: SyntheticBundle.temporaryFile(bundle.bytes)) }
        #expect(error.code == .corruptBundle)
        var unknown = BundleBytes(bytes: try Self.unsigned())
        unknown.bytes[BundleHeader.Field.flags] = 2
        unknown.resealHeader()
        #expect(throws: KilnError.self) { try BundleReader(path: SyntheticBundle.temporaryFile(unknown.bytes)) }
    }
}

/// Key files: text, 0600 for the private key, refused when others can read it.
@Suite("Signing keys")
struct SigningKeyTests {
    @Test("keys round-trip through their files; the private key is 0600 and never replaced")
    func files() throws {
        let file = try SyntheticBundle.temporaryFile([], name: "x")
        let folder = String(file.dropLast(2))
        let path = folder + "/release"
        let key = try SigningKey()
        try key.write(to: path)
        var info = stat()
        #expect(stat(path, &info) == 0 && info.st_mode & 0o777 == 0o600)
        #expect(try SigningKey(file: path).publicKey == key.publicKey)
        #expect(try SigningPublicKey(file: path + ".pub") == key.publicKey)
        #expect(key.publicKey.fingerprint.hasPrefix("ed25519:") && key.publicKey.fingerprint.count == 24)
        #expect(throws: KilnError.self) { try SigningKey().write(to: path) }
        // A public key where a private one belongs, and the reverse, are refused with a hint.
        #expect(throws: KilnError.self) { try SigningKey(file: path + ".pub") }
        #expect(throws: KilnError.self) { try SigningPublicKey(file: path) }
        chmod(path, 0o640)
        let error = try #require(throws: KilnError.self) { try SigningKey(file: path) }
        #expect(error.message.contains("chmod 600"))
    }

    @Test("KILN_TRUSTED_KEYS names public key files; one that cannot be read is an error, not a pass")
    func environment() throws {
        let file = try SyntheticBundle.temporaryFile([], name: "x")
        let folder = String(file.dropLast(2))
        let key = try SigningKey()
        try key.write(to: folder + "/a")
        #expect(try TrustedKeys(environment: [:]).isEmpty)
        #expect(try TrustedKeys(environment: ["KILN_TRUSTED_KEYS": folder + "/a.pub"]).keys == [key.publicKey])
        let error = try #require(throws: KilnError.self) {
            try TrustedKeys(environment: ["KILN_TRUSTED_KEYS": folder + "/a.pub:" + folder + "/missing.pub"])
        }
        #expect(error.message.hasPrefix("KILN_TRUSTED_KEYS"))
    }
}
