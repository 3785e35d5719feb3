import KilnCompiler
import KilnCore
import KilnTestSupport
import Foundation
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Kiln's one way to run a child process, on `/bin/sh`: both pipes read at once, a time limit and
/// an output limit, each failure a `KilnError` naming the command.
@Suite("ChildProcess")
struct ChildProcessTests {
    /// A shell command that writes `bytes` bytes to standard error before it writes `done` to standard output.
    static func errorFirst(_ bytes: Int) -> [String] {
        ["-c", "head -c \(bytes) /dev/zero | tr '\\0' e >&2; echo done"]
    }

    @Test("a child that writes 1 MiB to stderr before any stdout ends, with both streams whole (a reader of stdout first would wait forever at 64 KiB)")
    func fullStandardError() async throws {
        let child = ChildProcess(executable: "/bin/sh", arguments: Self.errorFirst(1 << 20), combinesOutput: false,
                                 timeLimit: .seconds(60))
        let outcome = try await child.run()
        #expect(outcome.status == 0)
        #expect(outcome.text == "done\n")
        #expect(outcome.errorOutput.count == 1 << 20)
        #expect(outcome.errorOutput.allSatisfy { $0 == UInt8(ascii: "e") })
    }

    @Test("the test helper KilnProcess gets the same: 1 MiB on stderr, then stdout, and the run ends")
    func kilnProcessFullStandardError() async throws {
        let run = try await KilnProcess.run(executable: "/bin/sh", Self.errorFirst(1 << 20), limit: .seconds(60))
        #expect(!run.timedOut)
        #expect(run.status == 0)
        #expect(run.stdout == "done\n")
        #expect(run.stderr.utf8.count == 1 << 20)
    }

    @Test("combined output keeps stderr and stdout in one stream, as 2>&1 does")
    func combined() async throws {
        let outcome = try await ChildProcess(executable: "/bin/sh", arguments: ["-c", "echo one >&2; echo two"]).run()
        #expect(outcome.text == "one\ntwo\n")
        #expect(outcome.errorOutput.isEmpty)
    }

    @Test("a child past its time limit is killed, and the error names the command and its limit")
    func timeLimit() async throws {
        let start = ContinuousClock.now
        let child = ChildProcess(executable: "/bin/sh", arguments: ["-c", "exec sleep 600"], timeLimit: .seconds(1))
        let started = Mutex<Int32?>(nil)
        let error = await #expect(throws: KilnError.self) {
            try await child.run { pid in started.withLock { $0 = pid } }
        }
        #expect(error?.code == .timedOut)
        #expect(error?.message.contains("'/bin/sh -c exec sleep 600' ran past its limit of 1 s") == true, "\(String(describing: error))")
        // Killed and reaped: no process has its id any more. The run's output pipe closes only when
        // the sleep ends, so a run that returned before 600 s had it killed. The bound is wide on
        // purpose: the timer runs on Swift's cooperative threads, which tests doing synchronous work
        // (PoCL compiles) can hold for a minute on a 2-core machine (a CI run measured 65 s).
        let pid = try #require(started.withLock { $0 })
        #expect(kill(pid, 0) == -1 && errno == ESRCH, "the child \(pid) is still running")
        #expect(ContinuousClock.now - start < .seconds(300), "the run ended when the limit passed, not when the child would have")
    }

    @Test("a child that ended within its limit is not called past it while synchronous work holds every cooperative thread")
    func endedChildUnderHeldThreads() async throws {
        // The child starts, then every cooperative thread is held (as tests doing PoCL compiles
        // hold them) for three times the limit; the child ends at once, but until the threads
        // are free neither its outcome nor the timer can be taken. When they are, the timer must
        // not win: the child is no longer running.
        let child = ChildProcess(executable: "/bin/sh", arguments: ["-c", "echo done"], timeLimit: .seconds(1))
        let (started, startedSignal) = AsyncStream.makeStream(of: Int32.self)
        let run = Task { try await child.run { pid in startedSignal.yield(pid) } }
        var starts = started.makeAsyncIterator()
        let pid = try #require(await starts.next())
        let holders = (0..<ProcessInfo.processInfo.activeProcessorCount).map { _ in
            Task.detached { _ = usleep(3_000_000) }
        }
        let outcome = try await run.value
        for holder in holders { await holder.value }
        #expect(outcome.status == 0 && outcome.text == "done\n")
        #expect(kill(pid, 0) == -1 && errno == ESRCH, "the child \(pid) was reaped")
    }

    @Test("a child's own children are not waited for: the run ends when the child is killed")
    func grandchild() async throws {
        let start = ContinuousClock.now
        let pidFile = "/tmp/kiln-grandchild-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        // The sleep runs in the background, so it is the shell's child; it inherits the output pipe.
        let child = ChildProcess(executable: "/bin/sh", arguments: ["-c", "sleep 600 & echo $! > \(pidFile); wait"],
                                 timeLimit: .seconds(1))
        let error = await #expect(throws: KilnError.self) { try await child.run() }
        #expect(error?.code == .timedOut)
        #expect(ContinuousClock.now - start < .seconds(300), "the run waited for the grandchild that holds its output pipe")
        let written = try String(contentsOfFile: pidFile, encoding: .utf8)
        let grandchild = try #require(Int32(written.filter(\.isNumber)), "\(pidFile) holds '\(written)'")
        #expect(kill(grandchild, 0) == 0, "the grandchild is not the child, and is not killed with it")
        kill(grandchild, SIGKILL)
        unlink(pidFile)
    }

    @Test("a child that prints more than its output limit is stopped, and the error names the command and the limit")
    func outputLimit() async throws {
        let child = ChildProcess(executable: "/bin/sh", arguments: ["-c", "head -c 1000000 /dev/zero"], outputLimit: 4096)
        let error = await #expect(throws: KilnError.self) { try await child.run() }
        #expect(error?.code == .io)
        #expect(error?.message.contains("printed more than 4096 bytes") == true, "\(String(describing: error))")
    }

    @Test("a program that does not exist is toolchainUnavailable, naming the path")
    func missingProgram() async throws {
        let error = await #expect(throws: KilnError.self) {
            try await ChildProcess(executable: "/nonexistent/ocloc", arguments: ["--version"]).run()
        }
        #expect(error?.code == .toolchainUnavailable)
        #expect(error?.message.contains("/nonexistent/ocloc") == true, "\(String(describing: error))")
    }

    @Test("a child ended by a signal reports the signal")
    func signaled() async throws {
        let outcome = try await ChildProcess(executable: "/bin/sh", arguments: ["-c", "kill -9 $$"]).run()
        #expect(outcome.signal == 9)
    }
}
