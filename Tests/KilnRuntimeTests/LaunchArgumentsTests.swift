import KilnBundle
import KilnCore
import KilnRuntime
import Testing

/// A buffer that lives nowhere, for checking launches without a device.
final class FakeBuffer: KernelBuffer {
    let elementType: ScalarType?
    let byteCount: Int
    var location: String { "nowhere" }

    init(_ elementType: ScalarType?, count: Int = 16) {
        self.elementType = elementType
        byteCount = count * (elementType?.byteCount ?? 1)
    }
}

private func kernel(_ parameters: [(String, String)], name: String = "saxpy") -> KernelRecord {
    KernelRecord(name: name, parameters: parameters.map { ParameterRecord(name: $0.0, type: $0.1) })
}

private func launchError(_ arguments: [KernelArgument], _ record: KernelRecord) throws -> KilnError {
    let error = try #require(throws: KilnError.self) { try LaunchArguments.check(arguments, against: record) }
    #expect(error.code == .invalidLaunch)
    return error
}

/// The bytes a checked scalar became; nil for a buffer.
private func bytes(_ value: LaunchValue) -> [UInt8]? {
    if case .scalar(let bytes) = value { return bytes }
    return nil
}

@Suite("Checking launch arguments against a kernel's parameters")
struct LaunchArgumentsTests {
    let saxpy = kernel([("y", "float*"), ("x", "const float*"), ("a", "float"), ("n", "int")])

