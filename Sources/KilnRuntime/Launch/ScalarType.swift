/// The element type of a buffer, or the type of a scalar kernel parameter.
public enum ScalarType: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case int8, uint8, int16, uint16, int32, uint32, int64, uint64, float16, float32, float64

    /// The size of one value in bytes.
    public var byteCount: Int {
        switch self {
        case .int8, .uint8: 1
        case .int16, .uint16, .float16: 2
        case .int32, .uint32, .float32: 4
        case .int64, .uint64, .float64: 8
        }
    }

    /// Whether the type is an integer (of either signedness).
    public var isInteger: Bool {
        switch self {
        case .float16, .float32, .float64: false
        default: true
        }
    }

    /// Whether the type is a signed integer.
    public var isSignedInteger: Bool {
        switch self {
        case .int8, .int16, .int32, .int64: true
        default: false
        }
    }

    public var description: String { rawValue }
}

/// A Swift type that can be a buffer's element, with the ``ScalarType`` it stands for.
public protocol KernelScalar: BitwiseCopyable, Sendable {
    /// The kernel-side type of a value of this type.
    static var scalarType: ScalarType { get }
}

extension Int8: KernelScalar { public static var scalarType: ScalarType { .int8 } }
extension UInt8: KernelScalar { public static var scalarType: ScalarType { .uint8 } }
extension Int16: KernelScalar { public static var scalarType: ScalarType { .int16 } }
extension UInt16: KernelScalar { public static var scalarType: ScalarType { .uint16 } }
extension Int32: KernelScalar { public static var scalarType: ScalarType { .int32 } }
extension UInt32: KernelScalar { public static var scalarType: ScalarType { .uint32 } }
extension Int64: KernelScalar { public static var scalarType: ScalarType { .int64 } }
extension UInt64: KernelScalar { public static var scalarType: ScalarType { .uint64 } }
extension Float: KernelScalar { public static var scalarType: ScalarType { .float32 } }
#if !((os(macOS) || targetEnvironment(macCatalyst)) && arch(x86_64))
extension Float16: KernelScalar { public static var scalarType: ScalarType { .float16 } }
#endif
extension Double: KernelScalar { public static var scalarType: ScalarType { .float64 } }
