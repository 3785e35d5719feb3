import KilnBundle
@testable import KilnCompiler
import KilnCore
import Testing

@Suite("CUDA kernel signatures")
struct KernelSignatureParserTests {
    @Test("CUDA kernels: extern \"C\", __launch_bounds__, templates by instantiation")
    func cuda() async throws {
        let source = try await Fixtures.module("Tests/KilnCompilerTests/Fixtures/gemm_tiles.cu").text
        let kernels = try KernelSignatureParser.kernels(in: source, file: "gemm_tiles.cu")
        #expect(kernels.map(\.name) == ["gemm<16,16>", "gemm<32,8>", "scale"])
        #expect(kernels[0].parameters.map(\.type) == ["const float*", "const float*", "float*", "int", "int", "int"])
        #expect(kernels[0].parameters.map(\.addressSpace) == ["global", "global", "global", nil, nil, nil])
        #expect(kernels[2].parameters == [
            ParameterRecord(name: "data", type: "float*", addressSpace: "global"),
            ParameterRecord(name: "factor", type: "float"),
            ParameterRecord(name: "count", type: "unsigned int"),
        ])
    }

    @Test("no parameters, and void, give an empty list")
    func empty() throws {
        let kernels = try KernelSignatureParser.kernels(
            in: "extern \"C\" __global__ void a() {}\nextern \"C\" __global__ void b(void) {}", file: "e.cu")
        #expect(kernels.map(\.parameters.count) == [0, 0])
    }

    @Test("an unnamed parameter is an error naming file, line and kernel")
    func unnamed() throws {
        let error = try #require(throws: KilnError.self) {
            try KernelSignatureParser.kernels(in: "\n\n__global__ void f(float*) {}", file: "u.cu")
        }
        #expect(error.message.contains("u.cu:3"))
        #expect(error.message.contains("kernel 'f'"))
    }

    @Test("an instantiation of a template the file lacks is an error")
    func missingTemplate() throws {
        let error = try #require(throws: KilnError.self) {
            try KernelSignatureParser.kernels(in: "// kiln: instantiate nope<1>\n", file: "t.cu")
        }
        #expect(error.message.contains("t.cu:1"))
        #expect(error.message.contains("nope"))
    }
}
