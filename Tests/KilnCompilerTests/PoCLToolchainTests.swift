import Foundation
import KilnBundle
@testable import KilnCompiler
import KilnCore
import KilnRuntime
import Testing

@Suite("PoCL toolchain", .enabled(if: poclToolchain != nil, "PoCL (pocl-opencl-icd) is not installed"))
struct PoCLToolchainTests {
    let pocl = poclToolchain!

    @Test("A cpu image is PoCL's program binary, tied to the device's host string, that PoCL loads back")
    func binary() async throws {
        let image = try await pocl.compile(try Fixtures.module("Kernels/saxpy.cl"), for: .cpu)
        #expect(image.hostString == pocl.device.hostString)
        // PoCL binaries open with their format id, and hold the bitcode and a generic work-group function per kernel.
        #expect(Array(image.bytes[0..<8]) == Array("poclbin\u{0}".utf8))
        let text = String(decoding: image.bytes, as: Unicode.ASCII.self)
        #expect(text.contains("program.bc"))
        #expect(text.contains("saxpy/0-0-0/saxpy.so"))
        let program = try OpenCLProgram(binary: image.bytes, name: "saxpy", device: pocl.device)
        #expect(try program.binary().count > 0)
    }

    @Test("The build cache key changes with the host string")
    func cacheSalt() async throws {
        let module = try await Fixtures.module("Kernels/saxpy.cl")
        #expect(pocl.cacheSalt(for: module) == pocl.hostString)
        #expect(pocl.invocation(for: module, target: .cpu).contains(pocl.hostString))
    }

    @Test("A kernel PoCL rejects is a compilation error with its log")
    func rejected() async throws {
        let module = try SourceModule(name: "broken", path: "Kernels/broken.cl", language: .openCLC,
                                      text: "__kernel void k(__global float* x) { x[0] = y; }\n")
        let error = try await #require(throws: KilnError.self) { try await pocl.compile(module, for: .cpu) }
        #expect(error.code == .compilationFailed)
        #expect(error.message.contains("Kernels/broken.cl for cpu"))
        #expect(error.message.contains("undeclared identifier 'y'"))
    }

    @Test("PoCL builds only the cpu target")
    func targets() {
        #expect(pocl.builds(.cpu))
        #expect(!pocl.builds(.spirv))
        #expect(!pocl.builds(.source))
    }
}
