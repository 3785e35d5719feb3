import Dispatch
import KilnCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Runs uploads on a few threads of its own, so that requests blocked on a slow store never
/// hold the threads of Dispatch's shared pool (on Linux a blocked pool only grows after a pause
/// of about a second, which stalls everything else queued on it).
package final class UploadQueue: Sendable {
    /// How many uploads run at once.
    package let width: Int
    private let state = Mutex<(pending: [@Sendable () -> Void], threads: Int)>(([], 0))
    private let ready = DispatchSemaphore(value: 0)
    private let running = DispatchGroup()

    package init(width: Int) { self.width = width }

    /// Queues a job; a thread is started for it while fewer than `width` exist.
    package func add(_ job: @escaping @Sendable () -> Void) {
        running.enter()
        let start = state.withLock { state -> Bool in
            state.pending.append(job)
            guard state.threads < width else { return false }
            state.threads += 1
            return true
        }
        if start { Self.detach { [self] in work() } }
        ready.signal()
    }

    /// Waits until every queued job has run, at most `timeout` seconds.
    package func wait(timeout: Double) -> Bool {
        running.wait(timeout: .now() + timeout) == .success
    }

    private func work() {
        while true {
            ready.wait()
            guard let job = state.withLock({ $0.pending.isEmpty ? nil : $0.pending.removeFirst() }) else { continue }
            job()
            running.leave()
        }
    }

    /// Starts a detached thread that runs a closure.
    private static func detach(_ body: @escaping @Sendable () -> Void) {
        if let thread = startThread(body) {
            pthread_detach(thread)
        } else {
            DispatchQueue.global().async(execute: body)  // no thread to be had: borrow one of Dispatch's
        }
    }
}
