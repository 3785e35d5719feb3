import KilnBundle
import KilnCore
import KilnDrivers

/// Checks a launch against a kernel's recorded signature before any driver sees it:
/// the number of arguments, each argument's kind and width, and the launch dimensions.
///
/// Pure logic, shared by every backend. Each failure is a `KilnError.invalidLaunch` that
/// names the kernel, the parameter (index, name, type) and what was given.
public enum LaunchArguments {
    /// Checks arguments against a kernel's parameters and turns them into what the driver takes.
    ///
    /// - Parameters:
    ///   - arguments: One argument per parameter, in order.
    ///   - kernel: The kernel's record from the bundle's manifest.
    ///   - types: Each parameter's type as ``ParameterType`` reads it, parsed once when the kernel
    ///     was looked up (``DeviceKernel`` keeps them); nil parses them from `kernel` now.
    /// - Returns: One ``LaunchValue`` per parameter: a buffer, or a scalar's bytes at the parameter's width.
    /// - Throws: `KilnError.invalidArgument` when `types` does not have one type per parameter;
    ///   `KilnError.invalidLaunch` for a wrong count, a scalar for a pointer, a buffer for a
    ///   scalar, a buffer whose element type differs from the pointer's, a scalar of the wrong kind or
    ///   width, or a value the parameter's signedness cannot hold.
    public static func check(_ arguments: [KernelArgument], against kernel: KernelRecord,
                             types: [ParameterType]? = nil) throws(KilnError) -> [LaunchValue] {
        let parameters = kernel.parameters
        let types = types ?? parameters.map(ParameterType.init)
        guard types.count == parameters.count else {
            throw KilnError(.invalidArgument, "kernel '\(kernel.name)' has \(parameters.count) parameters but \(types.count) types were given — pass one type per parameter, or nil")
        }
        guard arguments.count == parameters.count else {
            let signature = parameters.map { "\($0.type) \($0.name)" }.joined(separator: ", ")
            throw KilnError(.invalidLaunch,
                "kernel '\(kernel.name)' takes \(parameters.count) argument\(parameters.count == 1 ? "" : "s") (\(signature)), but the launch gave \(arguments.count) — pass one argument per parameter, in order")
        }
        var values: [LaunchValue] = []
        values.reserveCapacity(arguments.count)
        for index in parameters.indices {
            values.append(try value(arguments[index], for: parameters[index], typed: types[index], at: index, of: kernel))
        }
        return values
    }

    /// Checks a block against the work-group size a kernel requires (`reqd_work_group_size`).
    ///
    /// - Throws: `KilnError.invalidLaunch` naming the kernel and both sizes.
    public static func checkRequiredSize(block: Dim3, kernel: KernelRecord) throws(KilnError) {
        guard let required = kernel.requiredWorkGroupSize, required.count == 3,
              required != [block.x, block.y, block.z] else { return }
        throw KilnError(.invalidLaunch,
            "kernel '\(kernel.name)' requires work-groups of \(required[0])×\(required[1])×\(required[2]) (reqd_work_group_size), but the launch gave block \(block) — launch with that block")
    }

    /// Checks launch dimensions: every dimension at least 1 and within the device's limits.
    ///
    /// - Throws: `KilnError.invalidLaunch` naming the kernel, the dimension and the limit.
    public static func checkDimensions(grid: Dim3, block: Dim3, kernel: String,
                                       limits: LaunchLimits = .cuda) throws(KilnError) {
        let subject = "kernel '\(kernel)'"
        for (what, dims, maximum) in [("grid", grid, limits.maxGrid), ("block", block, limits.maxBlock)] {
            for (axis, value, limit) in [("x", dims.x, maximum.x), ("y", dims.y, maximum.y), ("z", dims.z, maximum.z)] {
                guard value >= 1 else {
                    throw KilnError(.invalidLaunch,
                        "\(subject): \(what) \(dims) has \(axis) = \(value) — every dimension must be at least 1")
                }
                guard value <= limit else {
                    throw KilnError(.invalidLaunch,
                        "\(subject): \(what) \(dims) has \(axis) = \(value), over the device's limit of \(limit) — \(what == "block" ? "use smaller blocks" : "use larger blocks or loop inside the kernel")")
                }
            }
        }
        guard let threads = block.product, threads <= limits.maxThreadsPerBlock else {
            throw KilnError(.invalidLaunch,
                "\(subject): block \(block) holds \(block.product.map(String.init) ?? "too many") threads, over the device's limit of \(limits.maxThreadsPerBlock) per block — use smaller blocks and a larger grid")
        }
    }

