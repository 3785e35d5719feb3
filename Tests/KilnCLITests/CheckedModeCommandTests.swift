import Foundation
import KilnTestSupport
import Testing

/// The checked mode (`KILN_CHECKED`) as a user turns it on: through the environment of a program.
@Suite("KILN_CHECKED through kiln verify", .enabled(if: FileManager.default.fileExists(atPath: "/etc/OpenCL/vendors/pocl.icd"),
                                                     "needs PoCL (pocl-opencl-icd, which scripts/setup.sh installs)"))
struct CheckedModeCommandTests {
    @Test("under KILN_CHECKED=1 every reference kernel still passes: guarded buffers raise no false alarm")
    func referenceKernelsPass() async throws {
        let run = try await KilnProcess.run(["verify", try VerifyCommandTests.bundle("cpu")],
                                      environment: VerifyCommandTests.environment().merging(["KILN_CHECKED": "1"]) { $1 })
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(!run.stdout.contains("outside the buffer") && !run.stderr.contains("outside the buffer"))
    }

    @Test("a KILN_CHECKED value that is not 0 or 1 fails the run, naming the setting and the fix")
    func badSetting() async throws {
        let run = try await KilnProcess.run(["verify", try VerifyCommandTests.bundle("cpu")],
                                      environment: VerifyCommandTests.environment().merging(["KILN_CHECKED": "yes"]) { $1 })
        #expect(run.status == 1)
        #expect((run.stdout + run.stderr).contains("KILN_CHECKED='yes' is not a setting — use KILN_CHECKED=1"), "\(run.stdout)\(run.stderr)")
    }
}
