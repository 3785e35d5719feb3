#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import KilnCore

/// Inlines the quoted includes of a kernel source (`#include "tile.h"`), so a module's text is
/// self-contained: found beside the including file, then in each `-I` folder, with `#line`
/// markers so compiler messages still name the real file and line. `#pragma once` is honoured.
///
/// Angle-bracket includes and quoted ones that are not found stay as written: a compiler reports
/// them if they are really used (one inside an `#if` that is off is no error).
struct IncludeExpander {
    /// Folders searched after the including file's own.
    let includeDirectories: [String]
    /// How deep includes may nest before the build stops (a cycle without guards).
    static let maximumDepth = 32

    /// The text with its includes inlined, opened by a `#line` naming `path`.
    ///
    /// - Throws: `KilnError` for an include that cannot be read or nests too deep.
    func expand(_ text: String, path: String) throws(KilnError) -> String {
        var once: Set<String> = []
        return "#line 1 \(Self.quoted(path))\n" + (try expand(text, path: path, depth: 0, once: &once))
    }

    private func expand(_ text: String, path: String, depth: Int, once: inout Set<String>) throws(KilnError) -> String {
        guard depth < Self.maximumDepth else {
            throw KilnError(.compilationFailed, "\(path): includes nest more than \(Self.maximumDepth) deep — add include guards or #pragma once")
        }
        let folder = Self.folder(of: path)
        var output = ""
        // "\r\n" is one Character in Swift, so CRLF files are split on it too (and written back with "\n").
        let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }
        for (index, line) in lines.enumerated() {
            guard let name = Self.quotedInclude(line), let found = find(name, from: folder) else {
                output += line + "\n"
                continue
            }
            let canonical = Self.canonical(found)
            if once.contains(canonical) {
                output += "\n"
                continue
            }
            let included = try SourceText.read(found)
            if included.contains("#pragma once") { once.insert(canonical) }
            output += "#line 1 \(Self.quoted(found))\n"
            output += try expand(included, path: found, depth: depth + 1, once: &once)
            output += "#line \(index + 2) \(Self.quoted(path))\n"
        }
        if lines.last?.isEmpty == true || !text.hasSuffix("\n") && !text.hasSuffix("\r\n"), output.hasSuffix("\n") { output.removeLast() }
        return output
    }

    /// The name in `#include "NAME"`, or nil for any other line.
    static func quotedInclude(_ line: Substring) -> String? {
        var rest = line.drop { $0 == " " || $0 == "\t" }
        guard rest.first == "#" else { return nil }
        rest = rest.dropFirst().drop { $0 == " " || $0 == "\t" }
        guard rest.hasPrefix("include") else { return nil }
        rest = rest.dropFirst("include".count).drop { $0 == " " || $0 == "\t" }
        guard rest.first == "\"", let close = rest.dropFirst().firstIndex(of: "\"") else { return nil }
        return String(rest[rest.index(after: rest.startIndex)..<close])
    }

    /// The first readable file for an include name: beside the includer, then in each include folder.
    private func find(_ name: String, from folder: String) -> String? {
        if name.hasPrefix("/") { return FileManager.default.isReadableFile(atPath: name) ? name : nil }
        for base in [folder] + includeDirectories {
            let candidate = base.isEmpty ? name : base + "/" + name
            var info = stat()
            if stat(candidate, &info) == 0, info.st_mode & S_IFMT != S_IFDIR {
                return candidate
            }
        }
        return nil
    }

    /// The folder a path is in: `a/b` for `a/b/c.cl`, `/` for `/c.cl`, empty for `c.cl`.
    static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// A file's path with every symbolic link resolved (`realpath`), or the path where that fails.
    static func canonical(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// A path as a C string literal.
    static func quoted(_ path: String) -> String {
        "\"" + path.replacingAll("\\", with: "\\\\").replacingAll("\"", with: "\\\"") + "\""
    }
}

/// Reading kernel source text: UTF-8, with a leading byte-order mark dropped.
enum SourceText {
    /// The text of a file.
    ///
    /// - Throws: `KilnError.io` if it cannot be read or is not a regular file, `.invalidArgument` if it is not UTF-8 text.
    static func read(_ path: String) throws(KilnError) -> String {
        var text = try InputFile.text(path, what: "kernel source")
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        return text
    }
}
