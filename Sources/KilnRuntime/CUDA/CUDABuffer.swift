import KilnCore
import KilnDrivers

/// Memory on one GPU, typed (`Float` elements) or raw bytes; freed when the last reference goes.
///
/// With `KILN_CHECKED=1` the memory a kernel sees lies between two guard regions of one
/// allocation, checked after every launch (see the checked mode in the getting-started article).
public final class CUDABuffer: KernelBuffer {
    /// The device the memory is on.
    public let device: CUDADevice
    /// The size in bytes.
    public let byteCount: Int
    /// The element type; nil for raw bytes.
    public let elementType: ScalarType?
    /// The device address kernels and copies see; 0 for an empty buffer, which owns no memory.
    let address: CUdeviceptr
    /// The guard before and after the memory, in bytes; 0 when unguarded.
    let guardBytes: Int

    /// Allocates a buffer, guarded when `guarded` says so (nil: when `KILN_CHECKED=1`).
    init(device: CUDADevice, byteCount: Int, elementType: ScalarType?, guarded: Bool? = nil) throws(KilnError) {
        self.device = device
        self.byteCount = byteCount
        self.elementType = elementType
        if byteCount == 0 {
            (address, guardBytes) = (0, 0)
            return
        }
        // cuMemAlloc aligns to 256 bytes; a guard of a whole number of 256s keeps the buffer so aligned.
        let guardBytes = try GuardRegions.enabled(guarded) ? GuardRegions.size(alignment: 256) : 0
        let (total, overflow) = byteCount.addingReportingOverflow(2 * guardBytes)
        guard !overflow else {
            throw KilnError(.invalidArgument, "a buffer of \(byteCount) bytes and its guards cannot exist — allocate less")
        }
        try device.makeCurrent()
        let base = try device.calls.get(device.calls.allocate(byteCount: total),
                                        "allocating \(total) bytes on \(device.summary)",
                                        fix: "free other buffers, or allocate less (the device has \(device.totalMemory) bytes)")
        address = base + CUdeviceptr(guardBytes)
        self.guardBytes = guardBytes
        try writeGuards()
    }

    deinit {
        guard address != 0 else { return }
        // cuMemFree waits for work that may still use the memory.
        if (try? device.makeCurrent()) != nil {
            _ = device.calls.free(address - CUdeviceptr(guardBytes))
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

extension CUDABuffer: GuardedBuffer {
    func readGuards() throws(KilnError) -> (before: [UInt8], after: [UInt8]) {
        guard guardBytes > 0 else { return ([], []) }
        try device.makeCurrent()
        let calls = device.calls
        let before = try calls.get(calls.copy(from: address - CUdeviceptr(guardBytes), count: guardBytes, as: UInt8.self),
                                   "reading the guard before a buffer on \(device.summary)")
        let after = try calls.get(calls.copy(from: address + CUdeviceptr(byteCount), count: guardBytes, as: UInt8.self),
                                  "reading the guard after a buffer on \(device.summary)")
        return (before, after)
    }

    func writeGuards() throws(KilnError) {
        guard guardBytes > 0 else { return }
        try device.makeCurrent()
        let calls = device.calls, pattern = GuardRegions.pattern(count: guardBytes)
        try calls.get(calls.copy(pattern, to: address - CUdeviceptr(guardBytes)), "writing the guard before a buffer on \(device.summary)")
        try calls.get(calls.copy(pattern, to: address + CUdeviceptr(byteCount)), "writing the guard after a buffer on \(device.summary)")
    }
}