    private static func value(_ argument: KernelArgument, for parameter: ParameterRecord, typed type: ParameterType,
                              at index: Int, of kernel: KernelRecord) throws(KilnError) -> LaunchValue {
        let subject = "kernel '\(kernel.name)': parameter '\(parameter.name)' (index \(index), \(parameter.type))"
        func fail(_ expected: String, fix: String) -> KilnError {
            KilnError(.invalidLaunch, "\(subject) takes \(expected), but the launch gave \(argument.summary) — \(fix)")
        }
        switch type {
        case .unsupported(let reason):
            throw KilnError(.invalidLaunch, "\(subject): \(reason)")
        case .pointer(let element, .local):
            guard case .local(let bytes) = argument else {
                throw fail("work-group memory", fix: "pass .local(bytes: N) to give each work-group N bytes")
            }
            guard bytes >= 1, bytes <= Int(Int32.max) else {
                throw fail("work-group memory of 1 byte or more", fix: "pass .local(bytes: N) with N ≥ 1")
            }
            if let element, bytes % element.byteCount != 0 {
                throw fail("work-group memory in whole \(element) elements", fix: "pass a multiple of \(element.byteCount) bytes")
            }
            return .local(bytes: bytes)
        case .pointer(let element, _):
            guard case .buffer(let buffer) = argument else {
                throw fail("a buffer\(element.map { " of \($0)" } ?? "")", fix: "pass .buffer(…) holding the data")
            }
            if let element, let given = buffer.elementType, given != element {
                throw fail("a buffer of \(element)", fix: "make the buffer with \(element) elements, or pass a raw-byte buffer")
            }
            return .buffer(buffer)
        case .scalar(let type):
            switch argument {
            case .buffer: throw fail(article(type), fix: "pass \(spelling(type)) instead of a buffer")
            case .local: throw fail(article(type), fix: "pass \(spelling(type)); .local(bytes:) is for local pointer parameters")
            default: break
            }
            return .scalar(try scalarBytes(argument, as: type, fail: fail))
        }
    }

    /// The argument's bytes at the parameter's width, if its kind and width match and its value fits.
    private static func scalarBytes(_ argument: KernelArgument, as type: ScalarType,
                                    fail: (String, String) -> KilnError) throws(KilnError) -> [UInt8] {
        func bytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
            (0..<(T.bitWidth / 8)).map { UInt8(truncatingIfNeeded: value.littleEndian >> ($0 * 8)) }
        }
        let expected = article(type)
        let fix = "pass \(spelling(type))"
        switch (type, argument) {
        case (.float32, .float32(let value)): return bytes(value.bitPattern)
        case (.float64, .float64(let value)): return bytes(value.bitPattern)
        case (.int32, .int32(let value)): return bytes(value)
        case (.uint32, .uint32(let value)): return bytes(value)
        case (.int64, .int64(let value)): return bytes(value)
        case (.uint64, .uint64(let value)): return bytes(value)
        case (.int32, .uint32(let value)):
            guard let fitted = Int32(exactly: value) else { throw fail(expected, "\(value) does not fit in int; pass a value up to \(Int32.max)") }
            return bytes(fitted)
        case (.uint32, .int32(let value)):
            guard let fitted = UInt32(exactly: value) else { throw fail(expected, "a negative value does not fit an unsigned parameter") }
            return bytes(fitted)
        case (.int64, .uint64(let value)):
            guard let fitted = Int64(exactly: value) else { throw fail(expected, "\(value) does not fit in a signed 64-bit parameter") }
            return bytes(fitted)
        case (.uint64, .int64(let value)):
            guard let fitted = UInt64(exactly: value) else { throw fail(expected, "a negative value does not fit an unsigned parameter") }
            return bytes(fitted)
        case (.int32, .int(let value)):
            guard let fitted = Int32(exactly: value) else { throw fail(expected, "\(value) does not fit in int (\(Int32.min)…\(Int32.max)); pass a smaller value, or widen the parameter to long") }
            return bytes(fitted)
        case (.uint32, .int(let value)):
            guard let fitted = UInt32(exactly: value) else { throw fail(expected, "\(value) does not fit in unsigned int (0…\(UInt32.max))") }
            return bytes(fitted)
        case (.int64, .int(let value)):
            return bytes(Int64(value))
        case (.uint64, .int(let value)):
            guard let fitted = UInt64(exactly: value) else { throw fail(expected, "a negative value does not fit an unsigned parameter") }
            return bytes(fitted)
        case (.int8, _), (.uint8, _), (.int16, _), (.uint16, _), (.float16, _):
            throw fail(expected, "Kiln cannot pass \(type.byteCount)-byte scalars yet; widen the parameter to int or float")
        default:
            throw fail(expected, fix)
        }
    }

    /// A value of a type, with its article: `an int32 value`, `a float32 value`.
    private static func article(_ type: ScalarType) -> String {
        "\(type.rawValue.first == "i" ? "an" : "a") \(type) value"
    }

    /// How to write an argument for a scalar type: `.int32(…)`.
    private static func spelling(_ type: ScalarType) -> String {
        switch type {
        case .int32: ".int32(…)"
        case .uint32: ".uint32(…)"
        case .int64: ".int64(…)"
        case .uint64: ".uint64(…)"
        case .float32: ".float32(…)"
        case .float64: ".float64(…)"
        default: "a \(type.byteCount * 8)-bit value"
        }
    }
}
