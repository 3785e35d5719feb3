import KilnBundle
@testable import KilnCompiler
import KilnCore
import Testing

@Suite("Kernel signatures")
struct KernelSignatureParserTests {
    @Test("OpenCL C kernels: address spaces, const, restrict, pointers and values")
    func openCL() throws {
        let source = """
        // __kernel void commented(int x) {}
        /* __kernel void alsoCommented(int y) {} */
        __constant float table[2] = {1, 2};
        float helper(float x) { return x; }
        __kernel void saxpy(float a, __global const float* restrict x, __global float *y, int n) { }
        __kernel __attribute__((reqd_work_group_size(16, 16, 1)))
        void transpose(__global float* out, __global const float* in, __local float* scratch, __constant float* k) {}
        kernel_helper();
        """
        let kernels = try KernelSignatureParser.kernels(in: source, language: .openCLC, file: "k.cl")
        #expect(kernels.map(\.name) == ["saxpy", "transpose"])
        #expect(kernels[0].parameters == [
            ParameterRecord(name: "a", type: "float"),
            ParameterRecord(name: "x", type: "const float*", addressSpace: "global"),
            ParameterRecord(name: "y", type: "float*", addressSpace: "global"),
            ParameterRecord(name: "n", type: "int"),
        ])
        #expect(kernels[1].parameters.map(\.addressSpace) == ["global", "global", "local", "constant"])
    }

    @Test("CUDA kernels: extern \"C\", __launch_bounds__, templates by instantiation")
    func cuda() throws {
        let source = try Fixtures.module("Tests/KilnCompilerTests/Fixtures/gemm_tiles.cu").text
        let kernels = try KernelSignatureParser.kernels(in: source, language: .cuda, file: "gemm_tiles.cu")
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
            in: "extern \"C\" __global__ void a() {}\nextern \"C\" __global__ void b(void) {}", language: .cuda, file: "e.cu")
        #expect(kernels.map(\.parameters.count) == [0, 0])
    }

    @Test("an unnamed parameter is an error naming file, line and kernel")
    func unnamed() throws {
        let error = try #require(throws: KilnError.self) {
            try KernelSignatureParser.kernels(in: "\n\n__kernel void f(__global float*) {}", language: .openCLC, file: "u.cl")
        }
        #expect(error.message.contains("u.cl:3"))
        #expect(error.message.contains("kernel 'f'"))
    }

    @Test("an instantiation of a template the file lacks is an error")
    func missingTemplate() throws {
        let error = try #require(throws: KilnError.self) {
            try KernelSignatureParser.kernels(in: "// kiln: instantiate nope<1>\n", language: .cuda, file: "t.cu")
        }
        #expect(error.message.contains("t.cu:1"))
        #expect(error.message.contains("nope"))
    }
}
