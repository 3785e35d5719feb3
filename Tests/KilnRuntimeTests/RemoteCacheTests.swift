import Foundation
import KilnBundle
import KilnCore
@testable import KilnRuntime
import KilnTestSupport
import Testing

/// The remote cache against a real store: the nginx of scripts/services/nginx.sh (WebDAV PUT),
/// with entries damaged by writing into its folder, and fakes only for what nginx cannot be made
/// to do on demand (a listener that never answers, a port nothing listens on).
@Suite("Remote cache on nginx", .enabled(if: TestStore.runs, "needs the nginx of scripts/services/nginx.sh (CI starts it and sets KILN_TEST_SERVICES=1)"))
struct RemoteCacheTests {
    static func remote(_ url: String, readOnly: Bool = false, tokenFile: String? = nil, connectTimeout: Int = 2,
                       totalTimeout: Int = 20) throws -> RemoteCache {
        try RemoteCache(configuration: RemoteCacheConfiguration(url: url, readOnly: readOnly, tokenFile: tokenFile,
                                                                connectTimeout: connectTimeout, totalTimeout: totalTimeout))
    }

    static func jitCache(_ remote: RemoteCache?) throws -> DiskJITCache {
        try DiskJITCache(configuration: CacheConfiguration(root: try DiskJITCacheTests.folder()), remote: remote)
    }

    static func key(_ n: Int) -> JITCacheKey {
        JITCacheKey(portableSHA256: "remote-test-\(n)", target: "spirv", device: "test-device", compiler: "test 1")
    }

