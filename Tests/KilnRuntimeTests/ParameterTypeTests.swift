import KilnBundle
import KilnRuntime
import Testing

@Suite("Reading kernel parameter types")
struct ParameterTypeTests {
    static let pointers: [(String, String?, ScalarType?, ParameterType.AddressSpace)] = [
        ("float*", nil, .float32, .global),
        ("const float*", nil, .float32, .global),
        ("const float *", nil, .float32, .global),
        ("float * __restrict__", nil, .float32, .global),
        ("const float* __restrict__", nil, .float32, .global),
        ("__global float*", nil, .float32, .global),
        ("__global const float *restrict", nil, .float32, .global),
        ("global float*", nil, .float32, .global),
        ("__constant float*", nil, .float32, .constant),
        ("float*", "constant", .float32, .constant),
        ("__local float*", nil, .float32, .local),
        ("float*", "local", .float32, .local),
        ("int*", nil, .int32, .global),
        ("unsigned int*", nil, .uint32, .global),
        ("uint*", nil, .uint32, .global),
        ("double*", nil, .float64, .global),
        ("unsigned char*", nil, .uint8, .global),
        ("uchar*", nil, .uint8, .global),
        ("char*", nil, .int8, .global),
        ("short*", nil, .int16, .global),
        ("half*", nil, .float16, .global),
        ("long*", nil, .int64, .global),
        ("ulong*", nil, .uint64, .global),
        ("unsigned long long*", nil, .uint64, .global),
        ("float4*", nil, .float32, .global),
        ("__global int2*", nil, .int32, .global),
        ("void*", nil, nil, .global),
        ("const void*", nil, nil, .global),
        ("struct Particle*", nil, nil, .global),
    ]

    @Test("Pointer types give their element type and address space", arguments: pointers)
    func pointer(_ text: String, _ space: String?, _ element: ScalarType?, _ addressSpace: ParameterType.AddressSpace) {
        #expect(ParameterType(type: text, addressSpace: space) == .pointer(element: element, addressSpace: addressSpace))
    }

    static let scalars: [(String, ScalarType)] = [
        ("int", .int32), ("const int", .int32), ("signed int", .int32), ("signed", .int32), ("int32_t", .int32),
        ("unsigned int", .uint32), ("unsigned", .uint32), ("uint", .uint32), ("uint32_t", .uint32),
        ("long", .int64), ("long int", .int64), ("long long", .int64), ("long long int", .int64), ("int64_t", .int64),
        ("ptrdiff_t", .int64),
        ("unsigned long", .uint64), ("unsigned long int", .uint64), ("unsigned long long", .uint64),
        ("ulong", .uint64), ("size_t", .uint64), ("const size_t", .uint64), ("uint64_t", .uint64),
        ("float", .float32), ("const float", .float32), ("double", .float64),
        ("char", .int8), ("signed char", .int8), ("unsigned char", .uint8), ("uchar", .uint8),
        ("short", .int16), ("short int", .int16), ("unsigned short", .uint16), ("ushort", .uint16),
        ("half", .float16),
    ]

    @Test("Scalar types give their width and signedness", arguments: scalars)
    func scalar(_ text: String, _ type: ScalarType) {
        #expect(ParameterType(type: text) == .scalar(type))
    }

    @Test("Types a launch cannot fill are marked unsupported, with a reason",
          arguments: ["float4", "struct Params", "float**", "int&", "bool", "image2d_t"])
    func unsupported(_ text: String) throws {
        guard case .unsupported(let reason) = ParameterType(type: text) else {
            Issue.record("'\(text)' read as \(ParameterType(type: text))")
            return
        }
        #expect(!reason.isEmpty)
    }

    @Test("A record's address space overrides the text's")
    func recordAddressSpace() {
        let record = ParameterRecord(name: "tile", type: "float*", addressSpace: "local")
        #expect(ParameterType(record) == .pointer(element: .float32, addressSpace: .local))
    }
}
