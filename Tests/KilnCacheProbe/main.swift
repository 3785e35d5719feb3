// A process that uses the JIT cache the way a program does, for the cache's multi-process tests:
//
//   KilnCacheProbe compile SOURCE.cl LOG [SEED]  compile SOURCE to PTX with NVRTC through the cache
//                                                (appending "compiled PID" to LOG when it really
//                                                compiles), print "cached|compiled SHA256"
//   KilnCacheProbe store-big MEGABYTES PIDFILE   write this process's id to PIDFILE, then store an
//                                                entry of that size (to be killed midway)
//
// The cache is the one the environment names (KILN_CACHE_DIR, …).
#if canImport(Glibc)
import Glibc
#endif
import KilnBundle
import KilnCompiler
import KilnCore
import KilnRuntime
import Dispatch
import Synchronization

/// One result, handed from a task to the thread that waits for it.
final class ResultBox<T: Sendable>: Sendable {
    let result = Mutex<Result<T, KilnError>?>(nil)
}

/// Runs async work from the cache's synchronous compile closure and waits for it. Safe here only:
/// the closure runs on the main thread, outside the pool of threads the work runs on.
func waitFor<T: Sendable>(_ work: @escaping @Sendable () async throws(KilnError) -> T) throws(KilnError) -> T {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    Task {
        let result: Result<T, KilnError>
        do throws(KilnError) { result = .success(try await work()) } catch { result = .failure(error) }
        box.result.withLock { $0 = result }
        done.signal()
    }
    done.wait()
    return try box.result.withLock { $0! }.get()
}

func fail(_ message: String) -> Never {
    StandardErrorProbe.write("probe: \(message)\n")
    exit(1)
}

enum StandardErrorProbe {
    static func write(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }
}

let arguments = CommandLine.arguments
do {
    let cache = try DiskJITCache.fromEnvironment()
    switch arguments.dropFirst().first {
    case "compile" where arguments.count >= 4:
        let module = try SourceModule(path: arguments[2])
        let clang = try await ClangOpenCL()
        let key = JITCacheKey(portableSHA256: module.sha256, target: "compute_80", device: "probe",
                              compiler: clang.identity, options: arguments.count > 4 ? [arguments[4]] : [])
        let (bytes, cached) = try cache.compileOnce(key: key) { () throws(KilnError) in
            let log = open(arguments[3], O_WRONLY | O_APPEND | O_CREAT, 0o644)
            let line = Array("compiled \(getpid())\n".utf8)
            _ = line.withUnsafeBytes { write(log, $0.baseAddress, $0.count) }
            close(log)
            return try waitFor { () async throws(KilnError) in try await clang.ptx(module, capability: ComputeCapability(8, 0), target: "compute_80") }
        }
        print("\(cached ? "cached" : "compiled") \(SHA256Digest.hex(of: bytes))")
        cache.finishUploads(timeout: 30)  // a global cache is never deinitialised
    case "store-big" where arguments.count == 4:
        guard let megabytes = Int(arguments[2]) else { fail("store-big takes a number of megabytes") }
        let pid = Array("\(getpid())\n".utf8)
        let file = open(arguments[3], O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard file >= 0, pid.withUnsafeBytes({ write(file, $0.baseAddress, $0.count) }) == pid.count else { fail("cannot write \(arguments[3])") }
        close(file)
        let key = JITCacheKey(portableSHA256: "big", target: "compute_80", device: "probe", compiler: "probe")
        cache.store(key: key, bytes: [UInt8](repeating: 7, count: megabytes << 20))
        print("stored")
    default:
        fail("usage: KilnCacheProbe compile SOURCE LOG [SEED] | store-big MEGABYTES PIDFILE")
    }
} catch {
    fail("\(error)")
}
