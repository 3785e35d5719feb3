#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// One piece of work started on a thread of its own, so that it runs beside the caller's; its
/// value is waited for when it is needed.
///
/// For a slow call that blocks in a driver (a CUDA context, about 100 ms) and must not hold a
/// thread of the shared pools. Where no thread can be started, the work runs at once, on the
/// caller's thread: the value is the same, only not early.
public final class BackgroundWork<Value: Sendable>: Sendable {
    /// The thread until it is joined.
    private let thread: Mutex<pthread_t?>
    private let box: Box

    private final class Box: Sendable {
        let body: @Sendable () -> Value
        let value = Mutex<Value?>(nil)
        init(_ body: @escaping @Sendable () -> Value) { self.body = body }
        func run() { let result = body(); value.withLock { $0 = result } }
    }

    /// Starts the work.
    ///
    /// - Parameter body: The work; it runs exactly once.
    public init(_ body: @escaping @Sendable () -> Value) {
        let box = Box(body)
        self.box = box
        let started = startThread { box.run() }
        if started == nil { box.run() }
        thread = Mutex(started)
    }

    /// Work nobody waited for ends on its own.
    deinit {
        if let thread = thread.withLock({ $0 }) { pthread_detach(thread) }
    }

    /// Waits for the work to end (it may have already), and gives its value.
    public func wait() -> Value {
        thread.withLock { thread in
            if let joining = thread {
                pthread_join(joining, nil)
                thread = nil
            }
        }
        // Joined, or run in `init`: the value is set.
        return box.value.withLock { $0! }
    }
}

/// The closure a new thread runs.
private final class ThreadEntry {
    let body: @Sendable () -> Void
    init(_ body: @escaping @Sendable () -> Void) { self.body = body }
}

/// A thread that runs a closure; nil where none could be started. The caller joins or detaches it.
package func startThread(_ body: @escaping @Sendable () -> Void) -> pthread_t? {
    var thread = pthread_t()
    let context = Unmanaged.passRetained(ThreadEntry(body)).toOpaque()
    let status = pthread_create(&thread, nil, { context in
        Unmanaged<ThreadEntry>.fromOpaque(context!).takeRetainedValue().body()
        return nil
    }, context)
    guard status == 0 else {
        Unmanaged<ThreadEntry>.fromOpaque(context).release()
        return nil
    }
    return thread
}
