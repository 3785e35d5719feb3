import KilnBundle
import KilnCore
import KilnDrivers

/// OpenCL as a ``ComputeBackend``: device binaries loaded, SPIR-V and OpenCL C compiled by the
/// driver (DESIGN.md's Intel and PoCL rules), memory from `clCreateBuffer` (guarded: a sub-buffer
/// between the guards), launches through `clSetKernelArg` and `clEnqueueNDRangeKernel` on the
/// device's one in-order queue.
extension OpenCLDevice: ComputeBackend {
    /// The IP version of an Intel GPU; a CPU's host string.
    var cacheDevice: String { ipVersion?.description ?? hostString ?? name }
    var compiler: String { "opencl \(platform.name) \(driverVersion)" }

    func load(binary: [UInt8], target: Target, module: String) throws -> OpenCLProgram {
        try OpenCLProgram(binary: binary, name: module, device: self)
    }

    func compile(_ portable: [UInt8], target: Target, module: ModuleRecord) throws -> [UInt8] {
        switch target.kind {
        case .spirv:
            return try OpenCLProgram.compileBinary(.spirv(portable), name: module.name, device: self).bytes
        case .source:
            return try OpenCLProgram.compileBinary(.source(portable), name: module.name, device: self).bytes
        default:
            throw KilnError(.noCompatibleImage, "module '\(module.name)': \(target.name) is not a portable form an OpenCL device compiles")
        }
    }

    /// `CL_DEVICE_MEM_BASE_ADDR_ALIGN`, which a sub-buffer's origin must keep.
    func bufferAlignment() throws(KilnError) -> Int {
        let bits = try calls.get(calls.integer(.memBaseAddrAlign, of: handle.raw, as: cl_uint.self),
                                 "reading the sub-buffer alignment of \(summary)")
        return Int(bits) / 8
    }

    func allocate(byteCount: Int, guardBytes: Int) throws(KilnError) -> OpenCLMemory {
        let session = try session()
        let total = byteCount + 2 * guardBytes
        let allocation = OpenCLHandle(try calls.get(calls.createBuffer(context: session.context.raw, byteCount: total),
                                                    "allocating \(total) bytes on \(summary)",
                                                    fix: "free other buffers, or allocate less (the device has \(globalMemory) bytes)"))
        guard guardBytes > 0 else {
            return OpenCLMemory(device: self, session: session, allocation: allocation, visible: allocation, guardBytes: 0)
        }
        let inner = calls.createSubBuffer(of: allocation.raw, origin: guardBytes, size: byteCount)
        if case .failure = inner { calls.releaseBuffer(allocation.raw) }
        let visible = OpenCLHandle(try calls.get(inner, "making the guarded part of a \(byteCount)-byte buffer on \(summary)"))
        return OpenCLMemory(device: self, session: session, allocation: allocation, visible: visible, guardBytes: guardBytes)
    }

    func function(named symbol: String, in module: OpenCLProgram) throws(KilnError) -> FunctionLookup<OpenCLFunction> {
        switch calls.createKernel(module.handle.raw, name: symbol) {
        case .success(let kernel): return .found(OpenCLFunction(device: self, handle: OpenCLHandle(kernel)))
        case .failure(let status) where status == .invalidKernelName: return .missing(status)
        case .failure(let status): throw calls.error(status, "looking up kernel '\(symbol)' in module '\(module.name)' on \(summary)")
        }
    }

    func limits(of function: OpenCLFunction, _ what: String) throws(KilnError) -> KernelLimits {
        let what = what + " (clGetKernelWorkGroupInfo)"
        return KernelLimits(
            maxThreadsPerBlock: try calls.get(calls.integer(.workGroupSize, of: function.handle.raw, on: handle.raw), what),
            deviceMaxThreadsPerBlock: launchLimits.maxThreadsPerBlock,
            staticLocalBytes: try calls.get(calls.integer(.localMemSize, of: function.handle.raw, on: handle.raw), what),
            deviceLocalBytes: localMemory)
    }

    /// OpenCL sizes local memory in the kernel or with `.local(bytes:)`, and counts work-items in 32 bits.
    func checkLaunch(grid: Dim3, block: Dim3, sharedMemoryBytes: Int, kernel: String) throws(KilnError) {
        guard sharedMemoryBytes == 0 else {
            throw KilnError(.invalidLaunch,
                "kernel '\(kernel)': OpenCL kernels size their local memory in the source, so sharedMemoryBytes must be 0 (it was \(sharedMemoryBytes)) — declare a __local array inside the kernel, or pass .local(bytes:) for a local pointer parameter")
        }
        let global = [grid.x.multipliedReportingOverflow(by: block.x), grid.y.multipliedReportingOverflow(by: block.y),
                      grid.z.multipliedReportingOverflow(by: block.z)]
        guard global.allSatisfy({ !$0.overflow && $0.partialValue <= Int(UInt32.max) }) else {
            throw KilnError(.invalidLaunch, "kernel '\(kernel)': grid \(grid) × block \(block) is over 2³² work-items in a dimension — use a smaller grid and loop inside the kernel")
        }
    }

    func launch(_ function: OpenCLFunction, grid: Dim3, block: Dim3, sharedMemoryBytes: UInt32, stream: CUDAStream?,
                arguments: [LaunchSlot<OpenCLMemory>], kernel: KernelRecord) throws(KilnError) {
        let dimensions = block.z > 1 || grid.z > 1 ? 3 : block.y > 1 || grid.y > 1 ? 2 : 1
        let global = [grid.x * block.x, grid.y * block.y, grid.z * block.z]
        let queue = try session().queue.raw
        try function.launching.withLock { _ throws(KilnError) in
            for (index, slot) in arguments.enumerated() {
                let set: Result<Void, OpenCLStatus>
                switch slot {
                case .scalar(let bytes): set = calls.setArgument(function.handle.raw, index: index, bytes: bytes)
                case .memory(let memory): set = calls.setArgument(function.handle.raw, index: index, buffer: memory?.visible.raw)
                case .local(_, let bytes): set = calls.setArgument(function.handle.raw, index: index, localBytes: bytes)
                }
                try calls.get(set, "setting argument \(index) ('\(kernel.parameters[index].name)') of kernel '\(kernel.name)' on \(summary)")
            }
            try calls.get(calls.enqueue(function.handle.raw, queue: queue, global: Array(global.prefix(dimensions)),
                                        local: Array([block.x, block.y, block.z].prefix(dimensions))),
                          "launching kernel '\(kernel.name)' with grid \(grid) and block \(block) on \(summary)")
        }
    }
}
