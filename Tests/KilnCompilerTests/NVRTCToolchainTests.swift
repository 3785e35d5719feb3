import Foundation
import KilnBundle
@testable import KilnCompiler
import KilnDrivers
import KilnCore
import KilnTestSupport
import Testing

/// The real NVRTC (the pip package scripts/setup.sh installs), compiling real kernels.
@Suite("NVRTC", .enabled(if: Fixtures.nvrtc != nil,
                         "NVRTC is not installed here: run scripts/setup.sh (it installs nvidia-cuda-nvrtc==13.0.88)"))
struct NVRTCToolchainTests {
    static let architectures = [75, 80, 86, 89, 90, 100, 120]

    @Test("a .cu module compiles to cubins whose ELF header names their architecture")
    func cubins() async throws {
        let toolchain = try #require(Fixtures.nvrtc)
        let path = "Tests/KilnCompilerTests/Fixtures/gemm_tiles.cu"
        let module = try await Fixtures.module(path)
        for number in Self.architectures {
            let image = try await toolchain.compile(module, for: .sm(number))
            let header = try #require(CUBINHeader(image.bytes), "sm_\(number) output of \(path) is not an ELF file")
            #expect(header.isCUDA)
            #expect(header.smArchitecture == number, "\(path) for sm_\(number) says sm_\(header.smArchitecture)")
        }
    }

    @Test("PTX for compute_XY declares its target, PTX ISA 9.0 and the lowered kernels")
    func ptx() async throws {
        let toolchain = try #require(Fixtures.nvrtc)
        let image = try await toolchain.compile(try Fixtures.module("Tests/KilnCompilerTests/Fixtures/gemm_tiles.cu"), for: .compute(75))
        let text = String(decoding: image.bytes, as: UTF8.self)
        #expect(text.contains(".target sm_75"))
        #expect(text.contains(".entry \(try #require(image.symbols["gemm<16,16>"]))("))
        #expect(image.ptxISAVersion == "9.0")
    }

    @Test("template kernels get their lowered names through name expressions")
    func templates() async throws {
        let toolchain = try #require(Fixtures.nvrtc)
        let image = try await toolchain.compile(try Fixtures.module("Tests/KilnCompilerTests/Fixtures/gemm_tiles.cu"), for: .compute(90))
        #expect(image.symbols["gemm<16,16>"] == "_Z4gemmILi16ELi16EEvPKfS1_Pfiii")
        let text = String(decoding: image.bytes, as: UTF8.self)
        #expect(text.contains(image.symbols["gemm<32,8>"] ?? "missing"))
    }

    @Test("a kernel that does not compile gives NVRTC's log with file and line")
    func compileError() async throws {
        let toolchain = try #require(Fixtures.nvrtc)
        let module = try await Fixtures.module("Tests/KilnCompilerTests/Fixtures/broken.cu")
        let error = try await #require(throws: KilnError.self) { try await toolchain.compile(module, for: .sm(90)) }
        #expect(error.code == .compilationFailed)
        #expect(error.message.contains("broken.cu(2): error: identifier \"undefined_thing\" is undefined"))
    }

    @Test("a .cu module finds cuda_fp16.h, cuda_bf16.h, mma.h and cooperative_groups.h",
          .enabled(if: !NVRTCCompiler.cudaIncludeDirectories().isEmpty, "the CUDA headers are not installed: run scripts/setup.sh"))
    func cudaHeaders() async throws {
        let toolchain = try #require(Fixtures.nvrtc)
        let module = try await Fixtures.module("Tests/KilnCompilerTests/Fixtures/cuda_headers.cu")
        let image = try await toolchain.compile(module, for: .compute(80))
        #expect(ImageKernels.ptxEntries(String(decoding: image.bytes, as: UTF8.self)) == ["half_scale"])
    }

    @Test("a cubin's kernels are read from its ELF symbols; a symbol whose name lies outside the string table is an error")
    func cubinKernels() async throws {
        let toolchain = try #require(Fixtures.nvrtc)
        let module = try await Fixtures.module("Tests/KilnCompilerTests/Fixtures/gemm_tiles.cu")
        let image = try await toolchain.compile(module, for: .sm(90))
        let names = try #require(try ImageKernels.names(in: image.bytes, format: .cubin))
        #expect(names == Set(module.kernels.map { image.symbols[$0.name] ?? $0.name }))
        #expect(names.contains("scale"))
        #expect(throws: KilnError.self) { try ImageKernels.names(in: image.bytes, format: .zebin) }  // EM_CUDA, not EM_INTELGT
        // Point every symbol's name (st_name, the first word of each 24-byte entry) past its string table.
        var broken = image.bytes
        func u64(_ at: Int) -> Int { (0..<8).reduce(0) { $0 | Int(broken[at + $1]) << (8 * $1) } }
        let sectionTable = u64(0x28), count = Int(broken[0x3C]) | Int(broken[0x3D]) << 8
        for index in 0..<count where broken[sectionTable + index * 64 + 4] == 2 {  // SHT_SYMTAB
            let base = sectionTable + index * 64
            for symbol in stride(from: u64(base + 0x18), to: u64(base + 0x18) + u64(base + 0x20), by: 24) {
                broken.replaceSubrange(symbol..<(symbol + 4), with: [0xFF, 0xFF, 0xFF, 0x7F])
            }
        }
        let error = try #require(throws: KilnError.self) { try ImageKernels.names(in: broken, format: .cubin) }
        #expect(error.code == .compilationFailed)
        #expect(error.message.contains("outside its string table"))
    }

    @Test("an architecture NVRTC 13 dropped is refused with the fix")
    func droppedArchitecture() async throws {
        let toolchain = try #require(Fixtures.nvrtc)
        let error = try await #require(throws: KilnError.self) {
            try await toolchain.compile(try await Fixtures.module("Tests/KilnCompilerTests/Fixtures/gemm_tiles.cu"), for: .sm(70))
        }
        #expect(error.code == .toolchainUnavailable)
        #expect(error.message.contains("cannot compile for sm_70"))
        #expect(error.message.contains("KILN_NVRTC"))
    }
}

/// NVRTC missing: the command line says how to install it.
@Suite("NVRTC missing")
struct NVRTCMissingTests {
    @Test("a KILN_NVRTC that names no file is an error with the install command")
    func missing() async throws {
        let source = Fixtures.root.appendingPathComponent("Tests/KilnCompilerTests/Fixtures/gemm_tiles.cu").path
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("missing-\(UUID()).kiln").path
        let run = try await KilnProcess.run(["build", source, "--devices", "sm_90", "-o", output],
                                      environment: ["KILN_NVRTC": "/nonexistent/libnvrtc.so.13"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("KILN_NVRTC=/nonexistent/libnvrtc.so.13 does not exist"))
        #expect(run.stderr.contains("python3 -m pip install --target .toolchains/nvrtc nvidia-cuda-nvrtc==13.0.88"))
        #expect(!FileManager.default.fileExists(atPath: output))
    }
}
