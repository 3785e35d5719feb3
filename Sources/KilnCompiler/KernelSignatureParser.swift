import KilnBundle
import KilnCore

/// Finds the kernels of a CUDA module's source and their parameters, so the manifest can record
/// them and launches can be checked. (OpenCL C kernel lists come from clang's kernel argument
/// metadata instead: ``ClangOpenCL``.)
///
/// It reads declarations, not code: `__global__ void name(...)` (with `extern "C"`,
/// `__launch_bounds__`, `static`, templates). A template
/// kernel yields a record for each instantiation the source asks for, in a comment of the form
/// `// kiln: instantiate gemm<128,64>, gemm<64,64>`.
public enum KernelSignatureParser {
    /// The kernels of a source, in source order.
    ///
    /// - Throws: `KilnError.compilationFailed` naming the file and line of a declaration it cannot read,
    ///   or of an instantiation whose template is not in the file.
    public static func kernels(in source: String, file: String) throws(KilnError) -> [KernelRecord] {
        let instantiations = requestedInstantiations(in: source)
        let code = stripComments(source)
        let marker = "__global__"
        var records: [KernelRecord] = []
        var templatesFound: Set<String> = []
        var searchStart = code.startIndex
        while let found = code[searchStart...].firstRange(of: marker) {
            searchStart = found.upperBound
            // A whole word only: not __global__x, not part of an identifier.
            if let next = code[found.upperBound...].first, next.isIdentifierCharacter { continue }
            if found.lowerBound > code.startIndex, code[code.index(before: found.lowerBound)].isIdentifierCharacter { continue }
            let line = code[..<found.lowerBound].reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
            guard let open = code[found.upperBound...].firstIndex(of: "("),
                  let close = matchingParenthesis(in: code, from: open) else {
                throw KilnError(.compilationFailed, "\(file):\(line): cannot read the kernel declaration after \(marker)")
            }
            // The name is the last identifier before "(", past attributes like __launch_bounds__(...).
            var head = String(code[found.upperBound..<open])
            var openParen = open
            var closeParen = close
            while head.split(whereSeparator: { !$0.isIdentifierCharacter }).last.map({ ["__launch_bounds__", "__attribute__"].contains(String($0)) }) == true {
                guard let next = code[code.index(after: closeParen)...].firstIndex(of: "("),
                      let nextClose = matchingParenthesis(in: code, from: next) else { break }
                head = String(code[code.index(after: closeParen)..<next])
                openParen = next
                closeParen = nextClose
            }
            guard let name = head.split(whereSeparator: { !$0.isIdentifierCharacter }).last.map(String.init),
                  !name.isEmpty, !name.first!.isNumber else {
                throw KilnError(.compilationFailed, "\(file):\(line): cannot find the kernel's name after \(marker)")
            }
            let parameters = try parseParameters(String(code[code.index(after: openParen)..<closeParen]),
                                                 file: file, line: line, kernel: name)
            let isTemplate = code[..<found.lowerBound].hasTemplateHeader
            if isTemplate {
                templatesFound.insert(name)
                for instance in instantiations where instance.template == name {
                    records.append(KernelRecord(name: instance.expression, parameters: parameters))
                }
            } else {
                records.append(KernelRecord(name: name, parameters: parameters))
            }
        }
        for instance in instantiations where !templatesFound.contains(instance.template) {
            throw KilnError(.compilationFailed,
                "\(file):\(instance.line): 'kiln: instantiate \(instance.expression)' names no template kernel '\(instance.template)' in this file")
        }
        return records
    }

    /// One `// kiln: instantiate NAME<...>` request.
    struct Instantiation {
        var expression: String
        var template: String
        var line: Int
    }

