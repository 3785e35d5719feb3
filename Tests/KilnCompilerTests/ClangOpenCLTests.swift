import Foundation
import KilnBundle
@testable import KilnCompiler
import KilnCore
import KilnTestSupport
import Testing

/// A scratch folder for one test.
func scratchFolder(_ name: String) throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
}

/// clang 16 lists `.cl` modules' kernels: what it compiled, never a hand parser's guess.
@Suite("clang kernel lists", .enabled("clang-16 and libclc-16 are not installed: run scripts/setup.sh") { await Fixtures.clang != nil })
struct ClangKernelListTests {
    @Test("CRLF line ends, a byte-order mark, bare keywords and comments: every kernel is listed")
    func ordinaryInput() async throws {
        let folder = try scratchFolder("crlf")
        let text = "\u{FEFF}// header\r\nkernel void a(global const float* x, float s) { // c\r\n}\r\n/* block */\r\n"
            + "__kernel void b(__global int* restrict y, local float* tile, constant float* w, uint n) {}\r\n"
            + "kernel void c(global float4* v) {}\r\n"
        let path = folder.appendingPathComponent("crlf.cl").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let clang = try #require(await Fixtures.clang)
        let kernels = try await clang.kernels(of: try SourceModule(path: path))
        #expect(kernels.map(\.name) == ["a", "b", "c"])
        #expect(kernels[0].parameters == [ParameterRecord(name: "x", type: "const float*", addressSpace: "global"),
                                          ParameterRecord(name: "s", type: "float")])
        #expect(kernels[1].parameters.map(\.addressSpace) == ["global", "local", "constant", nil])
        #expect(kernels[1].parameters[3].type == "uint")
        #expect(kernels[2].parameters[0].type == "float4*")
    }

    @Test("kernels inside #ifdef cl_khr_fp64 and #ifndef cl_khr_fp64 are both listed; #if 0 is not")
    func conditionalKernels() async throws {
        let module = try await Fixtures.module(name: "cond", text: """
            #ifdef cl_khr_fp64
            kernel void twice_double(global double* x) { x[0] *= 2.0; }
            #else
            kernel void twice_float(global float* x) { x[0] *= 2.0f; }
            #endif
            #if 0
            kernel void never(global int* x) {}
            #endif
            kernel void always(global int* x) {}
            """)
        #expect(Set(module.kernels.map(\.name)) == ["twice_double", "twice_float", "always"])
    }

    @Test("reqd_work_group_size is recorded")
    func requiredSize() async throws {
        let module = try await Fixtures.module(name: "req", text: "__attribute__((reqd_work_group_size(64, 2, 1))) kernel void r(global int* x) {}")
        #expect(module.kernels.first?.requiredWorkGroupSize == [64, 2, 1])
    }

    @Test("-D macros and -I folders are applied once, to a self-contained text")
    func buildOptions() async throws {
        let folder = try scratchFolder("options")
        let headers = folder.appendingPathComponent("include")
        try FileManager.default.createDirectory(at: headers, withIntermediateDirectories: true)
        try "#pragma once\n#define SCALE 3.0f\n".write(to: headers.appendingPathComponent("scale.h"), atomically: true, encoding: .utf8)
        try "#include \"scale.h\"\n#include \"scale.h\"\n".write(to: folder.appendingPathComponent("local.h"), atomically: true, encoding: .utf8)
        let source = folder.appendingPathComponent("opts.cl")
        try """
            #include "local.h"
            #if WIDTH == 4
            kernel void wide(global float4* x) { x[get_global_id(0)] *= SCALE; }
            #endif
            kernel void plain(global float* x) { x[0] = WIDTH; }
            """.write(to: source, atomically: true, encoding: .utf8)
        let options = SourceOptions(defines: ["WIDTH=4"], includeDirectories: [headers.path])
        let module = try SourceModule(path: source.path, options: options)
        #expect(module.text.hasPrefix("#define WIDTH 4\n#line 1 \"\(source.path)\"\n"))
        #expect(module.text.components(separatedBy: "#define SCALE 3.0f").count == 2, "scale.h is inlined once (#pragma once)")
        let kernels = try await #require(await Fixtures.clang).kernels(of: module)
        #expect(kernels.map(\.name) == ["wide", "plain"])
        let without = try await #require(await Fixtures.clang).kernels(of: try SourceModule(path: source.path, options: SourceOptions(defines: ["WIDTH=1"], includeDirectories: [headers.path])))
        #expect(without.map(\.name) == ["plain"])
    }

    @Test("a -D that is not a macro name is refused, naming it")
    func badDefine() throws {
        let error = try #require(throws: KilnError.self) { try SourceOptions(defines: ["1X=2"]).validate() }
        #expect(error.message.contains("\"1X\" is not a macro name"))
    }

    @Test("a kernel that does not compile is reported once, with the user's path, line and column")
    func compileError() async throws {
        let folder = try scratchFolder("bad")
        let path = folder.appendingPathComponent("bad.cl").path
        try "kernel void b(global float* x) {\n  x[0] = undefined_thing;\n}\n".write(toFile: path, atomically: true, encoding: .utf8)
        let error = try await #require(throws: KilnError.self) { try await #require(await Fixtures.clang).kernels(of: try SourceModule(path: path)) }
        #expect(error.message.contains("\(path):2:10: error: use of undeclared identifier 'undefined_thing'"))
        #expect(!error.message.contains("kiln-clang"), "no temporary path leaks into the message")
    }

    @Test("every reference kernel in Kernels/ is listed with named, typed parameters")
    func referenceKernels() async throws {
        for path in try SourceModule.discover([Fixtures.root.appendingPathComponent("Kernels").path]) {
            let kernels = try await #require(await Fixtures.clang).kernels(of: try SourceModule(path: path))
            #expect(!kernels.isEmpty, "\(path) has no kernels")
            #expect(kernels.allSatisfy { $0.parameters.allSatisfy { !$0.name.isEmpty && !$0.type.isEmpty } })
        }
    }
}

