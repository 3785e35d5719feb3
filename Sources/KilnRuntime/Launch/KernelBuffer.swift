import KilnCore

/// Device memory that a launch can pass to a pointer parameter; each backend's buffer conforms.
public protocol KernelBuffer: AnyObject, Sendable {
    /// The type of the buffer's elements; nil for raw bytes, which any pointer parameter takes.
    var elementType: ScalarType? { get }
    /// The buffer's size in bytes.
    var byteCount: Int { get }
    /// Where the buffer lives, for messages (`GPU 0 (NVIDIA H100 80GB HBM3)`).
    var location: String { get }
}

extension KernelBuffer {
    /// The number of whole elements, or the byte count for raw bytes.
    public var elementCount: Int { byteCount / (elementType?.byteCount ?? 1) }

    /// The buffer in words: `float32 × 1024 on GPU 0 (…)`.
    var summary: String {
        if let elementType { "\(elementType) × \(elementCount) on \(location)" } else { "\(byteCount) raw bytes on \(location)" }
    }
}

extension KernelBuffer {
    /// Throws unless `count` values of `T` may be copied to or from the buffer: the element type
    /// must match (or `T` is `UInt8`, raw bytes), and the values must fit.
    func checkAccess<T: KernelScalar>(_: T.Type, count: Int, _ what: String) throws(KilnError) {
        if let elementType, elementType != T.scalarType, T.self != UInt8.self {
            throw KilnError(.invalidArgument,
                "cannot \(what) \(T.scalarType) values with a buffer of \(elementType) on \(location) — use [\(elementType)] values, or [UInt8] for raw bytes")
        }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: MemoryLayout<T>.stride)
        guard count >= 0, !overflow, bytes <= byteCount else {
            throw KilnError(.invalidArgument,
                "cannot \(what) \(count) \(T.scalarType) values (\(overflow ? "too many" : "\(bytes)") bytes) with a buffer of \(byteCount) bytes on \(location) — make the buffer larger, or move fewer values")
        }
    }
}
