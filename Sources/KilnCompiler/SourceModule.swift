#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import KilnBundle
import KilnCore

/// One kernel source file read for a build: its name, language, text, hash and kernels.
public struct SourceModule: Sendable {
    /// The module's name: the file name without its extension.
    public var name: String
    /// The path it was read from, as given (used in compiler messages).
    public var path: String
    /// `.cl` (portable OpenCL C) or `.cu` (CUDA C++).
    public var language: SourceLanguage
    /// The source text.
    public var text: String
    /// The SHA-256 of the text, in hexadecimal.
    public var sha256: String
    /// The kernels declared in it.
    public var kernels: [KernelRecord]

    /// Reads one source file and applies the build's options: its quoted includes inlined, its
    /// `-D` macros defined (see ``SourceOptions``). A `.cl` module's kernels are listed by the
    /// build, from clang (``ClangOpenCL/kernels(of:)``); a `.cu` module's are read from its declarations.
    ///
    /// - Throws: `KilnError.io` if it cannot be read, `.invalidArgument` for an extension other than
    ///   `.cl`/`.cu`/`.cuh` or text that is not UTF-8, `.compilationFailed` for a CUDA declaration the parser cannot read.
    public init(path: String, options: SourceOptions = SourceOptions()) throws(KilnError) {
        let url = URL(fileURLWithPath: path)
        guard let language = SourceLanguage(fileExtension: url.pathExtension) else {
            throw KilnError(.invalidArgument, "'\(path)' is not a kernel source — Kiln compiles .cl (OpenCL C) and .cu/.cuh (CUDA C++) files")
        }
        try options.validate()
        let text = try IncludeExpander(includeDirectories: options.includeDirectories)
            .expand(SourceText.read(path), path: path)
        try self.init(name: url.deletingPathExtension().lastPathComponent, path: path, language: language,
                      text: options.defineLines + text)
    }

    /// A module from text in memory, compiled as it is.
    public init(name: String, path: String, language: SourceLanguage, text: String) throws(KilnError) {
        self.name = name
        self.path = path
        self.language = language
        self.text = text
        sha256 = SHA256Digest.hex(of: text)
        kernels = language == .cuda ? try KernelSignatureParser.kernels(in: text, file: path) : []
    }

    /// The record the manifest keeps.
    public var record: ModuleRecord {
        ModuleRecord(name: name, language: language, sourceSHA256: sha256, kernels: kernels)
    }

    /// Finds the `.cl` and `.cu` files among paths of files and folders (folders searched recursively),
    /// sorted by path.
    ///
    /// - Throws: `KilnError` for a path that does not exist, or when no source is found.
    public static func discover(_ paths: [String]) throws(KilnError) -> [String] {
        var found: [String] = []
        let manager = FileManager.default
        for path in paths {
            guard let attributes = try? manager.attributesOfItem(atPath: path) else {
                throw KilnError(.io, "'\(path)' does not exist — give kernel files (.cl, .cu) or folders holding them")
            }
            if attributes[.type] as? FileAttributeType == .typeDirectory {
                let children = try KilnError.catching(.io, "listing the folder '\(path)'") { try manager.subpathsOfDirectory(atPath: path) }
                found += children.filter { $0.hasSuffix(".cl") || $0.hasSuffix(".cu") }
                    .map { path.hasSuffix("/") ? path + $0 : path + "/" + $0 }
            } else {
                found.append(path)
            }
        }
        guard !found.isEmpty else {
            throw KilnError(.invalidArgument, "no .cl or .cu files in \(paths.joined(separator: ", ")) — give kernel sources to build")
        }
        return found.sorted()
    }
}
