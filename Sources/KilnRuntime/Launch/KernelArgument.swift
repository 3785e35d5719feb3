/// One argument of a kernel launch: a buffer for a pointer parameter, or a scalar value.
///
/// Scalars carry their width: `.int32(n)` fills an `int` or `unsigned int` parameter, `.uint64(n)`
/// a `size_t`. A launch checks every argument against the kernel's recorded parameters before
/// the driver sees it (see ``LaunchArguments``).
public enum KernelArgument: Sendable {
    /// A buffer, for a pointer parameter.
    case buffer(any KernelBuffer)
    /// A 32-bit signed integer (`int`, or `unsigned int` where the value is not negative).
    case int32(Int32)
    /// A 32-bit unsigned integer (`unsigned int`, or `int` where the value fits).
    case uint32(UInt32)
    /// A 64-bit signed integer (`long`, `ptrdiff_t`, or an unsigned 64-bit type where the value is not negative).
    case int64(Int64)
    /// A 64-bit unsigned integer (`size_t`, `unsigned long`, or a signed 64-bit type where the value fits).
    case uint64(UInt64)
    /// A Swift `Int` for any 32- or 64-bit integer parameter, narrowed to the parameter's recorded
    /// type at launch: `.int(n)` fills an `int`, `unsigned int`, `long` or `size_t` when `n` fits
    /// it, and is an error naming the parameter when it does not (a negative `n` for `size_t`,
    /// 3_000_000_000 for `int`) — never silently truncated.
    case int(Int)
    /// A 32-bit float (`float`).
    case float32(Float)
    /// A 64-bit float (`double`).
    case float64(Double)
    /// Work-group memory of this many bytes, for a `local T*` parameter: each work-group gets its own.
    case local(bytes: Int)

    /// The argument as written in Swift, for messages: `.float32(2.5)`, `.buffer(float32 × 16 on …)`.
    public var summary: String {
        switch self {
        case .buffer(let buffer): ".buffer(\(buffer.summary))"
        case .int32(let value): ".int32(\(value))"
        case .uint32(let value): ".uint32(\(value))"
        case .int64(let value): ".int64(\(value))"
        case .uint64(let value): ".uint64(\(value))"
        case .int(let value): ".int(\(value))"
        case .float32(let value): ".float32(\(value))"
        case .float64(let value): ".float64(\(value))"
        case .local(let bytes): ".local(bytes: \(bytes))"
        }
    }
}

/// An argument after checking: what a backend hands its driver for one parameter.
public enum LaunchValue: Sendable {
    /// A buffer whose device address fills a pointer parameter.
    case buffer(any KernelBuffer)
    /// A scalar's bytes, little-endian, exactly as wide as the parameter.
    case scalar([UInt8])
    /// Work-group memory of this many bytes (at least 1).
    case local(bytes: Int)
}