    @Test("Types parsed once are the ones a launch is checked against; a list of another length is refused")
    func typesParsedOnce() throws {
        let arguments: [KernelArgument] = [.buffer(FakeBuffer(.float32)), .buffer(FakeBuffer(.float32)), .float32(2.5), .int32(1024)]
        let parsed = saxpy.parameters.map(ParameterType.init)
        let once = try LaunchArguments.check(arguments, against: saxpy, types: parsed)
        let now = try LaunchArguments.check(arguments, against: saxpy)
        #expect(once.map(bytes) == now.map(bytes))
        // The given types rule, not the record's text: `n` read as a 64-bit integer takes 8 bytes.
        var wide = parsed
        wide[3] = ParameterType(type: "long")
        let widened = try LaunchArguments.check([arguments[0], arguments[1], arguments[2], .int64(1024)], against: saxpy, types: wide)
        #expect(bytes(widened[3])?.count == 8)
        let error = try #require(throws: KilnError.self) {
            try LaunchArguments.check(arguments, against: saxpy, types: Array(parsed.prefix(3)))
        }
        #expect(error.code == .invalidArgument && error.message.contains("one type per parameter"))
    }

    @Test("Arguments that match pass, as buffers and little-endian scalar bytes")
    func matching() throws {
        let y = FakeBuffer(.float32), x = FakeBuffer(.float32)
        let values = try LaunchArguments.check([.buffer(y), .buffer(x), .float32(2.5), .int32(1024)], against: saxpy)
        #expect(values.count == 4)
        guard case .buffer(let first) = values[0], case .buffer(let second) = values[1] else {
            Issue.record("pointer parameters did not become buffers: \(values)")
            return
        }
        #expect(first === y)
        #expect(second === x)
        #expect(bytes(values[2]) == [0x00, 0x00, 0x20, 0x40])  // 2.5 as IEEE 754 single
        #expect(bytes(values[3]) == [0x00, 0x04, 0x00, 0x00])  // 1024
    }

    @Test("Too few or too many arguments name the kernel, both counts and the signature", arguments: [3, 5, 0])
    func wrongCount(_ count: Int) throws {
        let all: [KernelArgument] = [.buffer(FakeBuffer(.float32)), .buffer(FakeBuffer(.float32)), .float32(1), .int32(1), .int32(9)]
        let error = try launchError(Array(all.prefix(count)), saxpy)
        #expect(error.message.contains("kernel 'saxpy' takes 4 arguments"))
        #expect(error.message.contains("gave \(count)"))
        #expect(error.message.contains("float* y, const float* x, float a, int n"))
    }

    @Test("A scalar for a pointer is refused, naming the parameter's index, name and type",
          arguments: [KernelArgument.int32(1), .uint32(1), .int64(1), .uint64(1), .float32(1), .float64(1)])
    func scalarForPointer(_ argument: KernelArgument) throws {
        let error = try launchError([argument, .buffer(FakeBuffer(.float32)), .float32(1), .int32(1)], saxpy)
        #expect(error.message.contains("kernel 'saxpy'"))
        #expect(error.message.contains("parameter 'y' (index 0, float*)"))
        #expect(error.message.contains("takes a buffer of float32"))
        #expect(error.message.contains(argument.summary))
    }

    @Test("A buffer for a scalar is refused")
    func bufferForScalar() throws {
        let error = try launchError([.buffer(FakeBuffer(.float32)), .buffer(FakeBuffer(.float32)), .float32(1), .buffer(FakeBuffer(.int32))], saxpy)
        #expect(error.message.contains("parameter 'n' (index 3, int)"))
        #expect(error.message.contains("takes an int32 value"))
        #expect(error.message.contains(".buffer(int32 × 16 on nowhere)"))
    }

    @Test("A buffer whose element type differs from the pointer's is refused",
          arguments: ScalarType.allCases.filter { $0 != .float32 })
    func wrongElementType(_ element: ScalarType) throws {
        let error = try launchError([.buffer(FakeBuffer(.float32)), .buffer(FakeBuffer(element)), .float32(1), .int32(1)], saxpy)
        #expect(error.message.contains("parameter 'x' (index 1, const float*)"))
        #expect(error.message.contains("takes a buffer of float32"))
        #expect(error.message.contains(".buffer(\(element) × 16"))
    }

    @Test("Raw-byte buffers fill any pointer; any buffer fills void* and unknown element types",
          arguments: ["float*", "int*", "void*", "const void*", "struct Particle*", "__global uchar*"])
    func rawBuffers(_ type: String) throws {
        let record = kernel([("p", type)])
        #expect(throws: Never.self) { try LaunchArguments.check([.buffer(FakeBuffer(nil))], against: record) }
        if ParameterType(type: type) == .pointer(element: nil, addressSpace: .global) {
            #expect(throws: Never.self) { try LaunchArguments.check([.buffer(FakeBuffer(.float64))], against: record) }
        }
    }

    /// Every scalar parameter type against every scalar argument kind: the argument passes only if
    /// its kind (integer or float) and width match, and its value fits the parameter's signedness.
    static let scalarCases: [(String, KernelArgument, [UInt8]?)] = [
        ("int", .int32(-2), [0xFE, 0xFF, 0xFF, 0xFF]),
        ("int", .uint32(7), [7, 0, 0, 0]),
        ("int", .uint32(UInt32(Int32.max) + 1), nil),
        ("int", .int64(7), nil),
        ("int", .uint64(7), nil),
        ("int", .float32(7), nil),
        ("int", .float64(7), nil),
        ("unsigned int", .uint32(0xDEAD_BEEF), [0xEF, 0xBE, 0xAD, 0xDE]),
        ("unsigned int", .int32(5), [5, 0, 0, 0]),
        ("unsigned int", .int32(-1), nil),
        ("uint", .int64(5), nil),
        ("size_t", .uint64(1 << 40), [0, 0, 0, 0, 0, 1, 0, 0]),
        ("size_t", .int64(3), [3, 0, 0, 0, 0, 0, 0, 0]),
        ("size_t", .int64(-3), nil),
        ("size_t", .int32(3), nil),
        ("size_t", .uint32(3), nil),
        ("long", .int64(-1), [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]),
        ("long", .uint64(UInt64.max), nil),
        ("long", .uint64(9), [9, 0, 0, 0, 0, 0, 0, 0]),
        ("long", .int32(9), nil),
        ("long", .float64(9), nil),
        ("float", .float32(1), [0x00, 0x00, 0x80, 0x3F]),
        ("float", .float64(1), nil),
        ("float", .int32(1), nil),
        ("float", .uint32(1), nil),
        ("double", .float64(1), [0, 0, 0, 0, 0, 0, 0xF0, 0x3F]),
        ("double", .float32(1), nil),
        ("double", .int64(1), nil),
        ("const int", .int32(3), [3, 0, 0, 0]),
        ("char", .int32(1), nil),
        ("unsigned short", .uint32(1), nil),
        ("half", .float32(1), nil),
    ]

    @Test("Scalars must match the parameter's kind and width, and fit its signedness", arguments: scalarCases)
    func scalar(_ type: String, _ argument: KernelArgument, _ expected: [UInt8]?) throws {
        let record = kernel([("v", type)], name: "k")
        if let expected {
            let values = try LaunchArguments.check([argument], against: record)
            #expect(bytes(values[0]) == expected)
        } else {
            let error = try launchError([argument], record)
            #expect(error.message.contains("kernel 'k': parameter 'v' (index 0, \(type))"))
            #expect(error.message.contains(argument.summary) || error.message.contains("cannot pass"))
        }
    }

    @Test("Parameters a launch cannot fill are refused by name",
          arguments: ["float4", "float**", "__local float*", "struct Params"])
    func unfillable(_ type: String) throws {
        let error = try launchError([.buffer(FakeBuffer(.float32))], kernel([("p", type)], name: "k"))
        #expect(error.message.contains("kernel 'k': parameter 'p' (index 0, \(type))"))
    }

    @Test("A kernel without parameters takes no arguments")
    func noParameters() throws {
        #expect(try LaunchArguments.check([], against: kernel([])).isEmpty)
        let error = try launchError([.int32(1)], kernel([]))
        #expect(error.message.contains("takes 0 arguments"))
    }
}

