import ArgumentParser
import Foundation
import KilnCompiler
import KilnCore
import KilnDrivers

/// `kiln pocl-compile`: compiles one module with PoCL in this process, for a `kiln build` that
/// runs it as a child (``PoCLWorker``) so that several modules compile at once. Not for people;
/// hidden from the help.
struct PoCLCompileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: PoCLWorker.command,
        abstract: "Compile one OpenCL C module with PoCL for `kiln build` (which runs it itself).",
        shouldDisplay: false)

    @Option(help: "The module's name, for PoCL's messages.")
    var name: String

    @Option(help: "The module's OpenCL C, includes expanded.")
    var source: String

    @Option(help: "The file to write PoCL's binary to.")
    var output: String

    /// Prints a ``PoCLWorker/Result`` on stdout, or a ``PoCLWorker/Failure`` and exits non-zero:
    /// stdout carries only that one JSON document (PoCL's compiler writes to stderr).
    func run() throws {
        do {
            let toolchain = try PoCLToolchain()
            let text = try InputFile.bytes(source, what: "the OpenCL C source")
            let built = try OpenCLProgram.compileBinary(.source(text), name: name, device: toolchain.device)
            try TemporaryDirectory.write(built.bytes, to: output)
            print(try OutputOptions.json(PoCLWorker.Result(kernels: built.kernelNames, log: built.log, hostString: toolchain.hostString)))
        } catch let error as KilnError {
            print(try OutputOptions.json(PoCLWorker.Failure(error)))
            throw ExitCode.failure
        }
    }
}
