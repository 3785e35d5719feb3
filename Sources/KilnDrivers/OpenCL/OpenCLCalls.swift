/// OpenCL's calls as Swift functions that return `Result<T, OpenCLStatus>`: the only code that
/// touches unsafe pointers. Above this layer every type is safe Swift.
package struct OpenCLCalls: Sendable {
    /// The entry points.
    package let symbols: OpenCLSymbols

    // cl_platform_info values, from cl.h.
    package enum PlatformInfo: cl_uint {
        case version = 0x0901, name = 0x0902, vendor = 0x0903
    }

    // cl_device_info values, from cl.h and cl_ext.h.
    package enum DeviceInfo: cl_uint {
        case type = 0x1000
        case maxComputeUnits = 0x1002
        case maxWorkGroupSize = 0x1004
        case maxWorkItemSizes = 0x1005
        /// `CL_DEVICE_MEM_BASE_ADDR_ALIGN`, in bits: the alignment of a sub-buffer's origin.
        case memBaseAddrAlign = 0x1019
        case globalMemSize = 0x101F
        /// `CL_DEVICE_LOCAL_MEM_SIZE`, in bytes: the local memory one work-group may use.
        case localMemSize = 0x1023
        case compilerAvailable = 0x1028
        case name = 0x102B
        case vendor = 0x102C
        case driverVersion = 0x102D
        case version = 0x102F
        case extensions = 0x1030
        case ilVersion = 0x105B
        /// `CL_DEVICE_IP_VERSION_INTEL`, from `cl_intel_device_attribute_query`.
        case ipVersionIntel = 0x4250
        /// `CL_DEVICE_ID_INTEL`: the PCI device id, from `cl_intel_device_attribute_query`.
        case pciDeviceIDIntel = 0x4251
    }

    // cl_kernel_work_group_info values, from cl.h.
    package enum KernelWorkGroupInfo: cl_uint {
        /// `CL_KERNEL_WORK_GROUP_SIZE`: the most work-items per work-group this kernel allows on the device.
        case workGroupSize = 0x11B0
        /// `CL_KERNEL_LOCAL_MEM_SIZE`: the local memory the kernel uses, in bytes.
        case localMemSize = 0x11B2
    }

    /// `CL_DEVICE_TYPE_ALL`.
    package static let deviceTypeAll: cl_bitfield = 0xFFFF_FFFF
    /// `CL_MEM_READ_WRITE`.
    package static let memReadWrite: cl_bitfield = 1
    /// `CL_BUFFER_CREATE_TYPE_REGION`.
    package static let bufferCreateTypeRegion: cl_uint = 0x1220
    /// `CL_PROGRAM_BINARY_SIZES`, `CL_PROGRAM_BINARIES`.
    package static let programBinarySizes: cl_uint = 0x1165
    package static let programBinaries: cl_uint = 0x1166
    /// `CL_PROGRAM_KERNEL_NAMES`.
    package static let programKernelNames: cl_uint = 0x1168
    /// `CL_PROGRAM_BUILD_LOG`.
    package static let programBuildLog: cl_uint = 0x1183

    private func check(_ status: cl_int) -> Result<Void, OpenCLStatus> { OpenCLStatus.check(status) }

    /// Runs a call that returns a handle and reports its status through a pointer.
    private func handle(_ call: (UnsafeMutablePointer<cl_int>) -> CLHandle?) -> Result<CLHandle, OpenCLStatus> {
        var status: cl_int = 0
        let made = call(&status)
        return check(status).flatMap { made.map { .success($0) } ?? .failure(.invalidValue) }
    }

    /// Reads an info value of any size: asks for the size, then the bytes.
    private func info(_ query: (Int, UnsafeMutableRawPointer?, UnsafeMutablePointer<Int>?) -> cl_int) -> Result<[UInt8], OpenCLStatus> {
        var size = 0
        if case .failure(let error) = check(query(0, nil, &size)) { return .failure(error) }
        var bytes = [UInt8](repeating: 0, count: size)
        return check(bytes.withUnsafeMutableBytes { query(size, $0.baseAddress, nil) }).map { bytes }
    }

    private func text(_ bytes: [UInt8]) -> String {
        String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }

    private func integer<T: FixedWidthInteger>(_ bytes: [UInt8], as _: T.Type) -> T {
        var value: T = 0
        for (index, byte) in bytes.prefix(T.bitWidth / 8).enumerated() { value |= T(byte) << (index * 8) }
        return value
    }

    // MARK: Platforms and devices

    package func platforms() -> Result<[CLHandle], OpenCLStatus> {
        var count: cl_uint = 0
        if case .failure(let error) = check(symbols.clGetPlatformIDs(0, nil, &count)) { return .failure(error) }
        guard count > 0 else { return .success([]) }
        var list = [CLHandle?](repeating: nil, count: Int(count))
        return check(symbols.clGetPlatformIDs(count, &list, nil)).map { list.compactMap { $0 } }
    }

    package func platformString(_ what: PlatformInfo, of platform: CLHandle) -> Result<String, OpenCLStatus> {
        info { symbols.clGetPlatformInfo(platform, what.rawValue, $0, $1, $2) }.map(text)
    }

    package func devices(of platform: CLHandle) -> Result<[CLHandle], OpenCLStatus> {
        var count: cl_uint = 0
        switch check(symbols.clGetDeviceIDs(platform, Self.deviceTypeAll, 0, nil, &count)) {
        case .failure(.deviceNotFound): return .success([])
        case .failure(let error): return .failure(error)
        case .success: break
        }
        guard count > 0 else { return .success([]) }
        var list = [CLHandle?](repeating: nil, count: Int(count))
        return check(symbols.clGetDeviceIDs(platform, Self.deviceTypeAll, count, &list, nil)).map { list.compactMap { $0 } }
    }

    package func deviceString(_ what: DeviceInfo, of device: CLHandle) -> Result<String, OpenCLStatus> {
        info { symbols.clGetDeviceInfo(device, what.rawValue, $0, $1, $2) }.map(text)
    }

    package func integer<T: FixedWidthInteger>(_ what: DeviceInfo, of device: CLHandle, as type: T.Type) -> Result<T, OpenCLStatus> {
        info { symbols.clGetDeviceInfo(device, what.rawValue, $0, $1, $2) }.map { integer($0, as: type) }
    }

    /// A `size_t[]` device value, such as `CL_DEVICE_MAX_WORK_ITEM_SIZES`.
    package func sizes(_ what: DeviceInfo, of device: CLHandle) -> Result<[Int], OpenCLStatus> {
        info { symbols.clGetDeviceInfo(device, what.rawValue, $0, $1, $2) }.map { bytes in
            stride(from: 0, to: bytes.count - 7, by: 8).map { Int(integer(Array(bytes[$0..<$0 + 8]), as: UInt64.self)) }
        }
    }

    // MARK: Contexts and queues

    package func createContext(device: CLHandle) -> Result<CLHandle, OpenCLStatus> {
        var devices: [CLHandle?] = [device]
        return handle { symbols.clCreateContext(nil, 1, &devices, nil, nil, $0) }
    }

    package func releaseContext(_ context: CLHandle) { _ = symbols.clReleaseContext(context) }

    package func createQueue(context: CLHandle, device: CLHandle) -> Result<CLHandle, OpenCLStatus> {
        handle { symbols.clCreateCommandQueue(context, device, 0, $0) }
    }

    package func releaseQueue(_ queue: CLHandle) { _ = symbols.clReleaseCommandQueue(queue) }

    package func finish(_ queue: CLHandle) -> Result<Void, OpenCLStatus> { check(symbols.clFinish(queue)) }

    // MARK: Memory

    package func createBuffer(context: CLHandle, byteCount: Int) -> Result<CLHandle, OpenCLStatus> {
        handle { symbols.clCreateBuffer(context, Self.memReadWrite, byteCount, nil, $0) }
    }

    package func releaseBuffer(_ buffer: CLHandle) { _ = symbols.clReleaseMemObject(buffer) }

    /// A buffer over `size` bytes of another, from byte `origin` (`CL_BUFFER_CREATE_TYPE_REGION`);
    /// the origin must be a multiple of the device's `CL_DEVICE_MEM_BASE_ADDR_ALIGN`.
    package func createSubBuffer(of buffer: CLHandle, origin: Int, size: Int) -> Result<CLHandle, OpenCLStatus> {
        var region = (origin, size)
        return handle { status in
            withUnsafePointer(to: &region) { symbols.clCreateSubBuffer(buffer, Self.memReadWrite, Self.bufferCreateTypeRegion, UnsafeRawPointer($0), status) }
        }
    }

    /// Copies values into a buffer from byte `offset`, blocking until done.
    package func write<T: BitwiseCopyable>(_ values: [T], to buffer: CLHandle, offset: Int = 0, queue: CLHandle) -> Result<Void, OpenCLStatus> {
        values.withUnsafeBytes { bytes in
            bytes.isEmpty ? .success(())
                : check(symbols.clEnqueueWriteBuffer(queue, buffer, 1, offset, bytes.count, bytes.baseAddress, 0, nil, nil))
        }
    }

    /// Copies `count` values of a buffer back from byte `offset`, blocking until done (and so
    /// until earlier work finished).
    package func read<T: BitwiseCopyable>(_ buffer: CLHandle, offset: Int = 0, count: Int, as _: T.Type, queue: CLHandle) -> Result<[T], OpenCLStatus> {
        guard count > 0 else { return .success([]) }
        var status: cl_int = 0
        let values = [T](unsafeUninitializedCapacity: count) { storage, initialized in
            status = symbols.clEnqueueReadBuffer(queue, buffer, 1, offset, count * MemoryLayout<T>.stride,
                                                 UnsafeMutableRawPointer(storage.baseAddress), 0, nil, nil)
            initialized = status == 0 ? count : 0
        }
        return check(status).map { values }
    }

    /// Sets every byte of a buffer, blocking until done.
    package func fill(_ buffer: CLHandle, byte: UInt8, count: Int, queue: CLHandle) -> Result<Void, OpenCLStatus> {
        guard count > 0 else { return .success(()) }
        var pattern = byte
        return check(symbols.clEnqueueFillBuffer(queue, buffer, &pattern, 1, 0, count, 0, nil, nil))
            .flatMap { finish(queue) }
    }

    // MARK: Programs and kernels

    package func programWithSource(context: CLHandle, _ source: [UInt8]) -> Result<CLHandle, OpenCLStatus> {
        source.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                var strings: [UnsafePointer<CChar>?] = [chars.baseAddress]
                var lengths = [chars.count]
                return handle { symbols.clCreateProgramWithSource(context, 1, &strings, &lengths, $0) }
            }
        }
    }

    /// Creates a program from a device binary; the second status is the binary's own (`binary_status`).
    package func programWithBinary(context: CLHandle, device: CLHandle, _ binary: [UInt8]) -> Result<CLHandle, OpenCLStatus> {
        binary.withUnsafeBufferPointer { bytes in
            var devices: [CLHandle?] = [device]
            var lengths = [bytes.count]
            var binaries: [UnsafePointer<UInt8>?] = [bytes.baseAddress]
            var binaryStatus: cl_int = 0
            let result = handle { symbols.clCreateProgramWithBinary(context, 1, &devices, &lengths, &binaries, &binaryStatus, $0) }
            if case .success = result, binaryStatus != 0 { return .failure(OpenCLStatus(rawValue: binaryStatus)) }
            return result
        }
    }

    /// Creates a program from SPIR-V; `.invalidOperation` where the loader has no `clCreateProgramWithIL`.
    package func programWithIL(context: CLHandle, _ il: [UInt8]) -> Result<CLHandle, OpenCLStatus> {
        guard let create = symbols.clCreateProgramWithIL else { return .failure(.invalidOperation) }
        return il.withUnsafeBytes { bytes in handle { create(context, bytes.baseAddress, bytes.count, $0) } }
    }

    package func build(_ program: CLHandle, device: CLHandle, options: String) -> Result<Void, OpenCLStatus> {
        var devices: [CLHandle?] = [device]
        return check(options.withCString { symbols.clBuildProgram(program, 1, &devices, $0, nil, nil) })
    }

    package func buildLog(_ program: CLHandle, device: CLHandle) -> String {
        (try? info { symbols.clGetProgramBuildInfo(program, device, Self.programBuildLog, $0, $1, $2) }.get()).map(text) ?? ""
    }

    /// The program's binary for its one device (`CL_PROGRAM_BINARIES`).
    package func binary(of program: CLHandle) -> Result<[UInt8], OpenCLStatus> {
        var size = 0
        let sized = check(symbols.clGetProgramInfo(program, Self.programBinarySizes, MemoryLayout<Int>.size, &size, nil))
        if case .failure(let error) = sized { return .failure(error) }
        guard size > 0 else { return .failure(.invalidProgramExecutable) }
        var bytes = [UInt8](repeating: 0, count: size)
        let status = bytes.withUnsafeMutableBufferPointer { storage in
            var pointers: [UnsafeMutablePointer<UInt8>?] = [storage.baseAddress]
            return pointers.withUnsafeMutableBytes {
                symbols.clGetProgramInfo(program, Self.programBinaries, $0.count, $0.baseAddress, nil)
            }
        }
        return check(status).map { bytes }
    }

    /// The names of the program's kernels (`CL_PROGRAM_KERNEL_NAMES`, `;`-separated in OpenCL).
    package func kernelNames(of program: CLHandle) -> Result<[String], OpenCLStatus> {
        info { symbols.clGetProgramInfo(program, Self.programKernelNames, $0, $1, $2) }
            .map { text($0).split(separator: ";").map(String.init).filter { !$0.isEmpty } }
    }

    package func releaseProgram(_ program: CLHandle) { _ = symbols.clReleaseProgram(program) }

    package func createKernel(_ program: CLHandle, name: String) -> Result<CLHandle, OpenCLStatus> {
        name.withCString { cName in handle { symbols.clCreateKernel(program, cName, $0) } }
    }

    package func releaseKernel(_ kernel: CLHandle) { _ = symbols.clReleaseKernel(kernel) }

    /// A kernel's `size_t` or `cl_ulong` work-group value on a device (`clGetKernelWorkGroupInfo`).
    package func integer(_ what: KernelWorkGroupInfo, of kernel: CLHandle, on device: CLHandle) -> Result<Int, OpenCLStatus> {
        info { symbols.clGetKernelWorkGroupInfo(kernel, device, what.rawValue, $0, $1, $2) }
            .map { Int(clamping: integer($0, as: UInt64.self)) }
    }

    /// Sets one argument from its bytes (a scalar's, or a buffer handle's).
    package func setArgument(_ kernel: CLHandle, index: Int, bytes: [UInt8]) -> Result<Void, OpenCLStatus> {
        bytes.withUnsafeBytes { check(symbols.clSetKernelArg(kernel, cl_uint(index), $0.count, $0.baseAddress)) }
    }

    /// Sets one `__local` pointer argument: `bytes` of work-group memory, no value.
    package func setArgument(_ kernel: CLHandle, index: Int, localBytes: Int) -> Result<Void, OpenCLStatus> {
        check(symbols.clSetKernelArg(kernel, cl_uint(index), localBytes, nil))
    }

    /// Sets one buffer argument.
    package func setArgument(_ kernel: CLHandle, index: Int, buffer: CLHandle?) -> Result<Void, OpenCLStatus> {
        var memory = buffer
        return check(symbols.clSetKernelArg(kernel, cl_uint(index), MemoryLayout<CLHandle?>.size, &memory))
    }

    /// Queues a kernel over `global` work-items in groups of `local`.
    package func enqueue(_ kernel: CLHandle, queue: CLHandle, global: [Int], local: [Int]) -> Result<Void, OpenCLStatus> {
        check(symbols.clEnqueueNDRangeKernel(queue, kernel, cl_uint(global.count), nil, global, local, 0, nil, nil))
    }
}
