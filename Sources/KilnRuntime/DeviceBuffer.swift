import KilnCore
import KilnDrivers

/// Memory on one device of either family, typed (`Float` elements) or raw bytes; freed when the
/// last reference goes. Made by `makeBuffer` on a ``ComputeDevice``, a `CUDADevice` or an `OpenCLDevice`.
///
/// With `KILN_CHECKED=1` the memory a kernel sees lies between two guard regions of one
/// allocation, checked after every launch (see the checked mode in the getting-started article).
public final class DeviceBuffer: KernelBuffer {
    /// The device the memory is on.
    public let device: ComputeDevice
    /// The size in bytes.
    public let byteCount: Int
    /// The element type; nil for raw bytes.
    public let elementType: ScalarType?
    /// The memory, guards included; nil for an empty buffer, which owns none.
    let memory: (any DeviceMemory)?
    /// The guard before and after the memory, in bytes; 0 when unguarded.
    let guardBytes: Int

    /// Allocates a buffer, guarded when `guarded` says so (nil: when `KILN_CHECKED=1`).
    init(device: ComputeDevice, byteCount: Int, elementType: ScalarType?, guarded: Bool? = nil) throws(KilnError) {
        self.device = device
        self.byteCount = byteCount
        self.elementType = elementType
        guard byteCount > 0 else {
            (memory, guardBytes) = (nil, 0)
            return
        }
        let guardBytes = try GuardRegions.enabled(guarded) ? GuardRegions.size(alignment: try device.backend.bufferAlignment()) : 0
        guard byteCount <= Int.max - 2 * guardBytes else {
            throw KilnError(.invalidArgument, "a buffer of \(byteCount) bytes and its guards cannot exist — allocate less")
        }
        memory = try device.backend.allocate(byteCount: byteCount, guardBytes: guardBytes)
        self.guardBytes = guardBytes
        try writeGuards()
    }

    public var location: String { device.summary }

    /// The buffer as a launch argument.
    public var argument: KernelArgument { .buffer(self) }

    /// Copies values into the start of the buffer; `[UInt8]` is taken by any buffer, as raw bytes.
    ///
    /// - Parameter values: The values, as many as fit or fewer.
    /// - Throws: `KilnError.invalidArgument` if the values' type differs from a typed buffer's
    ///   element type or they do not fit; `KilnError.driverError` if the copy fails.
    public func upload<T: KernelScalar>(_ values: [T]) throws(KilnError) {
        try checkAccess(T.self, count: values.count, "upload")
        guard let memory else { return }
        try memory.write(values, at: 0, "copying \(values.count) \(T.scalarType) values to \(device.summary)")
    }

    /// Copies the buffer's elements (all of them, or the first `count`) back to the host;
    /// `UInt8` reads any buffer as raw bytes.
    ///
    /// Waits for earlier work on the device (on CUDA, its default stream); a kernel's fault surfaces here.
    /// - Parameters:
    ///   - type: The element type to read as.
    ///   - count: How many to read; nil for as many as the buffer holds.
    /// - Throws: `KilnError.invalidArgument` for a type that differs from a typed buffer's element
    ///   type or a count past the end; `KilnError.driverError` if the copy fails.
    public func download<T: KernelScalar>(as type: T.Type = T.self, count: Int? = nil) throws(KilnError) -> [T] {
        try StartupTrace.measureFirst("download.first") { () throws(KilnError) in
            let count = count ?? byteCount / MemoryLayout<T>.stride
            try checkAccess(T.self, count: count, "download")
            guard let memory else { return [] }
            return try memory.read(count, as: T.self, at: 0, "copying \(count) \(T.scalarType) values from \(device.summary)")
        }
    }

    /// Sets every byte of the buffer to one value.
    ///
    /// - Parameter byte: The value.
    /// - Throws: `KilnError.driverError` if the driver fails.
    public func fill(byte: UInt8) throws(KilnError) {
        guard let memory else { return }
        try memory.fill(byte: byte, count: byteCount, "filling \(byteCount) bytes on \(device.summary)")
    }

    /// The bytes of both guards as the device holds them now; empty when unguarded.
    func readGuards() throws(KilnError) -> (before: [UInt8], after: [UInt8]) {
        guard guardBytes > 0, let memory else { return ([], []) }
        let before = try memory.read(guardBytes, as: UInt8.self, at: -guardBytes, "reading the guard before a buffer on \(device.summary)")
        let after = try memory.read(guardBytes, as: UInt8.self, at: byteCount, "reading the guard after a buffer on \(device.summary)")
        return (before, after)
    }

    /// Fills both guards with the pattern.
    func writeGuards() throws(KilnError) {
        guard guardBytes > 0, let memory else { return }
        let pattern = GuardRegions.pattern(count: guardBytes)
        try memory.write(pattern, at: -guardBytes, "writing the guard before a buffer on \(device.summary)")
        try memory.write(pattern, at: byteCount, "writing the guard after a buffer on \(device.summary)")
    }
}
