import KilnCore
import KilnRuntime
import Testing

/// The check both backends run against a kernel's own limits, with made-up limits: a kernel
/// that allows 128 work-items on a device that allows 1024, and declares 1 KiB of 48 KiB.
@Suite("Checking a launch against a kernel's own limits")
struct KernelLimitsTests {
    let limits = KernelLimits(maxThreadsPerBlock: 128, deviceMaxThreadsPerBlock: 1024, staticLocalBytes: 1024, deviceLocalBytes: 48 * 1024)

    @Test("a block within the kernel's limit and local memory within the device's pass", arguments: [Dim3(128), Dim3(16, 8), Dim3(4, 4, 8), Dim3(1)])
    func within(block: Dim3) throws {
        try limits.check(block: block, launchLocalBytes: 48 * 1024 - 1024, kernel: "k")
    }

    @Test("a block over the kernel's own limit is refused, naming the kernel, the block, the limit, the device's and why")
    func overKernel() throws {
        let error = try #require(throws: KilnError.self) { try limits.check(block: Dim3(256), launchLocalBytes: 0, kernel: "k") }
        #expect(error.code == .invalidLaunch)
        #expect(error.message == "kernel 'k' allows at most 128 work-items per work-group on this device (its own limit, from its registers or __launch_bounds__; the device allows 1024), but the launch gave block (256, 1, 1) (256 work-items) — launch with a smaller block")
    }

    @Test("a block counts all three dimensions: 16×16×1 is 256 work-items")
    func product() throws {
        let error = try #require(throws: KilnError.self) { try limits.check(block: Dim3(16, 16), launchLocalBytes: 0, kernel: "k") }
        #expect(error.message.contains("block (16, 16, 1) (256 work-items)"), "\(error.message)")
    }

    @Test("where the kernel's limit is the device's, the message says so instead of blaming the kernel")
    func deviceWide() throws {
        let same = KernelLimits(maxThreadsPerBlock: 1024, deviceMaxThreadsPerBlock: 1024, staticLocalBytes: 0, deviceLocalBytes: 1024)
        let error = try #require(throws: KilnError.self) { try same.check(block: Dim3(2048), launchLocalBytes: 0, kernel: "k") }
        #expect(error.message.contains("at most 1024 work-items per work-group on this device (the device's limit)"), "\(error.message)")
    }

    @Test("local memory declared plus asked for over the device's is refused, saying how much may be asked for")
    func overLocal() throws {
        let error = try #require(throws: KilnError.self) { try limits.check(block: Dim3(64), launchLocalBytes: 48 * 1024 - 1023, kernel: "k") }
        #expect(error.code == .invalidLaunch)
        #expect(error.message == "kernel 'k' needs 49153 bytes of local memory per work-group (1024 declared in the kernel + 48129 asked for at launch), over this device's 49152 — ask for at most 48128 bytes at launch (.local(bytes:) arguments and shared memory together)")
    }

    @Test("a kernel whose own arrays are over the device's local memory is refused with any launch, saying to shrink them")
    func oversizedKernel() throws {
        let huge = KernelLimits(maxThreadsPerBlock: 128, deviceMaxThreadsPerBlock: 128, staticLocalBytes: 4 << 20, deviceLocalBytes: 1 << 20)
        let error = try #require(throws: KilnError.self) { try huge.check(block: Dim3(1), launchLocalBytes: 0, kernel: "k") }
        #expect(error.message.contains("4194304 declared in the kernel + 0 asked for at launch), over this device's 1048576 — make the kernel's __local (__shared__) arrays smaller"), "\(error.message)")
    }

    @Test("sizes that overflow are refused, not wrapped")
    func overflow() throws {
        let error = try #require(throws: KilnError.self) { try limits.check(block: Dim3(1), launchLocalBytes: Int.max, kernel: "k") }
        #expect(error.message.contains("needs more than \(Int.max) bytes"), "\(error.message)")
        let threads = try #require(throws: KilnError.self) { try limits.check(block: Dim3(Int.max, 2), launchLocalBytes: 0, kernel: "k") }
        #expect(threads.message.contains("allows at most 128"), "\(threads.message)")
    }
}
