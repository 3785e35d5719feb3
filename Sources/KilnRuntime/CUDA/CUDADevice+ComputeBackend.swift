import KilnBundle
import KilnCore
import KilnDrivers

/// The CUDA driver API as a ``ComputeBackend``: cubins loaded, PTX compiled by the driver and
/// CUDA source by NVRTC (DESIGN.md's NVIDIA rules), memory from `cuMemAlloc`, launches through
/// `cuLaunchKernel` with `__local` parameters as offsets into the dynamic shared memory.
extension CUDADevice: ComputeBackend {
    var cacheDevice: String { target.name }
    var compiler: String { "cuda-driver \(driverVersion)" }
    var sourceCompiler: CUDASourceCompiler { CUDASourceCompiler(target: target) }
    var knownIssues: [String] { [] }

    /// For source, NVRTC's version and options beside the driver that loads the cubin.
    ///
    /// - Throws: `KilnError.toolchainUnavailable` for source where NVRTC is not installed.
    func compiler(for target: Target) throws(KilnError) -> String {
        target.kind == .source ? try sourceCompiler.identity() + ", " + compiler : compiler
    }

    func load(binary: [UInt8], target: Target, module: String) throws(KilnError) -> CUDAModule {
        guard target.kind == .source else {
            return try CUDAModule(cubin: binary, name: module, device: self)
        }
        let build = try CUDASourceBuild(decoding: binary)
        return try CUDAModule(cubin: build.cubin, name: module, device: self, symbols: build.symbols)
    }

    func compile(_ portable: [UInt8], target: Target, module: ModuleRecord) throws(KilnError) -> [UInt8] {
        switch target.kind {
        case .ptx:
            return try CUDAModule.link(ptx: portable, name: module.name, device: self).cubin
        case .source:
            return try sourceCompiler.compile(portable, module: module).encoded()
        default:
            throw KilnError(.noCompatibleImage, "module '\(module.name)': \(target.name) is not a portable form an NVIDIA GPU compiles")
        }
    }

    /// Retains the primary context on a thread of its own (``CUDADevice/prepareContext()``).
    func prepare() { prepareContext() }

    /// `cuMemAlloc` aligns to 256 bytes.
    func bufferAlignment() -> Int { 256 }

    func allocate(byteCount: Int, guardBytes: Int) throws(KilnError) -> CUDAMemory {
        let total = byteCount + 2 * guardBytes
        try makeCurrent()
        let base = try calls.get(calls.allocate(byteCount: total), "allocating \(total) bytes on \(summary)",
                                 fix: "free other buffers, or allocate less (the device has \(totalMemory) bytes)")
        return CUDAMemory(device: self, base: base, guardBytes: guardBytes)
    }

    func symbol(of kernel: KernelRecord, in module: CUDAModule) -> String {
        kernel.symbol ?? module.symbols[kernel.name] ?? kernel.name
    }

    func function(named symbol: String, in module: CUDAModule) throws(KilnError) -> FunctionLookup<CUDAHandle> {
        try makeCurrent()
        switch calls.function(named: symbol, in: module.handle.raw) {
        case .success(let function): return .found(CUDAHandle(function))
        case .failure(let status) where status == .notFound: return .missing(status)
        case .failure(let status): throw calls.error(status, "looking up kernel '\(symbol)' in module '\(module.name)' on \(summary)")
        }
    }

    func limits(of function: CUDAHandle, _ what: String) throws(KilnError) -> KernelLimits {
        let what = what + " (cuFuncGetAttribute)"
        return KernelLimits(
            maxThreadsPerBlock: try calls.get(calls.attribute(.maxThreadsPerBlock, of: function.raw), what),
            deviceMaxThreadsPerBlock: launchLimits.maxThreadsPerBlock,
            staticLocalBytes: try calls.get(calls.attribute(.sharedSizeBytes, of: function.raw), what),
            deviceLocalBytes: sharedMemoryPerBlock)
    }

    /// Nothing beyond the shared checks: CUDA takes dynamic shared memory and any grid the device's limits allow.
    func checkLaunch(grid: Dim3, block: Dim3, sharedMemoryBytes: Int, kernel: String) {}

    func launch(_ function: CUDAHandle, grid: Dim3, block: Dim3, sharedMemoryBytes: UInt32, stream: CUDAStream?,
                arguments: [LaunchSlot<CUDAMemory>], kernel: KernelRecord) throws(KilnError) {
        func bytes(_ value: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) } }
        let parameters = arguments.map { slot in
            switch slot {
            case .scalar(let value): value
            case .memory(let memory): bytes(memory?.address ?? 0)
            case .local(let offset, _): bytes(UInt64(offset))
            }
        }
        try makeCurrent()
        let result = calls.launch(
            function.raw, grid: (UInt32(grid.x), UInt32(grid.y), UInt32(grid.z)),
            block: (UInt32(block.x), UInt32(block.y), UInt32(block.z)),
            sharedMemoryBytes: sharedMemoryBytes, stream: stream?.handle.raw, parameters: parameters)
        try calls.get(result, "launching kernel '\(kernel.name)' with grid \(grid) and block \(block) on \(summary)")
    }
}
