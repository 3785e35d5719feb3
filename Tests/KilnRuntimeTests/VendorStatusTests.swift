import KilnCore
import KilnDrivers
@testable import KilnRuntime
import KilnTestSupport
import Testing

@Suite("Vendor status codes")
struct VendorStatusTests {
    /// One failing status of each vendor, the C constant it must be named by, and the code of the error it becomes.
    static let failures: [(any VendorStatus, String, KilnError.Code)] = [
        (CUDAResult.noBinaryForGPU, "CUDA_ERROR_NO_BINARY_FOR_GPU", .driverError),
        (OpenCLStatus.invalidBinary, "CL_INVALID_BINARY", .driverError),
        (NVRTCStatus.invalidOption, "NVRTC_ERROR_INVALID_OPTION", .compilationFailed),
        (NVJitLinkResult.unrecognizedArch, "NVJITLINK_ERROR_UNRECOGNIZED_ARCH", .compilationFailed),
    ]

    @Test("A failed status of each vendor becomes a KilnError of its code, naming the status and the fix, with the status as its cause",
          arguments: 0..<failures.count)
    func error(_ index: Int) throws {
        let (status, name, code) = Self.failures[index]
        let error = status.error("loading module 'm'")
        #expect(error.code == code)
        #expect(error.message.hasPrefix("loading module 'm': \(name) (\(status.rawValue)) — "))
        #expect(error.message.hasSuffix(status.remedy))
        #expect(!status.isSuccess)
        let cause = try #require(error.cause)
        #expect(String(describing: cause) == String(describing: status))
        #expect(type(of: cause) == type(of: status))
        #expect(error.description == error.message, "the message names the status; the cause is not said twice")
    }

    @Test("A caller's fix replaces the status's remedy")
    func fix() {
        let error = OpenCLStatus.invalidWorkGroupSize.error("launching 'k'", fix: "use 64")
        #expect(error.message == "launching 'k': CL_INVALID_WORK_GROUP_SIZE (-54) — use 64")
    }

    @Test("check turns 0 into success and any other number into that status")
    func check() {
        func failure<Status: VendorStatus>(_ result: Result<Void, Status>) -> Status? {
            if case .failure(let status) = result { status } else { nil }
        }
        #expect(failure(NVRTCStatus.check(0)) == nil)
        #expect(failure(CUDAResult.check(0)) == nil)
        #expect(failure(NVRTCStatus.check(6)) == .compilation)
        #expect(failure(CUDAResult.check(209)) == .noBinaryForGPU)
        #expect(failure(OpenCLStatus.check(-1001)) == .platformNotFound)
        #expect(failure(NVJitLinkResult.check(4)) == .ptxCompile)
    }

    @Test("A number outside a vendor's table keeps its number and names its library",
          arguments: [(CUDAResult(rawValue: 12345) as any VendorStatus, "CUDA driver status 12345"),
                      (OpenCLStatus(rawValue: -9999), "OpenCL status -9999"),
                      (NVRTCStatus(rawValue: 18), "NVRTC status 18"),
                      (NVJitLinkResult(rawValue: 19), "nvJitLink status 19")])
    func unknown(_ status: any VendorStatus, _ words: String) {
        #expect(status.constantName == nil)
        #expect(status.description == words)
    }

    @Test("nvJitLink's names follow nvJitLink.h's order",
          arguments: [(0, "NVJITLINK_SUCCESS"), (4, "NVJITLINK_ERROR_PTX_COMPILE"), (16, "NVJITLINK_ERROR_UNRECOGNIZED_ARCH"),
                      (18, "NVJITLINK_ERROR_LTO_NOT_ENABLED")] as [(Int32, String)])
    func nvJitLinkNames(_ number: Int32, _ name: String) {
        #expect(NVJitLinkResult(rawValue: number).constantName == name)
    }

    @Test("NVRTC's names follow nvrtc.h's order",
          arguments: [(0, "NVRTC_SUCCESS"), (6, "NVRTC_ERROR_COMPILATION"), (17, "NVRTC_ERROR_TIME_TRACE_FILE_WRITE_FAILED")] as [(Int32, String)])
    func nvrtcNames(_ number: Int32, _ name: String) {
        #expect(NVRTCStatus(rawValue: number).constantName == name)
    }

    @Test("A driver call's failure through the real OpenCL runtime: get throws the status as the cause and records this line",
          .enabled(if: OpenCLFixtures.pocl != nil, "PoCL (pocl-opencl-icd) is not installed"))
    func calls() throws {
        let calls = try OpenCLRuntime.load().calls
        let failed: Result<Int, OpenCLStatus> = .failure(.invalidKernelName)
        let line = #line + 1
        let error = #expect(throws: KilnError.self) { try calls.get(failed, "finding kernel 'k'") }
        #expect(error?.code == .driverError)
        #expect(error?.cause as? OpenCLStatus == .invalidKernelName)
        #expect(error?.message.contains("CL_INVALID_KERNEL_NAME (-46)") == true)
        #expect(error?.location.file == "KilnRuntimeTests/VendorStatusTests.swift")
        #expect(error?.location.line == line)
        #expect(try calls.get(Result<Int, OpenCLStatus>.success(7), "unused") == 7)
    }
}