@Suite("Checking launch dimensions")
struct LaunchDimensionTests {
    @Test("Dimensions within the limits pass",
          arguments: [(Dim3(1), Dim3(1)), (Dim3(4096), Dim3(256)), (Dim3(10, 10, 10), Dim3(8, 8, 16)),
                      (Dim3(Int(Int32.max), 65535, 65535), Dim3(1024)), (Dim3(1), Dim3(1, 1024)), (Dim3(1), Dim3(16, 1, 64))])
    func valid(_ grid: Dim3, _ block: Dim3) {
        #expect(throws: Never.self) { try LaunchArguments.checkDimensions(grid: grid, block: block, kernel: "k") }
    }

    @Test("Zero or negative dimensions are refused",
          arguments: [(Dim3(0), Dim3(1)), (Dim3(1, 0), Dim3(1)), (Dim3(1), Dim3(0)), (Dim3(1), Dim3(1, 1, 0)), (Dim3(-1), Dim3(32))])
    func nonPositive(_ grid: Dim3, _ block: Dim3) throws {
        let error = try #require(throws: KilnError.self) {
            try LaunchArguments.checkDimensions(grid: grid, block: block, kernel: "k")
        }
        #expect(error.code == .invalidLaunch)
        #expect(error.message.contains("kernel 'k'"))
        #expect(error.message.contains("at least 1"))
    }

    @Test("Blocks of more than 1024 threads are refused", arguments: [Dim3(1025), Dim3(32, 33), Dim3(16, 16, 8), Dim3(1 << 40, 1 << 40, 1 << 40)])
    func tooManyThreads(_ block: Dim3) throws {
        let error = try #require(throws: KilnError.self) {
            try LaunchArguments.checkDimensions(grid: 1, block: block, kernel: "k")
        }
        #expect(error.code == .invalidLaunch)
        #expect(error.message.contains("1024"))
    }

    @Test("Dimensions past a device's per-axis limits are refused",
          arguments: [(Dim3(1), Dim3(1, 1, 65)), (Dim3(1, 65536), Dim3(1)), (Dim3(Int(Int32.max) + 1), Dim3(1))])
    func pastAxisLimit(_ grid: Dim3, _ block: Dim3) throws {
        let error = try #require(throws: KilnError.self) {
            try LaunchArguments.checkDimensions(grid: grid, block: block, kernel: "k")
        }
        #expect(error.message.contains("over the device's limit"))
    }

    @Test("A device's own limits are used")
    func customLimits() throws {
        let small = LaunchLimits(maxThreadsPerBlock: 256, maxBlock: Dim3(256, 256, 64), maxGrid: Dim3(1000, 1000, 1000))
        #expect(throws: KilnError.self) { try LaunchArguments.checkDimensions(grid: 1, block: 512, kernel: "k", limits: small) }
        #expect(throws: Never.self) { try LaunchArguments.checkDimensions(grid: 1, block: 256, kernel: "k", limits: small) }
    }
}

