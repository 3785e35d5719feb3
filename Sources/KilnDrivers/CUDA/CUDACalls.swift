/// The CUDA driver's calls as Swift functions that return `Result<T, CUDAResult>`: the only code
/// that touches unsafe pointers. Above this layer every type is safe Swift.
///
/// Calls that act on a context assume the caller made it current (``CUDADevice`` does).
package struct CUDACalls: Sendable {
    /// The entry points.
    package let symbols: CUDASymbols

    /// What the driver's compiler or loader wrote to its log buffers.
    package struct JITLog: Sendable, Equatable {
        /// The information log (`CU_JIT_INFO_LOG_BUFFER`).
        package var info: String
        /// The error log (`CU_JIT_ERROR_LOG_BUFFER`).
        package var error: String
    }

    // CUjit_option values, from cuda.h.
    package static let jitInfoLogBuffer: Int32 = 3
    package static let jitInfoLogBufferSizeBytes: Int32 = 4
    package static let jitErrorLogBuffer: Int32 = 5
    package static let jitErrorLogBufferSizeBytes: Int32 = 6
    /// `CU_JIT_INPUT_PTX`, a `CUjitInputType`.
    package static let jitInputPTX: Int32 = 1
    /// The size of each JIT log buffer.
    package static let logBufferSize = 1 << 16

    // CUdevice_attribute values, from cuda.h.
    package enum Attribute: Int32 {
        case maxThreadsPerBlock = 1
        case maxBlockDimX = 2, maxBlockDimY = 3, maxBlockDimZ = 4
        case maxGridDimX = 5, maxGridDimY = 6, maxGridDimZ = 7
        /// `CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK`: static and dynamic shared memory together, without opt-in.
        case maxSharedMemoryPerBlock = 8
        case multiprocessorCount = 16
        case computeCapabilityMajor = 75
        case computeCapabilityMinor = 76
    }

    // CUfunction_attribute values, from cuda.h.
    package enum FunctionAttribute: Int32 {
        /// `CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK`: the most threads per block this function can be
        /// launched with on the device (its registers and `__launch_bounds__`).
        case maxThreadsPerBlock = 0
        /// `CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES`: the function's statically allocated shared memory.
        case sharedSizeBytes = 1
    }

    private func check(_ status: CUresult) -> Result<Void, CUDAResult> { CUDAResult.check(status) }

    private func value<T>(_ initial: T, _ call: (UnsafeMutablePointer<T>) -> CUresult) -> Result<T, CUDAResult> {
        var result = initial
        return check(call(&result)).map { result }
    }

    private func string(capacity: Int, _ call: (UnsafeMutablePointer<CChar>, Int32) -> CUresult) -> Result<String, CUDAResult> {
        var buffer = [CChar](repeating: 0, count: capacity + 1)
        let status = buffer.withUnsafeMutableBufferPointer { call($0.baseAddress!, Int32(capacity)) }
        return check(status).map {
            String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    // MARK: Driver and devices

    package func initialize() -> Result<Void, CUDAResult> { check(symbols.cuInit(0)) }

    package func driverVersion() -> Result<Int, CUDAResult> {
        value(Int32(0)) { symbols.cuDriverGetVersion($0) }.map(Int.init)
    }

    package func deviceCount() -> Result<Int, CUDAResult> {
        value(Int32(0)) { symbols.cuDeviceGetCount($0) }.map(Int.init)
    }

    package func device(ordinal: Int) -> Result<CUdevice, CUDAResult> {
        value(CUdevice(0)) { symbols.cuDeviceGet($0, Int32(ordinal)) }
    }

    package func name(of device: CUdevice) -> Result<String, CUDAResult> {
        string(capacity: 256) { symbols.cuDeviceGetName($0, $1, device) }
    }

    package func attribute(_ attribute: Attribute, of device: CUdevice) -> Result<Int, CUDAResult> {
        value(Int32(0)) { symbols.cuDeviceGetAttribute($0, attribute.rawValue, device) }.map(Int.init)
    }

    package func totalMemory(of device: CUdevice) -> Result<Int, CUDAResult> {
        value(0) { symbols.cuDeviceTotalMem($0, device) }
    }

    package func pciBusID(of device: CUdevice) -> Result<String, CUDAResult> {
        string(capacity: 64) { symbols.cuDeviceGetPCIBusId($0, $1, device) }
    }

    // MARK: Contexts

    package func retainPrimaryContext(of device: CUdevice) -> Result<CUhandle, CUDAResult> {
        var context: CUhandle?
        return check(symbols.cuDevicePrimaryCtxRetain(&context, device)).flatMap {
            context.map { .success($0) } ?? .failure(.invalidContext)
        }
    }

    package func releasePrimaryContext(of device: CUdevice) -> Result<Void, CUDAResult> {
        check(symbols.cuDevicePrimaryCtxRelease(device))
    }

    package func setCurrent(_ context: CUhandle) -> Result<Void, CUDAResult> {
        check(symbols.cuCtxSetCurrent(context))
    }

    package func synchronizeContext() -> Result<Void, CUDAResult> {
        check(symbols.cuCtxSynchronize())
    }

    // MARK: Modules and the linker

    /// Runs a body with the four JIT log options set, and returns what the driver wrote to the logs.
    private func withJITLogs<R>(_ body: (UInt32, UnsafeMutablePointer<Int32>, UnsafeMutablePointer<UnsafeMutableRawPointer?>) -> R) -> (R, JITLog) {
        let size = Self.logBufferSize
        let info = UnsafeMutablePointer<CChar>.allocate(capacity: size)
        let error = UnsafeMutablePointer<CChar>.allocate(capacity: size)
        let options = UnsafeMutablePointer<Int32>.allocate(capacity: 4)
        let values = UnsafeMutablePointer<UnsafeMutableRawPointer?>.allocate(capacity: 4)
        defer {
            info.deallocate()
            error.deallocate()
            options.deallocate()
            values.deallocate()
        }
        info.initialize(repeating: 0, count: size)
        error.initialize(repeating: 0, count: size)
        options.initialize(from: [Self.jitInfoLogBuffer, Self.jitInfoLogBufferSizeBytes,
                                  Self.jitErrorLogBuffer, Self.jitErrorLogBufferSizeBytes], count: 4)
        // Sizes travel in the pointer-sized option value itself, as cuda.h specifies.
        values.initialize(from: [UnsafeMutableRawPointer(info), UnsafeMutableRawPointer(bitPattern: size),
                                 UnsafeMutableRawPointer(error), UnsafeMutableRawPointer(bitPattern: size)], count: 4)
        let result = body(4, options, values)
        info[size - 1] = 0
        error[size - 1] = 0
        func text(_ buffer: UnsafeMutablePointer<CChar>) -> String {
            String(decoding: UnsafeBufferPointer(start: buffer, count: size).prefix { $0 != 0 }.map { UInt8(bitPattern: $0) },
                   as: UTF8.self)
        }
        return (result, JITLog(info: text(info), error: text(error)))
    }

    /// Loads a module from an image (a cubin) into the current context.
    package func loadModule(image: [UInt8]) -> (Result<CUhandle, CUDAResult>, JITLog) {
        withJITLogs { count, options, values in
            var module: CUhandle?
            let status = image.withUnsafeBytes { symbols.cuModuleLoadDataEx(&module, $0.baseAddress, count, options, values) }
            return check(status).flatMap { module.map { .success($0) } ?? .failure(.invalidImage) }
        }
    }

    package func unloadModule(_ module: CUhandle) -> Result<Void, CUDAResult> {
        check(symbols.cuModuleUnload(module))
    }

    package func function(named name: String, in module: CUhandle) -> Result<CUhandle, CUDAResult> {
        var function: CUhandle?
        let status = name.withCString { symbols.cuModuleGetFunction(&function, module, $0) }
        return check(status).flatMap { function.map { .success($0) } ?? .failure(.notFound) }
    }

    package func attribute(_ attribute: FunctionAttribute, of function: CUhandle) -> Result<Int, CUDAResult> {
        value(Int32(0)) { symbols.cuFuncGetAttribute($0, attribute.rawValue, function) }.map(Int.init)
    }

    /// Compiles PTX for the current context's device with the driver's linker, and returns the cubin.
    ///
    /// The linked bytes belong to the link state, so they are copied out before it is destroyed.
    package func link(ptx: [UInt8], name: String) -> (Result<[UInt8], CUDAResult>, JITLog) {
        // The PTX parser reads up to a terminating NUL.
        var text = ptx
        if text.last != 0 { text.append(0) }
        return withJITLogs { count, options, values in
            var state: CUhandle?
            if case .failure(let error) = check(symbols.cuLinkCreate(count, options, values, &state)) { return .failure(error) }
            guard let state else { return .failure(.invalidHandle) }
            defer { _ = symbols.cuLinkDestroy(state) }
            let added = text.withUnsafeMutableBytes { bytes in
                name.withCString { symbols.cuLinkAddData(state, Self.jitInputPTX, bytes.baseAddress, bytes.count, $0, 0, nil, nil) }
            }
            if case .failure(let error) = check(added) { return .failure(error) }
            var cubin: UnsafeMutableRawPointer?
            var size = 0
            if case .failure(let error) = check(symbols.cuLinkComplete(state, &cubin, &size)) { return .failure(error) }
            guard let cubin, size > 0 else { return .failure(.invalidImage) }
            return .success(Array(UnsafeRawBufferPointer(start: cubin, count: size)))
        }
    }

    // MARK: Memory

    package func allocate(byteCount: Int) -> Result<CUdeviceptr, CUDAResult> {
        value(CUdeviceptr(0)) { symbols.cuMemAlloc($0, byteCount) }
    }

    package func free(_ address: CUdeviceptr) -> Result<Void, CUDAResult> {
        check(symbols.cuMemFree(address))
    }

    package func copy<T: BitwiseCopyable>(_ values: [T], to address: CUdeviceptr) -> Result<Void, CUDAResult> {
        values.withUnsafeBytes { bytes in
            bytes.isEmpty ? .success(()) : check(symbols.cuMemcpyHtoD(address, bytes.baseAddress, bytes.count))
        }
    }

    package func copy<T: BitwiseCopyable>(from address: CUdeviceptr, count: Int, as _: T.Type) -> Result<[T], CUDAResult> {
        guard count > 0 else { return .success([]) }
        var status = CUDAResult.success.rawValue
        let values = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            status = symbols.cuMemcpyDtoH(UnsafeMutableRawPointer(buffer.baseAddress), address, count * MemoryLayout<T>.stride)
            initialized = status == CUDAResult.success.rawValue ? count : 0
        }
        return check(status).map { values }
    }

    package func fill(_ address: CUdeviceptr, byte: UInt8, count: Int) -> Result<Void, CUDAResult> {
        count == 0 ? .success(()) : check(symbols.cuMemsetD8(address, byte, count))
    }

    // MARK: Streams and launches

    package func createStream() -> Result<CUhandle, CUDAResult> {
        var stream: CUhandle?
        // CU_STREAM_DEFAULT (0): the stream synchronizes with the legacy default stream.
        return check(symbols.cuStreamCreate(&stream, 0)).flatMap { stream.map { .success($0) } ?? .failure(.invalidHandle) }
    }

    package func destroyStream(_ stream: CUhandle) -> Result<Void, CUDAResult> {
        check(symbols.cuStreamDestroy(stream))
    }

    package func synchronize(stream: CUhandle) -> Result<Void, CUDAResult> {
        check(symbols.cuStreamSynchronize(stream))
    }

    /// Launches a kernel; each parameter is given as its bytes, copied into aligned storage for the call.
    package func launch(_ function: CUhandle, grid: (UInt32, UInt32, UInt32), block: (UInt32, UInt32, UInt32),
                sharedMemoryBytes: UInt32, stream: CUhandle?, parameters: [[UInt8]]) -> Result<Void, CUDAResult> {
        let storage = parameters.map { bytes -> UnsafeMutableRawPointer in
            let pointer = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 16), alignment: 16)
            bytes.withUnsafeBytes { source in
                if let base = source.baseAddress { pointer.copyMemory(from: base, byteCount: source.count) }
            }
            return pointer
        }
        defer { storage.forEach { $0.deallocate() } }
        var pointers: [UnsafeMutableRawPointer?] = storage
        let status = pointers.withUnsafeMutableBufferPointer { list in
            symbols.cuLaunchKernel(function, grid.0, grid.1, grid.2, block.0, block.1, block.2, sharedMemoryBytes,
                                   stream, list.isEmpty ? nil : list.baseAddress, nil)
        }
        return check(status)
    }
}
