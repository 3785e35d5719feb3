import Foundation
import KilnBundle
@testable import KilnCompiler
import KilnCore
import KilnRuntime
import KilnTestSupport
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

    /// The `kiln` the test build made, as `kiln build` passes itself.
    static var worker: String { KilnProcess.executable().path }

    @Test("In a child `kiln pocl-compile`, a module compiles to the image an in-process compile makes, and PoCL loads it")
    func worker() async throws {
        let module = try await Fixtures.module("Kernels/saxpy.cl")
        let here = try await pocl.compile(module, for: .cpu)
        let there = try await PoCLToolchain(worker: Self.worker).compile(module, for: .cpu)
        // The child shares the PoCL cache folder (the environment), so PoCL gives the same bytes.
        #expect(there.bytes == here.bytes)
        #expect(there.kernelNames == here.kernelNames && there.hostString == here.hostString)
        let program = try OpenCLProgram(binary: there.bytes, name: "saxpy", device: pocl.device)
        #expect(try program.kernelNames() == ["saxpy"])
    }

    @Test("A module whose name starts with a dash reaches the child as its name, not as an option")
    func workerDashName() async throws {
        let module = try SourceModule(name: "-scale", path: "Kernels/-scale.cl", language: .openCLC,
                                      text: "__kernel void scale(__global float* x) { x[get_global_id(0)] *= 2.0f; }\n")
        let binary = try await PoCLToolchain(worker: Self.worker).compile(module, for: .cpu)
        #expect(binary.kernelNames == ["scale"])
        #expect(!binary.bytes.isEmpty)
    }

    @Test("A kernel PoCL rejects in the child is the same compilation error, with its log")
    func workerRejects() async throws {
        let module = try SourceModule(name: "broken", path: "Kernels/broken.cl", language: .openCLC,
                                      text: "__kernel void k(__global float* x) { x[0] = y; }\n")
        let error = try await #require(throws: KilnError.self) { try await PoCLToolchain(worker: Self.worker).compile(module, for: .cpu) }
        #expect(error.code == .compilationFailed)
        #expect(error.message.contains("Kernels/broken.cl for cpu"))
        #expect(error.message.contains("undeclared identifier 'y'"))
    }

    @Test("A worker that is not Kiln's, or that compiled for another host, is an error naming it, not an image",
          arguments: ["silent", "failing", "other host"])
    func foreignWorker(_ kind: String) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-worker-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // A fake stands in for a worker no real one would be: it writes its --output and answers for another host.
        let script = folder.appendingPathComponent("fake-kiln").path
        let body = switch kind {
        case "silent": "exit 0"
        case "failing": "echo 'segmentation fault' >&2; exit 139"
        default: """
            while [ $# -gt 0 ]; do [ "$1" = --output ] && printf 'poclbin' > "$2"; shift; done
            echo '{"hostString": "pthread-x86_64-pc-linux-gnu-other", "kernels": ["saxpy"], "log": ""}'
            """
        }
        #expect(FileManager.default.createFile(atPath: script, contents: Data("#!/bin/sh\n\(body)\n".utf8), attributes: [.posixPermissions: 0o755]))
        let module = try await Fixtures.module("Kernels/saxpy.cl")
        let error = try await #require(throws: KilnError.self) { try await PoCLToolchain(worker: script).compile(module, for: .cpu) }
        #expect(error.code == .toolchainUnavailable)
        let words = switch kind {
        case "silent": "did not answer as `kiln pocl-compile` does"
        case "failing": "failed (exit 139): segmentation fault"
        default: "compiled for host 'pthread-x86_64-pc-linux-gnu-other'"
        }
        #expect(error.message.contains(words), "\(error.message)")
        #expect(error.message.contains(kind == "other host" ? pocl.hostString : script))
    }
}
