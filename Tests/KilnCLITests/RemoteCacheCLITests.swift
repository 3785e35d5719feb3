import Foundation
import KilnTestSupport
import Testing

/// `kiln build`, `kiln verify` and `kiln cache stats` with a remote cache on the nginx of
/// scripts/services/nginx.sh: two "machines" (two empty local caches) share one store.
@Suite("Remote cache: kiln on nginx", .enabled(if: TestStore.runs, "needs the nginx of scripts/services/nginx.sh (CI starts it and sets KILN_TEST_SERVICES=1)"))
struct RemoteCacheCLITests {
    static let kernels = ["saxpy", "transpose", "reduce_sum"].map { KilnProcess.projectRoot().appendingPathComponent("Kernels/\($0).cl").path }

    static func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-remote-\(UUID())").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return path
    }

    static func stats(_ cacheDirectory: String, _ environment: [String: String] = [:]) async throws -> [String: Any] {
        let run = try await KilnProcess.run(["cache", "stats", "--json"], environment: environment.merging(["KILN_CACHE_DIR": cacheDirectory]) { $1 })
        #expect(run.status == 0, "\(run.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
    }

    static func counters(_ stats: [String: Any], _ cache: String) -> [String: Int] {
        ((stats[cache] as? [String: Any])?["counters"] as? [String: Int]) ?? [:]
    }

    @Test("a second machine's kiln build compiles nothing: every image from the store (KILN_REMOTE_CACHE, then kiln.json), bundle identical")
    func buildTwoMachines() async throws {
        try TestStore.require()
        let store = TestStore.freshPrefix("build")
        let work = try Self.folder()
        let (first, second) = (work + "/machine1", work + "/machine2")
        let arguments = Self.kernels + ["--devices", "cpu,sm_90", "--compression-level", "3"]
        let one = try await KilnProcess.run(["build"] + arguments + ["-o", work + "/one.kiln"],
                                      environment: ["KILN_CACHE_DIR": first, "KILN_REMOTE_CACHE": store.url])
        #expect(one.status == 0, "\(one.stderr)")
        #expect(one.stdout.contains("reused 0"), "\(one.stdout)")
        let uploaded = await Self.counters(try Self.stats(first), "build")
        #expect(uploaded["remoteUploads", default: 0] > 0 && uploaded["remoteUploads"] == uploaded["remoteMisses"])

        let config = work + "/kiln.json"
        try Data("{\"remoteCache\": \"\(store.url)\"}".utf8).write(to: URL(fileURLWithPath: config))
        let two = try await KilnProcess.run(["build"] + arguments + ["--config", config, "-o", work + "/two.kiln"],
                                      environment: ["KILN_CACHE_DIR": second, "KILN_REMOTE_CACHE": ""])
        #expect(two.status == 0, "\(two.stderr)")
        #expect(two.stdout.contains("compiled 0,"), "\(two.stdout)")
        #expect(FileManager.default.contentsEqual(atPath: work + "/one.kiln", andPath: work + "/two.kiln"))
        let reused = await Self.counters(try Self.stats(second), "build")
        #expect(reused["remoteHits", default: 0] == uploaded["remoteUploads"])
        #expect(reused["localHits"] == 0 && reused["remoteRejected"] == 0)

        let text = try await KilnProcess.run(["cache", "stats"], environment: ["KILN_CACHE_DIR": second, "KILN_REMOTE_CACHE": store.url])
        #expect(text.stdout.contains("remote (\(store.url)): \(reused["remoteHits"] ?? -1) hits, 0 misses, 0 rejected"), "\(text.stdout)")
    }

    @Test("KILN_REMOTE_CACHE_READONLY=1: kiln build reads the store and writes nothing to it")
    func buildReadOnly() async throws {
        try TestStore.require()
        let store = TestStore.freshPrefix("build-ro")
        let work = try Self.folder()
        let run = try await KilnProcess.run(["build", Self.kernels[0], "--devices", "cpu", "-o", work + "/b.kiln"],
                                      environment: ["KILN_CACHE_DIR": work, "KILN_REMOTE_CACHE": store.url, "KILN_REMOTE_CACHE_READONLY": "1"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: store.folder))
        let counted = await Self.counters(try Self.stats(work), "build")
        #expect(counted["remoteMisses", default: 0] > 0 && counted["remoteUploads"] == 0)
    }

    @Test("a dead store: kiln build succeeds, compiling locally, with one warning")
    func buildServerDown() async throws {
        let work = try Self.folder()
        let url = "http://127.0.0.1:\(try SilentListener.closedPort())/kiln"
        let run = try await KilnProcess.run(["build"] + Self.kernels + ["--devices", "cpu", "-o", work + "/b.kiln"],
                                      environment: ["KILN_CACHE_DIR": work, "KILN_REMOTE_CACHE": url])
        #expect(run.status == 0, "\(run.stderr)")
        let warnings = run.stderr.split(separator: "\n").filter { $0.hasPrefix("kiln: warning: remote cache") }
        #expect(warnings.count == 1, "\(run.stderr)")
        #expect(warnings.first?.contains("connection refused") == true)
    }

    @Test("the fleet: a program's JIT results (PoCL, from source) reach a second machine through the store, no code change")
    func jitTwoMachines() async throws {
        try TestStore.require()
        let store = TestStore.freshPrefix("jit")
        let bundle = try await VerifyCommandTests.bundle("sm_90")
        let first = try await KilnProcess.run(["verify", bundle, "--jit", "always", "--json"],
                                        environment: ["KILN_CACHE_DIR": try Self.folder(), "KILN_REMOTE_CACHE": store.url])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try VerifyCommandTests.cpuModules(first.stdout).values.allSatisfy { Self.path($0) == "jit" })

        let second = try Self.folder()
        let run = try await KilnProcess.run(["verify", bundle, "--jit", "always", "--json"],
                                      environment: ["KILN_CACHE_DIR": second, "KILN_REMOTE_CACHE": store.url])
        #expect(run.status == 0, "\(run.stderr)")
        let modules = try VerifyCommandTests.cpuModules(run.stdout)
        #expect(!modules.isEmpty && modules.values.allSatisfy { Self.path($0) == "jit-cached" }, "\(run.stdout)")
        await #expect(Self.counters(try Self.stats(second), "jit")["remoteHits"] == modules.count)
    }

    @Test("the fleet: 8 processes on 2 empty caches, started together, compile each key once (the claim in the store)")
    func fleetCompilesOnce() async throws {
        try TestStore.require()
        let store = TestStore.freshPrefix("fleet")
        let bundle = try await VerifyCommandTests.bundle("sm_90")
        let machines = [try Self.folder(), try Self.folder()]
        let runs = (0..<8).map { index in
            KilnProcess.start(["verify", bundle, "--jit", "always", "--json"],
                                  environment: ["KILN_CACHE_DIR": machines[index % 2], "KILN_REMOTE_CACHE": store.url])
        }
        var compiles: [String: Int] = [:]
        for run in runs {
            let outcome = try await run.wait()
            #expect(outcome.status == 0, "\(outcome.stderr)")
            for (module, record) in try VerifyCommandTests.cpuModules(outcome.stdout) {
                compiles[module, default: 0] += Self.path(record) == "jit" ? 1 : 0
            }
        }
        #expect(!compiles.isEmpty && compiles.values.allSatisfy { $0 == 1 }, "compiles per module: \(compiles)")
        let claims = (try? FileManager.default.contentsOfDirectory(atPath: store.folder + "/claims")) ?? []
        #expect(claims.isEmpty, "every claim is released after its upload: \(claims)")
    }

    @Test("8 processes on 8 empty caches PUT the same keys at once (a store without claims); the store's entries stay whole and a 9th takes them all")
    func eightWriters() async throws {
        try TestStore.require()
        let store = TestStore.freshPrefix("eight", claims: false)
        let bundle = try await VerifyCommandTests.bundle("sm_90")
        let runs = try (0..<8).map { _ in
            KilnProcess.start(["verify", bundle, "--jit", "always", "--json"],
                                  environment: ["KILN_CACHE_DIR": try Self.folder(), "KILN_REMOTE_CACHE": store.url])
        }
        for run in runs {
            let outcome = try await run.wait()
            #expect(outcome.status == 0, "\(outcome.stderr)")
        }

        let ninth = try Self.folder()
        let run = try await KilnProcess.run(["verify", bundle, "--jit", "always", "--json"],
                                      environment: ["KILN_CACHE_DIR": ninth, "KILN_REMOTE_CACHE": store.url])
        #expect(run.status == 0, "\(run.stderr)")
        let modules = try VerifyCommandTests.cpuModules(run.stdout)
        #expect(!modules.isEmpty && modules.values.allSatisfy { Self.path($0) == "jit-cached" }, "\(run.stdout)")
        let counted = await Self.counters(try Self.stats(ninth), "jit")
        #expect(counted["remoteHits"] == modules.count && counted["remoteRejected"] == 0)
    }

    static func path(_ module: [String: Any]) -> String? {
        (module["resolution"] as? [String: Any])?["path"] as? String
    }
}