    /// The instantiations requested in `// kiln: instantiate a<1>, b<2,3>` comments.
    static func requestedInstantiations(in source: String) -> [Instantiation] {
        var result: [Instantiation] = []
        for (index, line) in source.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard let range = line.firstRange(of: "kiln: instantiate") else { continue }
            let list = line[range.upperBound...]
            // Split on commas outside <...>.
            var depth = 0, current = ""
            for character in list + "," {
                switch character {
                case "<": depth += 1; current.append(character)
                case ">": depth -= 1; current.append(character)
                case "," where depth == 0:
                    let expression = String(current.filter { !$0.isWhitespace })
                    if let angle = expression.firstIndex(of: "<") {
                        result.append(Instantiation(expression: expression, template: String(expression[..<angle]), line: index + 1))
                    }
                    current = ""
                default: current.append(character)
                }
            }
        }
        return result
    }

    /// Parameters: every pointer is to global memory (CUDA kernels take no other).
    static func parseParameters(_ text: String, file: String, line: Int, kernel: String) throws(KilnError) -> [ParameterRecord] {
        var parts: [String] = []
        var depth = 0, current = ""
        for character in text {
            switch character {
            case "(", "<", "[": depth += 1; current.append(character)
            case ")", ">", "]": depth -= 1; current.append(character)
            case "," where depth == 0: parts.append(current); current = ""
            default: current.append(character)
            }
        }
        parts.append(current)
        let trimmed = parts.map { $0.trimmingWhitespace() }
        if trimmed == [""] || trimmed == ["void"] { return [] }
        return try trimmed.enumerated().map { index, raw throws(KilnError) in
            let declaration = raw.split(separator: "=", maxSplits: 1).first.map { String($0).trimmingWhitespace() } ?? raw
            var tokens = declaration.replacingAll("*", with: " * ").replacingAll("&", with: " & ")
                .split(whereSeparator: \.isWhitespace).map(String.init)
            guard tokens.count >= 2, let name = tokens.last, name.allSatisfy(\.isIdentifierCharacter) else {
                throw KilnError(.compilationFailed,
                    "\(file):\(line): kernel '\(kernel)': parameter \(index + 1) ('\(raw)') has no name — name every kernel parameter")
            }
            tokens.removeLast()
            tokens.removeAll { ["restrict", "__restrict__", "__restrict", "volatile"].contains($0) }
            let type = tokens.joined(separator: " ").replacingAll(" *", with: "*")
            return ParameterRecord(name: name, type: type, addressSpace: tokens.contains("*") ? "global" : nil)
        }
    }

    /// The source with comments blanked out (newlines kept, so line numbers hold).
    static func stripComments(_ source: String) -> String {
        var out = ""
        out.reserveCapacity(source.count)
        var iterator = Array(source)
        var i = 0
        var inString: Character?
        while i < iterator.count {
            let c = iterator[i]
            let next = i + 1 < iterator.count ? iterator[i + 1] : nil
            if let quote = inString {
                out.append(c)
                if c == "\\", let next { out.append(next); i += 2; continue }
                if c == quote { inString = nil }
                i += 1
            } else if c == "\"" || c == "'" {
                inString = c; out.append(c); i += 1
            } else if c == "/", next == "/" {
                while i < iterator.count, iterator[i] != "\n" { i += 1 }
            } else if c == "/", next == "*" {
                i += 2
                while i < iterator.count, !(iterator[i] == "*" && i + 1 < iterator.count && iterator[i + 1] == "/") {
                    if iterator[i] == "\n" { out.append("\n") }
                    i += 1
                }
                i += 2
                out.append(" ")
            } else {
                out.append(c); i += 1
            }
        }
        iterator.removeAll()
        return out
    }

    static func matchingParenthesis(in text: String, from open: String.Index) -> String.Index? {
        var depth = 0
        var index = open
        while index < text.endIndex {
            switch text[index] {
            case "(": depth += 1
            case ")":
                depth -= 1
                if depth == 0 { return index }
            default: break
            }
            index = text.index(after: index)
        }
        return nil
    }
}

extension StringProtocol {
    /// Whether the declaration ending here starts with `template <...>` (after the last `;` or `}`).
    var hasTemplateHeader: Bool {
        let start = lastIndex(where: { $0 == ";" || $0 == "}" }).map { index(after: $0) } ?? startIndex
        return self[start...].contains("template")
    }

}