@Suite("Passing a Swift Int: .int narrowed to the parameter's type")
struct IntArgumentTests {
    let record = kernel([("i", "int"), ("u", "unsigned int"), ("l", "long"), ("s", "size_t")])

    @Test("an Int that fits each parameter becomes its bytes at the parameter's width")
    func fits() throws {
        let values = try LaunchArguments.check([.int(-2), .int(4_000_000_000), .int(-5), .int(1 << 40)], against: record)
        #expect(bytes(values[0]) == [0xFE, 0xFF, 0xFF, 0xFF])
        #expect(bytes(values[1]) == [0x00, 0x28, 0x6B, 0xEE])
        #expect(bytes(values[2]) == [0xFB, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
        #expect(bytes(values[3]) == [0, 0, 0, 0, 0, 1, 0, 0])
    }

    @Test("an Int that does not fit is an error naming the parameter, never a truncation", arguments: [
        ([KernelArgument.int(3_000_000_000), .int(0), .int(0), .int(0)], "parameter 'i' (index 0, int)", "does not fit in int"),
        ([.int(0), .int(-1), .int(0), .int(0)], "parameter 'u' (index 1, unsigned int)", "does not fit in unsigned int"),
        ([.int(0), .int(1 << 32), .int(0), .int(0)], "parameter 'u' (index 1, unsigned int)", "does not fit in unsigned int"),
        ([.int(0), .int(0), .int(0), .int(-1)], "parameter 's' (index 3, size_t)", "a negative value does not fit"),
    ])
    func overflows(_ arguments: [KernelArgument], _ parameter: String, _ reason: String) throws {
        let error = try launchError(arguments, record)
        #expect(error.message.contains(parameter) && error.message.contains(reason), "\(error.message)")
        #expect(error.message.contains(".int("), "\(error.message)")
    }

    @Test("an Int is no float")
    func notFloat() throws {
        let error = try launchError([.int(1)], kernel([("a", "float")]))
        #expect(error.message.contains("takes a float32 value, but the launch gave .int(1)"), "\(error.message)")
    }
}

@Suite("Launch dimensions")
struct LaunchDimensionsTests {
    @Test("an Int is one dimension, a Dim3 itself")
    func dimensions() {
        let width = 128
        #expect(width.dimensions == Dim3(128, 1, 1))
        #expect(Dim3(4, 2).dimensions == Dim3(4, 2, 1))
    }

    @Test("a block other than reqd_work_group_size is refused before any driver sees it")
    func requiredSize() throws {
        let record = KernelRecord(name: "tile", parameters: [], requiredWorkGroupSize: [64, 2, 1])
        try LaunchArguments.checkRequiredSize(block: Dim3(64, 2), kernel: record)
        let error = try #require(throws: KilnError.self) { try LaunchArguments.checkRequiredSize(block: Dim3(128), kernel: record) }
        #expect(error.message.contains("requires work-groups of 64×2×1"), "\(error.message)")
        try LaunchArguments.checkRequiredSize(block: Dim3(7), kernel: KernelRecord(name: "free", parameters: []))
    }
}
