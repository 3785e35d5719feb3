import KilnCore
import KilnDrivers

/// A device that buffers are made on: ``ComputeDevice``, or one family's device (`CUDADevice`,
/// `OpenCLDevice`), which stands for the ``ComputeDevice`` it is.
///
/// The `makeBuffer` calls are written once, here, for all three.
public protocol KernelDevice: Sendable {
    /// The device as Kiln's one device type.
    var computeDevice: ComputeDevice { get }
}

extension KernelDevice {
    /// Allocates a buffer of `count` elements of a type.
    ///
    /// - Parameters:
    ///   - type: The element type.
    ///   - count: The number of elements, 0 or more.
    /// - Throws: `KilnError.invalidArgument` for a count below 0 or too large to address;
    ///   `KilnError.driverError` if the device is out of memory.
    public func makeBuffer<T: KernelScalar>(of type: T.Type, count: Int) throws(KilnError) -> DeviceBuffer {
        guard count >= 0, count <= Int.max / MemoryLayout<T>.stride else {
            throw KilnError(.invalidArgument, "a buffer of \(count) \(T.scalarType) elements cannot exist — give a count of 0 or more")
        }
        return try DeviceBuffer(device: computeDevice, byteCount: count * MemoryLayout<T>.stride, elementType: T.scalarType)
    }

    /// Allocates a buffer holding a copy of some values.
    ///
    /// - Parameter values: The values; the buffer's element type is theirs.
    /// - Throws: `KilnError.driverError` if the device is out of memory or the copy fails.
    public func makeBuffer<T: KernelScalar>(_ values: [T]) throws(KilnError) -> DeviceBuffer {
        let buffer = try makeBuffer(of: T.self, count: values.count)
        try buffer.upload(values)
        return buffer
    }

    /// Allocates a buffer of raw bytes, which any pointer parameter takes.
    ///
    /// - Parameter byteCount: The size in bytes, 0 or more.
    /// - Throws: `KilnError.invalidArgument` for a size below 0; `KilnError.driverError` if the
    ///   device is out of memory.
    public func makeBuffer(byteCount: Int) throws(KilnError) -> DeviceBuffer {
        guard byteCount >= 0 else {
            throw KilnError(.invalidArgument, "a buffer of \(byteCount) bytes cannot exist — give a size of 0 or more")
        }
        return try DeviceBuffer(device: computeDevice, byteCount: byteCount, elementType: nil)
    }
}

extension ComputeDevice: KernelDevice {
    /// The device itself.
    public var computeDevice: ComputeDevice { self }
}

extension CUDADevice: KernelDevice {
    /// The GPU as a ``ComputeDevice``.
    public var computeDevice: ComputeDevice { .cuda(self) }
}

extension OpenCLDevice: KernelDevice {
    /// The device as a ``ComputeDevice``.
    public var computeDevice: ComputeDevice { .openCL(self) }
}
