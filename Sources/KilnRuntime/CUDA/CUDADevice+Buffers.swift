import KilnCore
import KilnDrivers

extension CUDADevice {
    /// Allocates a buffer of `count` elements of a type.
    ///
    /// - Throws: `KilnError.driverError` if the device is out of memory.
    public func makeBuffer<T: KernelScalar>(of _: T.Type, count: Int) throws(KilnError) -> CUDABuffer {
        guard count >= 0, count <= Int.max / MemoryLayout<T>.stride else {
            throw KilnError(.invalidArgument, "a buffer of \(count) \(T.scalarType) elements cannot exist — give a count of 0 or more")
        }
        return try CUDABuffer(device: self, byteCount: count * MemoryLayout<T>.stride, elementType: T.scalarType)
    }

    /// Allocates a buffer holding a copy of some values.
    ///
    /// - Throws: `KilnError.driverError` if the device is out of memory or the copy fails.
    public func makeBuffer<T: KernelScalar>(_ values: [T]) throws(KilnError) -> CUDABuffer {
        let buffer = try makeBuffer(of: T.self, count: values.count)
        try buffer.upload(values)
        return buffer
    }

    /// Allocates a buffer of raw bytes, which any pointer parameter takes.
    ///
    /// - Throws: `KilnError.driverError` if the device is out of memory.
    public func makeBuffer(byteCount: Int) throws(KilnError) -> CUDABuffer {
        guard byteCount >= 0 else {
            throw KilnError(.invalidArgument, "a buffer of \(byteCount) bytes cannot exist — give a size of 0 or more")
        }
        return try CUDABuffer(device: self, byteCount: byteCount, elementType: nil)
    }
}