    static func payload(_ n: Int) -> [UInt8] { (0..<(5000 + n)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ n) } }

    /// Compiles a key through a cache, recording whether `compile` ran.
    static func compileOnce(_ cache: DiskJITCache, _ n: Int) throws -> (bytes: [UInt8], cached: Bool, compiled: Bool) {
        var compiled = false
        let (bytes, cached) = try cache.compileOnce(key: key(n)) {
            compiled = true
            return payload(n)
        }
        return (bytes, cached, compiled)
    }

    @Test("a second machine's cache takes the first one's result from the store: no compile, bytes equal, counted")
    func sharedBetweenTwoCaches() throws {
        try TestStore.require()
        let store = TestStore.freshPrefix("shared")
        let first = try Self.jitCache(try Self.remote(store.url))
        let made = try Self.compileOnce(first, 1)
        #expect(made.compiled && !made.cached)
        #expect(first.finishUploads(timeout: 20))

        let second = try Self.jitCache(try Self.remote(store.url))
        let reused = try Self.compileOnce(second, 1)
        #expect(!reused.compiled && reused.cached)
        #expect(reused.bytes == Self.payload(1))
        #expect(second.lookup(key: Self.key(1)) == Self.payload(1), "a remote hit is kept in the local cache")

        let counted = second.stats().counters
        #expect(counted.localMisses == 1 && counted.remoteHits == 1 && counted.remoteMisses == 0)
        #expect(counted.remoteBytesDownloaded > Int64(Self.payload(1).count))
        let uploaded = first.stats().counters
        #expect(uploaded.remoteMisses == 1 && uploaded.remoteUploads == 1)
        #expect(uploaded.remoteBytesUploaded > Int64(Self.payload(1).count))
    }

    @Test("an https:// store is used when its certificate chains to KILN_REMOTE_CACHE_CA, and given up with a TLS reason when it does not")
    func https() throws {
        try TestStore.require()
        let prefix = "t-https-\(UUID().uuidString.prefix(8))"
        let url = TestStore.httpsURL + "/" + prefix
        func store(trusting authorities: String?) throws -> RemoteCache {
            try RemoteCache(configuration: RemoteCacheConfiguration(url: url, certificateAuthorities: authorities))
        }
        let first = try Self.jitCache(try store(trusting: TestStore.certificate))
        #expect(try Self.compileOnce(first, 1).compiled)
        #expect(first.finishUploads(timeout: 20))
        #expect(first.stats().counters.remoteUploads == 1)
        let written = (try? FileManager.default.subpathsOfDirectory(atPath: TestStore.root + "/" + prefix)) ?? []
        #expect(!written.isEmpty, "nothing reached the store's folder over https")

        let second = try Self.jitCache(try store(trusting: TestStore.certificate))
        let reused = try Self.compileOnce(second, 1)
        #expect(!reused.compiled && reused.cached && reused.bytes == Self.payload(1))

        // The system's authorities do not know the store's self-signed certificate.
        let untrusted = try store(trusting: nil)
        let local = try Self.compileOnce(try Self.jitCache(untrusted), 1)
        #expect(local.compiled && local.bytes == Self.payload(1), "a store whose certificate is not trusted was used")
        let reason = try #require(untrusted.unavailableReason)
        #expect(reason.contains("TLS") && reason.contains("KILN_REMOTE_CACHE_CA"), "\(reason)")
    }

    @Test("a key is claimed once (MKCOL): another cache waits for the claimer's entry instead of compiling; a failed compile releases the claim")
    func claims() throws {
        try TestStore.require()
        let store = TestStore.freshPrefix("claims")
        let a = try Self.remote(store.url), b = try Self.remote(store.url)
        let text = Self.key(1).canonicalText
        #expect(a.claim(keyText: text) == .mine)
        #expect(b.claim(keyText: text) == .elsewhere)
        a.release(keyText: text)
        #expect(b.claim(keyText: text) == .mine, "a released claim can be taken again")
        b.release(keyText: text)

        // Machine one claims key 2 and compiles slowly; machine two, asking meanwhile, waits for it.
        let first = try Self.jitCache(a), second = try Self.jitCache(b)
        let claimed = DispatchSemaphore(value: 0), done = DispatchGroup()
        DispatchQueue.global().async(group: done) {
            _ = try? first.compileOnce(key: Self.key(2)) {
                claimed.signal()
                usleep(1_500_000)
                return Self.payload(2)
            }
        }
        claimed.wait()
        let waited = try Self.compileOnce(second, 2)
        #expect(!waited.compiled && waited.cached && waited.bytes == Self.payload(2))
        done.wait()

        // A compile that fails releases its claim: the next process compiles at once.
        #expect(throws: KilnError.self) {
            try first.compileOnce(key: Self.key(3)) { () throws(KilnError) in throw KilnError(.compilationFailed, "test failure") }
        }
        #expect(try Self.compileOnce(second, 3).compiled)

        // No claim when read-only, or from a store without MKCOL: each compiles, as before.
        #expect(try Self.remote(store.url, readOnly: true).claim(keyText: Self.key(4).canonicalText) == .notClaimed)
        let plain = TestStore.freshPrefix("claims", claims: false)
        #expect(try Self.remote(plain.url).claim(keyText: Self.key(4).canonicalText) == .notClaimed)
        #expect(first.finishUploads(timeout: 20) && second.finishUploads(timeout: 20))
        let left = (try? FileManager.default.contentsOfDirectory(atPath: store.folder + "/claims")) ?? []
        #expect(left.isEmpty, "claims left behind: \(left)")
    }

    @Test("the store holds the Bazel layout: cas/SHA-256 of the body, and ac/KEY with hashes only, no key text")
    func layout() throws {
        try TestStore.require()
        let store = TestStore.freshPrefix("layout")
        let remote = try Self.remote(store.url)
        let keyText = "kiln-jit-key 1\noptions -I/home/alice/private"
        remote.upload(keyText: keyText, payload: Self.payload(2))
        #expect(remote.finishUploads(timeout: 20))
        let body = try Data(contentsOf: URL(fileURLWithPath: "\(store.folder)/cas/\(SHA256Digest.hex(of: Self.payload(2)))"))
        #expect(Array(body) == Self.payload(2))
        let record = try String(contentsOfFile: "\(store.folder)/ac/\(SHA256Digest.hex(of: keyText))", encoding: .utf8)
        #expect(record == "kiln-remote-entry 1\nkey \(SHA256Digest.hex(of: keyText))\ncas \(SHA256Digest.hex(of: Self.payload(2)))\nsize \(Self.payload(2).count)\n")
        #expect(!record.contains("alice"))
        guard case .hit(let bytes, _) = remote.fetch(keyText: keyText) else { Issue.record("no hit"); return }
        #expect(bytes == Self.payload(2))
        guard case .miss = remote.fetch(keyText: "kiln-jit-key 1\nnever stored") else { Issue.record("not a miss"); return }
    }

    /// Ways to damage entry 1 in the store's folder, given both entries' files.
    enum Damage: String, CaseIterable, CustomTestStringConvertible {
        case truncatedBody, tamperedBody, swappedBody, swappedRecord
        var testDescription: String { rawValue }
    }

    @Test("a damaged remote entry is dropped, compiled again and uploaded over", arguments: Damage.allCases)
    func damaged(_ damage: Damage) throws {
        try TestStore.require()
        let store = TestStore.freshPrefix("damaged")
        let writer = try Self.jitCache(try Self.remote(store.url))
        _ = try Self.compileOnce(writer, 1)
        _ = try Self.compileOnce(writer, 2)
        #expect(writer.finishUploads(timeout: 20))
        let body1 = "\(store.folder)/cas/\(SHA256Digest.hex(of: Self.payload(1)))"
        let body2 = "\(store.folder)/cas/\(SHA256Digest.hex(of: Self.payload(2)))"
        let record1 = "\(store.folder)/ac/\(Self.key(1).digest)"
        let record2 = "\(store.folder)/ac/\(Self.key(2).digest)"
        switch damage {
        case .truncatedBody: try Data(Self.payload(1).dropLast(100)).write(to: URL(fileURLWithPath: body1))
        case .tamperedBody:
            var bytes = Self.payload(1)
            bytes[100] ^= 1
            try Data(bytes).write(to: URL(fileURLWithPath: body1))
        case .swappedBody: try Data(contentsOf: URL(fileURLWithPath: body2)).write(to: URL(fileURLWithPath: body1))
        case .swappedRecord: try Data(contentsOf: URL(fileURLWithPath: record2)).write(to: URL(fileURLWithPath: record1))
        }

        let reader = try Self.jitCache(try Self.remote(store.url))
        let result = try Self.compileOnce(reader, 1)
        #expect(result.compiled && !result.cached, "the damaged entry was used")
        #expect(result.bytes == Self.payload(1))
        #expect(reader.stats().counters.remoteRejected == 1)
        #expect(reader.finishUploads(timeout: 20))

        let third = try Self.jitCache(try Self.remote(store.url))
        let repaired = try Self.compileOnce(third, 1)
        #expect(!repaired.compiled && repaired.bytes == Self.payload(1), "the fresh upload did not replace the damaged entry")
    }

    @Test("a port nothing listens on: the JIT compiles locally and the store is not asked again")
    func serverDown() throws {
        let remote = try Self.remote("http://127.0.0.1:\(try SilentListener.closedPort())/kiln")
        let cache = try Self.jitCache(remote)
        let first = try Self.compileOnce(cache, 1)
        #expect(first.compiled && first.bytes == Self.payload(1))
        let reason = try #require(remote.unavailableReason)
        #expect(reason.contains("connection refused"))
        let second = try Self.compileOnce(cache, 2)
        #expect(second.compiled)
        #expect(remote.unavailableReason == reason)
        #expect(cache.finishUploads(timeout: 5))
    }

    @Test("a store that accepts and never answers costs one timeout, then is not contacted again")
    func serverHangs() throws {
        let listener = try SilentListener()
        let remote = try Self.remote("http://127.0.0.1:\(listener.port)/kiln", connectTimeout: 1)
        let cache = try Self.jitCache(remote)
        let started = ContinuousClock.now
        let first = try Self.compileOnce(cache, 1)
        #expect(first.compiled && first.bytes == Self.payload(1))
        #expect(ContinuousClock.now - started < .seconds(15), "the timeout did not fire")
        #expect(try #require(remote.unavailableReason).contains("timeout"))
        let contacted = listener.accepted
        #expect(contacted >= 1)
        for n in 2...4 { #expect(try Self.compileOnce(cache, n).compiled) }
        #expect(cache.finishUploads(timeout: 5))
        #expect(listener.accepted == contacted, "the store was contacted after it was given up")
    }

    @Test("a store that answers one byte at a time is stopped by the total timeout, then not contacted again")
    func serverTrickles() throws {
        let listener = try SilentListener(trickle: true)
        let remote = try Self.remote("http://127.0.0.1:\(listener.port)/kiln", connectTimeout: 1, totalTimeout: 2)
        let started = ContinuousClock.now
        guard case .unavailable = remote.fetch(keyText: "slow") else { Issue.record("a trickle was used"); return }
        #expect(ContinuousClock.now - started < .seconds(60), "the total timeout did not fire (the whole answer takes 300 s)")
        #expect(try #require(remote.unavailableReason).contains("KILN_REMOTE_CACHE_TIMEOUT"))
        let contacted = listener.accepted
        guard case .unavailable = remote.fetch(keyText: "slow") else { Issue.record("asked again"); return }
        #expect(listener.accepted == contacted)
    }

    @Test("a store answering 500 is tried again a bounded number of times, then given up")
    func serverErrors() throws {
        try TestStore.require()
        let remote = try Self.remote("\(TestStore.url)/error500/kiln")
        let cache = try Self.jitCache(remote)
        #expect(try Self.compileOnce(cache, 1).compiled)
        #expect(try #require(remote.unavailableReason).contains("HTTP 500"))
        guard case .unavailable = remote.fetch(keyText: "anything") else { Issue.record("asked again"); return }
    }

    @Test("a store that refuses uploads (403 to PUT) is still read; uploads stop")
    func writesRefused() throws {
        try TestStore.require()
        let store = TestStore.freshPrefix("refused")
        let writer = try Self.jitCache(try Self.remote(store.url))
        _ = try Self.compileOnce(writer, 1)
        #expect(writer.finishUploads(timeout: 20))
        let prefix = String(store.url.dropFirst(TestStore.url.count + 1))
        let remote = try Self.remote("\(TestStore.url)/readonly/\(prefix)")
        let reader = try Self.jitCache(remote)
        #expect(try Self.compileOnce(reader, 2).compiled)
        #expect(reader.finishUploads(timeout: 20))
        #expect(try #require(remote.store.uploadsRefusedReason).contains("HTTP 403"))
        #expect(remote.unavailableReason == nil)
        #expect(!(try Self.compileOnce(reader, 1).compiled), "a store refusing writes was no longer read")
    }

    @Test("a redirect is not followed: the store is given up")
    func redirect() throws {
        try TestStore.require()
        let remote = try Self.remote("\(TestStore.url)/redirect/kiln")
        guard case .unavailable = remote.fetch(keyText: "anything") else { Issue.record("followed or used"); return }
        #expect(try #require(remote.unavailableReason).contains("HTTP 302"))
    }

    @Test("KILN_REMOTE_CACHE_READONLY: reads what others wrote, uploads nothing")
    func readOnly() throws {
        try TestStore.require()
        let store = TestStore.freshPrefix("readonly")
        let consumer = try Self.jitCache(try Self.remote(store.url, readOnly: true))
        #expect(try Self.compileOnce(consumer, 1).compiled)
        #expect(consumer.finishUploads(timeout: 20))
        #expect(!FileManager.default.fileExists(atPath: store.folder), "a read-only cache uploaded")

        let writer = try Self.jitCache(try Self.remote(store.url))
        _ = try Self.compileOnce(writer, 2)
        #expect(writer.finishUploads(timeout: 20))
        let reader = try Self.jitCache(try Self.remote(store.url, readOnly: true))
        #expect(!(try Self.compileOnce(reader, 2).compiled))
    }

    @Test("a bearer token from a private file is sent; without it the store refuses and is given up")
    func token() throws {
        try TestStore.require()
        let prefix = "auth/t-\(UUID().uuidString.prefix(8))"
        let tokenFile = try DiskJITCacheTests.folder() + "/token"
        #expect(FileManager.default.createFile(atPath: tokenFile, contents: Data("kiln-test-token\n".utf8), attributes: [.posixPermissions: 0o600]), "the test could not write its file")
        let writer = try Self.jitCache(try Self.remote("\(TestStore.url)/\(prefix)", tokenFile: tokenFile))
        _ = try Self.compileOnce(writer, 1)
        #expect(writer.finishUploads(timeout: 20))
        let reader = try Self.jitCache(try Self.remote("\(TestStore.url)/\(prefix)", tokenFile: tokenFile))
        #expect(!(try Self.compileOnce(reader, 1).compiled))
        #expect(reader.remote?.unavailableReason == nil)

        let anonymous = try Self.remote("\(TestStore.url)/\(prefix)/")  // another configuration, same store
        guard case .unavailable = anonymous.fetch(keyText: Self.key(1).canonicalText) else { Issue.record("no refusal"); return }
        #expect(try #require(anonymous.unavailableReason).contains("HTTP 401"))
    }
}

