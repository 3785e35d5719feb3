import Dispatch

/// Runs work that holds its thread for long, an in-process compiler (PoCL builds gemm_variants
/// for a minute, nvJitLink and NVRTC for seconds), on a Dispatch worker thread instead of one of
/// Swift's cooperative threads. Those are as many as the cores; while compiles hold them they
/// run nothing else: not a child compiler's time limit, not the build's progress lines (a probe
/// that held both threads of the 2-core VM for 8 s delayed a 1 s timer to 9 s).
///
/// - Parameter work: The blocking work.
/// - Returns: What `work` returns.
/// - Throws: What `work` throws.
func runBlocking<T: Sendable, E: Error>(_ work: @escaping @Sendable () throws(E) -> T) async throws(E) -> T {
    let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<T, E>, Never>) in
        DispatchQueue.global().async {
            continuation.resume(returning: Result { () throws(E) -> T in try work() })
        }
    }
    return try result.get()
}

