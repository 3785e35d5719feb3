import KilnCore

/// Memory on one GPU, typed (`Float` elements) or raw bytes; freed when the last reference goes.
public final class CUDABuffer: KernelBuffer {
    /// The device the memory is on.
    public let device: CUDADevice
    /// The size in bytes.
    public let byteCount: Int
    /// The element type; nil for raw bytes.
    public let elementType: ScalarType?
    /// The device address; 0 for an empty buffer, which owns no memory.
    let address: CUdeviceptr

    init(device: CUDADevice, byteCount: Int, elementType: ScalarType?) throws(KilnError) {
        self.device = device
        self.byteCount = byteCount
        self.elementType = elementType
        if byteCount == 0 {
            address = 0
        } else {
            try device.makeCurrent()
            address = try device.calls.get(device.calls.allocate(byteCount: byteCount),
                                           "allocating \(byteCount) bytes on \(device.summary)",
                                           fix: "free other buffers, or allocate less (the device has \(device.totalMemory) bytes)")
        }
    }

    deinit {
        guard address != 0 else { return }
        // cuMemFree waits for work that may still use the memory.
        if (try? device.makeCurrent()) != nil {
            _ = device.calls.free(address)
        }
    }

    public var location: String { device.summary }

    /// Copies values into the start of the buffer; `[UInt8]` is taken by any buffer, as raw bytes.
    ///
    /// - Throws: `KilnError.invalidArgument` if the values' type differs from a typed buffer's
    ///   element type or they do not fit; `KilnError.driverError` if the copy fails.
    public func upload<T: KernelScalar>(_ values: [T]) throws(KilnError) {
        try checkAccess(T.self, count: values.count, "upload")
        try device.makeCurrent()
        try device.calls.get(device.calls.copy(values, to: address), "copying \(values.count) \(T.scalarType) values to \(device.summary)")
    }

    /// Copies the buffer's elements (all of them, or the first `count`) back to the host;
    /// `UInt8` reads any buffer as raw bytes.
    ///
    /// Waits for earlier work on the default stream; a kernel's fault surfaces here.
    /// - Throws: `KilnError.invalidArgument` for a type that differs from a typed buffer's element
    ///   type or a count past the end; `KilnError.driverError` if the copy fails.
    public func download<T: KernelScalar>(as _: T.Type = T.self, count: Int? = nil) throws(KilnError) -> [T] {
        let count = count ?? byteCount / MemoryLayout<T>.stride
        try checkAccess(T.self, count: count, "download")
        try device.makeCurrent()
        return try device.calls.get(device.calls.copy(from: address, count: count, as: T.self),
                                    "copying \(count) \(T.scalarType) values from \(device.summary)")
    }

    /// Sets every byte of the buffer to one value.
    ///
    /// - Throws: `KilnError.driverError` if the driver fails.
    public func fill(byte: UInt8) throws(KilnError) {
        try device.makeCurrent()
        try device.calls.get(device.calls.fill(address, byte: byte, count: byteCount), "filling \(byteCount) bytes on \(device.summary)")
    }
}