/// How the remote cache is configured: no store needed.
@Suite("Remote cache configuration")
struct RemoteCacheConfigurationTests {
    @Test("without libcurl the remote cache is not usable, and the error says what to install")
    func noLibcurl() {
        #expect {
            _ = try Curl(candidates: ["libkiln-no-such-curl.so.9"])
        } throws: { error in
            guard let error = error as? KilnError, error.code == .driverUnavailable else { return false }
            return error.message.contains("libkiln-no-such-curl.so.9") && error.message.contains("apt-get install libcurl4")
                && error.message.contains("unset KILN_REMOTE_CACHE")
        }
    }

    @Test("no KILN_REMOTE_CACHE, no remote cache; a URL with settings is read whole")
    func environment() throws {
        #expect(try RemoteCacheConfiguration(environment: [:]) == nil)
        #expect(try RemoteCacheConfiguration(environment: ["KILN_REMOTE_CACHE": ""]) == nil)
        let configuration = try #require(try RemoteCacheConfiguration(environment: [
            "KILN_REMOTE_CACHE": "https://cache.example:8443/kiln/", "KILN_REMOTE_CACHE_READONLY": "1",
            "KILN_REMOTE_CACHE_CONNECT_TIMEOUT": "0.5", "KILN_REMOTE_CACHE_TIMEOUT": "30",
        ]))
        #expect(configuration.url == "https://cache.example:8443/kiln")
        #expect(configuration.readOnly)
        #expect(configuration.connectTimeout == 1, "whole seconds; a fraction rounds up")
        #expect(configuration.totalTimeout == 30)
        #expect(try RemoteCacheConfiguration(environment: [:], url: "http://from-kiln-json/x")?.url == "http://from-kiln-json/x")
        #expect(try RemoteCacheConfiguration(environment: ["KILN_REMOTE_CACHE": "http://env/y"], url: "http://json/x")?.url == "http://env/y")
    }

    @Test("a malformed setting is refused with what to write", arguments: [
        (["KILN_REMOTE_CACHE": "cache.example:8080"], "not an http:// or https:// URL"),
        (["KILN_REMOTE_CACHE": "http:///kiln"], "names no host"),
        (["KILN_REMOTE_CACHE": "http://alice:secret@cache.example/kiln"], "KILN_REMOTE_CACHE_TOKEN_FILE"),
        (["KILN_REMOTE_CACHE": "http://cache.example/kiln?x=1"], "base URL only"),
        (["KILN_REMOTE_CACHE": "http://c/k", "KILN_REMOTE_CACHE_READONLY": "maybe"], "set it to 1"),
        (["KILN_REMOTE_CACHE": "http://c/k", "KILN_REMOTE_CACHE_TIMEOUT": "soon"], "KILN_REMOTE_CACHE_TIMEOUT='soon' is not a number of seconds"),
        (["KILN_REMOTE_CACHE": "https://c/k", "KILN_REMOTE_CACHE_CA": "/nonexistent/ca.pem"], "KILN_REMOTE_CACHE_CA='/nonexistent/ca.pem' is not a readable file"),
    ])
    func malformed(_ environment: [String: String], _ expected: String) throws {
        let error = #expect(throws: KilnError.self) { try RemoteCacheConfiguration(environment: environment) }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message.contains(expected) == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("secret") != true, "a password was echoed")
    }

    @Test("a token file others can read is refused with the chmod that fixes it; a private one is read")
    func tokenFilePermissions() throws {
        let file = try DiskJITCacheTests.folder() + "/token"
        #expect(FileManager.default.createFile(atPath: file, contents: Data("abc\n".utf8), attributes: [.posixPermissions: 0o644]), "the test could not write its file")
        let configuration = try RemoteCacheConfiguration(url: "http://127.0.0.1:1/x", tokenFile: file)
        let error = #expect(throws: KilnError.self) { try configuration.token() }
        #expect(error?.message.contains("chmod 600 \(file)") == true, "\(error?.message ?? "")")
        chmod(file, 0o600)
        #expect(try configuration.token() == "abc")
        #expect(FileManager.default.createFile(atPath: file, contents: Data("a\nb\n".utf8), attributes: [.posixPermissions: 0o600]), "the test could not write its file")
        #expect(throws: KilnError.self) { try configuration.token() }
    }

    @Test("an entry record is accepted only for the key it was fetched under, whole and exact")
    func record() {
        let key = String(repeating: "a", count: 64), cas = String(repeating: "b", count: 64)
        let record = RemoteEntryRecord(key: key, cas: cas, size: 10)
        #expect(RemoteEntryRecord(bytes: record.encoded, expectedKey: key, maximumSize: 100) == record)
        #expect(RemoteEntryRecord(bytes: record.encoded, expectedKey: String(repeating: "c", count: 64), maximumSize: 100) == nil)
        #expect(RemoteEntryRecord(bytes: record.encoded, expectedKey: key, maximumSize: 9) == nil)
        #expect(RemoteEntryRecord(bytes: Array(record.encoded.dropLast()), expectedKey: key, maximumSize: 100) == nil)
        let upper = RemoteEntryRecord(key: key, cas: cas.uppercased(), size: 10)
        #expect(RemoteEntryRecord(bytes: upper.encoded, expectedKey: key, maximumSize: 100) == nil)
    }
}
