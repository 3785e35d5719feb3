import KilnCore

/// Memory on one OpenCL device, typed (`Float` elements) or raw bytes; released when the last reference goes.
public final class OpenCLBuffer: KernelBuffer {
    /// The device the memory is on.
    public let device: OpenCLDevice
    /// The size in bytes.
    public let byteCount: Int
    /// The element type; nil for raw bytes.
    public let elementType: ScalarType?
    /// The `cl_mem`; nil for an empty buffer, which owns no memory.
    let memory: OpenCLHandle?
    let session: OpenCLSession

    init(device: OpenCLDevice, byteCount: Int, elementType: ScalarType?) throws(KilnError) {
        self.device = device
        self.byteCount = byteCount
        self.elementType = elementType
        session = try device.session()
        if byteCount == 0 {
            memory = nil
        } else {
            memory = OpenCLHandle(try device.calls.get(
                device.calls.createBuffer(context: session.context.raw, byteCount: byteCount),
                "allocating \(byteCount) bytes on \(device.summary)",
                fix: "free other buffers, or allocate less (the device has \(device.globalMemory) bytes)"))
        }
    }

    deinit {
        // clReleaseMemObject defers the release until queued work that uses the buffer has finished.
        if let memory { device.calls.releaseBuffer(memory.raw) }
    }

    public var location: String { device.summary }

    /// Copies values into the start of the buffer; `[UInt8]` is taken by any buffer, as raw bytes.
    ///
    /// - Throws: `KilnError.invalidArgument` if the values' type differs from a typed buffer's
    ///   element type or they do not fit; `KilnError.driverError` if the copy fails.
    public func upload<T: KernelScalar>(_ values: [T]) throws(KilnError) {
        try checkAccess(T.self, count: values.count, "upload")
        guard let memory else { return }
        try device.calls.get(device.calls.write(values, to: memory.raw, queue: session.queue.raw),
                             "copying \(values.count) \(T.scalarType) values to \(device.summary)")
    }

    /// Copies the buffer's elements (all of them, or the first `count`) back to the host;
    /// `UInt8` reads any buffer as raw bytes.
    ///
    /// Waits for earlier work on the device's queue.
    /// - Throws: `KilnError.invalidArgument` for a type that differs from a typed buffer's element
    ///   type or a count past the end; `KilnError.driverError` if the copy fails.
    public func download<T: KernelScalar>(as _: T.Type = T.self, count: Int? = nil) throws(KilnError) -> [T] {
        let count = count ?? byteCount / MemoryLayout<T>.stride
        try checkAccess(T.self, count: count, "download")
        guard let memory else { return [] }
        return try device.calls.get(device.calls.read(memory.raw, count: count, as: T.self, queue: session.queue.raw),
                                    "copying \(count) \(T.scalarType) values from \(device.summary)")
    }

    /// Sets every byte of the buffer to one value.
    ///
    /// - Throws: `KilnError.driverError` if the driver fails.
    public func fill(byte: UInt8) throws(KilnError) {
        guard let memory else { return }
        try device.calls.get(device.calls.fill(memory.raw, byte: byte, count: byteCount, queue: session.queue.raw),
                             "filling \(byteCount) bytes on \(device.summary)")
    }
}
