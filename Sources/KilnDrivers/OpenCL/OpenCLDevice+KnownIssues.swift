#if canImport(Glibc)
import Glibc
#endif

extension OpenCLDevice {
    /// Driver bugs that change kernels' results on this device, each with its workaround; empty
    /// for a driver with none known (or whose workaround is already set in the environment).
    ///
    /// PoCL 5.0 (Ubuntu 24.04's `5.0+debian`): its default work-group method mis-compiles some
    /// kernels with unrolled loops over local memory; on 2026-11-26, 4 to 15 of Kiln's 160 GEMM
    /// variants gave wrong results, a different set run to run and with one thread too, while
    /// `POCL_WORK_GROUP_METHOD=cbs` passed all 160 twice and the same kernels pass on PoCL 3.1,
    /// Intel's CPU runtime and an H200 (bench/results/nvidia-h200-opencl-c-2026-11-26.txt).
    public var knownIssues: [String] {
        guard platform.isPoCL, platform.version.contains("PoCL 5."), getenv("POCL_WORK_GROUP_METHOD") == nil else { return [] }
        return ["PoCL \(driverVersion) mis-compiles some kernels with unrolled loops over local memory under its default work-group method (4–15 of Kiln's 160 GEMM variants gave wrong results) — set POCL_WORK_GROUP_METHOD=cbs, or check results with `kiln verify`"]
    }
}
