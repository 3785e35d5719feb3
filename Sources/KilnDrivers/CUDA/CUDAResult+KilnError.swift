import KilnCore

extension CUDAResult {
    /// What to do about this status, for the end of an error message.
    package var remedy: String {
        switch self {
        case .outOfMemory: "free device memory, or use smaller buffers"
        case .noDevice: "check that `nvidia-smi` lists a GPU and that CUDA_VISIBLE_DEVICES does not hide it"
        case .insufficientDriver, .systemDriverMismatch, .compatNotSupportedOnDevice:
            "install a newer NVIDIA driver, and make sure its kernel module and libcuda.so.1 are the same version"
        case .stubLibrary: "the loader found the CUDA toolkit's stub libcuda; put the real driver's libcuda.so.1 first on the library path"
        case .noBinaryForGPU: "add the device's sm_XY (or a compute_XY PTX) to the device list and rebuild"
        case .unsupportedPTXVersion: "update the NVIDIA driver, or build the PTX with an older toolkit"
        case .invalidPTX, .invalidImage: "rebuild the bundle; the image may be damaged or made by a broken toolchain"
        case .jitCompilerNotFound, .jitCompilationDisabled: "install the full NVIDIA driver, or unset CUDA_DISABLE_PTX_JIT, or ship a cubin for this device"
        case .launchOutOfResources: "use smaller blocks, or fewer registers or shared memory per thread"
        case .illegalAddress, .misalignedAddress, .launchFailed, .illegalInstruction, .hardwareStackError,
             .invalidAddressSpace, .invalidPC:
            "the kernel faulted and the device's context is unusable; check indexing against buffer sizes (compute-sanitizer helps), then restart the process"
        case .notFound: "check the name against the bundle's manifest (`kiln inspect`)"
        case .deviceUnavailable: "the GPU is busy in exclusive-process mode or was lost; check `nvidia-smi`"
        default: "see the CUDA driver's documentation for this status"
        }
    }
}

extension CUDACalls {
    /// A `KilnError.driverError` for a failed call: what was being done, the status in words, and a fix.
    package func error(_ result: CUDAResult, _ what: String, fix: String? = nil) -> KilnError {
        KilnError(.driverError, "\(what): \(describe(result)) — \(fix ?? result.remedy)", cause: result)
    }

    /// The value of a call, or a `KilnError` that names what was being done.
    package func get<T>(_ result: Result<T, CUDAResult>, _ what: @autoclosure () -> String,
                fix: String? = nil) throws(KilnError) -> T {
        switch result {
        case .success(let value): return value
        case .failure(let status): throw error(status, what(), fix: fix)
        }
    }
}
