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
