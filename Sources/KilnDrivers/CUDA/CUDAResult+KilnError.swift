import KilnCore

extension CUDAResult {
    /// A failed driver call is a `.driverError`; the status is its cause.
    public var errorCode: KilnError.Code { .driverError }

    /// What to do about this status, for the end of an error message.
    public var remedy: String {
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

extension CUDACalls: VendorCalls {
    /// A status in words: the C name and number, and the driver's own sentence where it has one
    /// (`CUDA_ERROR_NO_BINARY_FOR_GPU (209): no kernel image is available for execution on the device`);
    /// Kiln's own table where the driver cannot say.
    package func describe(_ result: CUDAResult) -> String {
        var name: UnsafePointer<CChar>?
        var text: UnsafePointer<CChar>?
        let known = symbols.cuGetErrorName(result.rawValue, &name) == CUDAResult.success.rawValue
        let said = symbols.cuGetErrorString(result.rawValue, &text) == CUDAResult.success.rawValue
        let title = known && name != nil ? "\(String(cString: name!)) (\(result.rawValue))" : result.description
        let sentence = said && text != nil ? String(cString: text!) : result.meaning
        return sentence.map { "\(title): \($0)" } ?? title
    }
}
