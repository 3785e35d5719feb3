import KilnCore
import KilnDrivers

/// Memory on one OpenCL device, typed (`Float` elements) or raw bytes; released when the last reference goes.
///
/// With `KILN_CHECKED=1` the memory a kernel sees is a sub-buffer between two guard regions,
/// checked after every launch (see the checked mode in the getting-started article).
public final class OpenCLBuffer: KernelBuffer {
    /// The device the memory is on.
    public let device: OpenCLDevice
    /// The size in bytes.
    public let byteCount: Int
    /// The element type; nil for raw bytes.
    public let elementType: ScalarType?
    /// The `cl_mem` kernels and copies see; nil for an empty buffer, which owns no memory.
    let memory: OpenCLHandle?
    /// The whole allocation, guards included, when the buffer is guarded; nil otherwise.
    let allocation: OpenCLHandle?
    /// The guard before and after the memory, in bytes; 0 when unguarded.
    let guardBytes: Int
    let session: OpenCLSession

    /// Allocates a buffer, guarded when `guarded` says so (nil: when `KILN_CHECKED=1`).
    init(device: OpenCLDevice, byteCount: Int, elementType: ScalarType?, guarded: Bool? = nil) throws(KilnError) {
        self.device = device
        self.byteCount = byteCount
        self.elementType = elementType
        let session = try device.session()
        self.session = session
        let calls = device.calls
        func allocate(_ bytes: Int) throws(KilnError) -> OpenCLHandle {
            OpenCLHandle(try calls.get(calls.createBuffer(context: session.context.raw, byteCount: bytes),
                                       "allocating \(bytes) bytes on \(device.summary)",
                                       fix: "free other buffers, or allocate less (the device has \(device.globalMemory) bytes)"))
        }
        if byteCount == 0 {
            (memory, allocation, guardBytes) = (nil, nil, 0)
        } else if try GuardRegions.enabled(guarded) {
            let alignBits = try calls.get(calls.integer(.memBaseAddrAlign, of: device.handle.raw, as: cl_uint.self),
                                          "reading the sub-buffer alignment of \(device.summary)")
            let guardBytes = GuardRegions.size(alignment: Int(alignBits) / 8)
            let (total, overflow) = byteCount.addingReportingOverflow(2 * guardBytes)
            guard !overflow else {
                throw KilnError(.invalidArgument, "a buffer of \(byteCount) bytes and its guards cannot exist — allocate less")
            }
            let whole = try allocate(total)
            let inner = calls.createSubBuffer(of: whole.raw, origin: guardBytes, size: byteCount)
            if case .failure = inner { calls.releaseBuffer(whole.raw) }
            memory = OpenCLHandle(try calls.get(inner, "making the guarded part of a \(byteCount)-byte buffer on \(device.summary)"))
            allocation = whole
            self.guardBytes = guardBytes
            try writeGuards()
        } else {
            (memory, allocation, guardBytes) = (try allocate(byteCount), nil, 0)
        }
    }

    deinit {
        // clReleaseMemObject defers the release until queued work that uses the buffer has finished.
        if let memory { device.calls.releaseBuffer(memory.raw) }
        if let allocation { device.calls.releaseBuffer(allocation.raw) }
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

extension OpenCLBuffer: GuardedBuffer {
    func readGuards() throws(KilnError) -> (before: [UInt8], after: [UInt8]) {
        guard let allocation else { return ([], []) }
        let calls = device.calls, queue = session.queue.raw
        let before = try calls.get(calls.read(allocation.raw, count: guardBytes, as: UInt8.self, queue: queue),
                                   "reading the guard before a buffer on \(device.summary)")
        let after = try calls.get(calls.read(allocation.raw, offset: guardBytes + byteCount, count: guardBytes, as: UInt8.self, queue: queue),
                                  "reading the guard after a buffer on \(device.summary)")
        return (before, after)
    }

    func writeGuards() throws(KilnError) {
        guard let allocation else { return }
        let calls = device.calls, queue = session.queue.raw, pattern = GuardRegions.pattern(count: guardBytes)
        try calls.get(calls.write(pattern, to: allocation.raw, queue: queue), "writing the guard before a buffer on \(device.summary)")
        try calls.get(calls.write(pattern, to: allocation.raw, offset: guardBytes + byteCount, queue: queue),
                      "writing the guard after a buffer on \(device.summary)")
    }
}