/// OpenCL C for NVIDIA: clang + libclc → PTX → nvJitLink → cubin.
@Suite("OpenCL C for NVIDIA", .enabled("clang-16, libclc-16 or nvJitLink is not installed: run scripts/setup.sh") { await Fixtures.nvidiaCL != nil })
struct ClangNVIDIAToolchainTests {
    static let architectures = [75, 80, 86, 89, 90, 100, 120]

    @Test("one module gives cubins for sm_75 … sm_120 (newer than clang knows) whose ELF header names their architecture",
          arguments: ["Kernels/saxpy.cl", "Kernels/transpose.cl", "Kernels/softmax.cl"])
    func cubins(_ path: String) async throws {
        let toolchain = try #require(await Fixtures.nvidiaCL)
        let module = try await Fixtures.module(path)
        for number in Self.architectures {
            let image = try await toolchain.compile(module, for: .sm(number))
            let header = try #require(CUBINHeader(image.bytes), "sm_\(number) output of \(path) is not an ELF file")
            #expect(header.isCUDA)
            #expect(header.smArchitecture == number, "\(path) for sm_\(number) says sm_\(header.smArchitecture)")
            #expect(try ImageKernels.names(in: image.bytes, format: .cubin)?.isSuperset(of: module.kernels.map(\.name)) == true)
        }
    }

    @Test("PTX declares its target, its ISA version and every kernel as an entry")
    func ptx() async throws {
        let module = try await Fixtures.module("Kernels/saxpy.cl")
        let image = try await #require(await Fixtures.nvidiaCL).compile(module, for: .compute(80))
        let text = String(decoding: image.bytes, as: UTF8.self)
        #expect(text.contains(".target sm_80"))
        #expect(text.contains(".version \(try #require(image.ptxISAVersion))"))
        #expect(ImageKernels.ptxEntries(text) == Set(module.kernels.map(\.name)))
    }

