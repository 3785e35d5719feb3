#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Foundation
@testable import KilnCompiler
import KilnCore
import Testing

/// In-process compilers run on a thread of their own, off Swift's cooperative threads.
@Suite("Blocking work")
struct BlockingWorkTests {
    @Test("runBlocking gives back its work's result or its error")
    func results() async throws {
        #expect(await runBlocking { 6 * 7 } == 42)
        let error = await #expect(throws: KilnError.self) {
            try await runBlocking { () throws(KilnError) -> Int in throw KilnError(.compilationFailed, "the kernel is wrong") }
        }
        #expect(error?.code == .compilationFailed && error?.message == "the kernel is wrong")
    }

    @Test("jobs in runBlocking, one more than the cores, that each wait for a task on the cooperative threads all end")
    func poolStaysFree() async {
        let count = ProcessInfo.processInfo.activeProcessorCount + 1
        let go = DispatchSemaphore(value: 0)
        await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<count { group.addTask { await runBlocking { go.wait(timeout: .now() + 120) == .success } } }
            group.addTask {
                try? await Task.sleep(for: .milliseconds(100))
                for _ in 0..<count { go.signal() }
                return true
            }
            for await ended in group { #expect(ended, "a job waited 120 s for a task the cooperative threads never ran") }
        }
    }
}
