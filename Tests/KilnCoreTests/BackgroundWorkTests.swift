#if canImport(Glibc)
import Glibc
#endif
import KilnCore
import Synchronization
import Testing

@Suite("BackgroundWork")
struct BackgroundWorkTests {
    @Test("the work runs on another thread while the caller goes on, and wait gives its value")
    func runsBeside() {
        let caller = pthread_self()
        let release = Mutex(false)
        let work = BackgroundWork { () -> (Bool, Int) in
            // Blocks until the caller, which has not waited yet, lets it go: were the work run on
            // the caller's thread, `init` would never return.
            while !release.withLock({ $0 }) { usleep(1000) }
            return (pthread_equal(pthread_self(), caller) != 0, 42)
        }
        release.withLock { $0 = true }
        let (onCaller, value) = work.wait()
        #expect(!onCaller)
        #expect(value == 42)
    }

    @Test("wait may be called again, and gives the same value; the work ran once")
    func waitTwice() {
        let runs = Mutex(0)
        let work = BackgroundWork { () -> Int in runs.withLock { $0 += 1; return $0 } }
        #expect(work.wait() == 1)
        #expect(work.wait() == 1)
        #expect(runs.withLock { $0 } == 1)
    }

    @Test("work nobody waits for still runs to its end")
    func notWaited() {
        let done = Mutex(false)
        do { _ = BackgroundWork { done.withLock { $0 = true } } }
        for _ in 0..<5000 where !done.withLock({ $0 }) { usleep(1000) }
        #expect(done.withLock { $0 })
    }
}