    @Test("local pointer parameters are rebased on the dynamic shared array; other kernels are untouched")
    func localParameters() async throws {
        let module = try await Fixtures.module(name: "loc", text: """
            kernel void with_local(global float* out, local float* a, local float* b) {
                size_t l = get_local_id(0);
                a[l] = 1.0f; b[l] = 2.0f;
                barrier(CLK_LOCAL_MEM_FENCE);
                out[get_global_id(0)] = a[l] + b[l];
            }
            kernel void without(global float* out) { out[0] = 1.0f; }
            """)
        let text = String(decoding: try await #require(await Fixtures.nvidiaCL).compile(module, for: .compute(80)).bytes, as: UTF8.self)
        #expect(text.contains(".extern .shared .align 16 .b8 __kiln_local[];"))
        #expect(text.components(separatedBy: "mov.u64 %kiln_base, __kiln_local;").count - 1 >= 2)
        let without = text.components(separatedBy: ".entry without(").last ?? ""
        #expect(!without.contains("%kiln_base"))
    }

    @Test("a kernel using images on NVIDIA is an error naming the kernel and the builtin")
    func images() async throws {
        let module = try await Fixtures.module(name: "img", text: """
            kernel void sample(read_only image2d_t img, sampler_t s, global float4* o) { o[0] = read_imagef(img, s, (int2)(0, 0)); }
            """)
        let error = try await #require(throws: KilnError.self) { try await #require(await Fixtures.nvidiaCL).compile(module, for: .sm(90)) }
        #expect(error.message.contains("kernel 'sample' uses 'read_imagef'"))
        #expect(error.message.contains("#ifndef __NVPTX__"))
    }
}

/// A bundle never lists a kernel that an image lacks.
@Suite("Kernels checked against every image", .enabled("clang-16, nvJitLink or ocloc is not installed: run scripts/setup.sh") {
    let nvidiaCL = await Fixtures.nvidiaCL
    let ocloc = await OclocAvailable.toolchain.value
    return nvidiaCL != nil && ocloc != nil
})
struct ImageKernelTests {
    static let module = """
        #ifdef cl_khr_fp64
        kernel void twice_double(global double* x) { x[get_global_id(0)] *= 2.0; }
        #endif
        kernel void twice_float(global float* x) { x[get_global_id(0)] *= 2.0f; }
        """

    func build(_ text: String, devices: String) async throws -> BundleReader {
        let folder = try scratchFolder("held")
        let path = folder.appendingPathComponent("held.cl").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let list = try DeviceList.parse(devices)
        let ocloc = try await OclocToolchain(deviceList: list)
        let toolchains: [any Toolchain] = [SourceToolchain(), try #require(await Fixtures.nvidiaCL), ocloc]
        _ = try await Builder(deviceList: list, toolchains: toolchains, options: .init(jobs: 2, cache: nil))
            .build(sources: [try SourceModule(path: path)], output: folder.appendingPathComponent("held.kiln").path)
        return try BundleReader(path: folder.appendingPathComponent("held.kiln").path)
    }

    @Test("a kernel compiled out for a device without double precision is recorded as absent there")
    func compiledOut() async throws {
        let manifest = try await build(Self.module, devices: "sm_90,ats-m150,pvc").manifest()
        let kernels = try #require(manifest.module(named: "held")?.kernels)
        let double = try #require(kernels.first { $0.name == "twice_double" })
        #expect(double.targets == ["sm_90", "pvc", "compute_90", "spirv", "source"])
        #expect(!double.isIn(target: "acm-g10"))
        #expect(kernels.first { $0.name == "twice_float" }?.targets == nil, "in every image")
    }

    @Test("an image that holds none of the module's kernels fails the build, naming module and target")
    func emptyImage() async throws {
        let error = try await #require(throws: KilnError.self) {
            try await build("#ifdef cl_khr_fp64\nkernel void only_double(global double* x) { x[0] = 1.0; }\n#endif\n", devices: "ats-m150,pvc,nospirv")
        }
        #expect(error.code == .compilationFailed)
        #expect(error.message.contains("held.cl for acm-g10: the image holds none of the module's kernels (only_double)"))
    }
}

/// ocloc, where it is installed.
enum OclocAvailable {
    static let toolchain = Task { try? await OclocToolchain() }
}
