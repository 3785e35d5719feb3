import Dispatch
import Synchronization

/// Runs `body` once for each index in `0..<count`, on up to `jobs` threads at once, each thread
/// taking the next index not yet taken (so one long item does not hold back the rest).
///
/// - Parameters:
///   - count: How many items there are.
///   - jobs: The most threads to run at once (at least one is used).
///   - body: The work for one index; called from several threads at once.
func forEachConcurrently(_ count: Int, jobs: Int, _ body: @Sendable (Int) -> Void) {
    let next = Atomic<Int>(0)
    DispatchQueue.concurrentPerform(iterations: max(1, min(jobs, count))) { _ in
        while true {
            let claimed = next.add(1, ordering: .relaxed).oldValue
            guard claimed < count else { return }
            body(claimed)
        }
    }
}
