import KilnCore

/// Refuses a source form that would make the JIT read the host's files.
///
/// The source texts Kiln builds are self-contained: quoted includes are inlined at build time,
/// each after a `#line 1 "path"` directive, and no include path is recorded. So at run time an
/// `#include` (or `#include_next`, `#import`, `#embed`, `__has_include`) of an absolute path or of
/// one with a `..` component, or one whose operand is a macro (which could expand to either), is
/// hostile: the driver's compiler would read that file and echo it in its error log. The scan
/// sees what the preprocessor sees: backslash-newline splices and the `??=`/`??/` trigraphs are
/// undone, comments removed, and `%:` read as `#`.
public enum SourceIncludes {
    /// Checks a source image.
    ///
    /// - Throws: `KilnError.corruptBundle` naming the image and the include.
    public static func check(_ bytes: [UInt8], what: String) throws(KilnError) {
        let spliced = splice(bytes)
        let text = stripComments(spliced)
        // Lines are checked with comments removed (`#/**/include`), and as spliced, since inside
        // `<…>` a `//` is part of the name (`<x//../../etc/passwd>`), not a comment.
        for version in [text, spliced] {
            var lineStart = 0
            while lineStart < version.count {
                let lineEnd = version[lineStart...].firstIndex(of: 0x0A) ?? version.count
                try checkLine(version[lineStart..<lineEnd], what: what)
                lineStart = lineEnd + 1
            }
        }
        // `__has_include` may appear in any #if, not only at a line's start.
        var index = 0
        let token = Array("__has_include".utf8)
        while index + token.count <= text.count {
            if text[index] == token[0], Array(text[index..<(index + token.count)]) == token {
                var at = index + token.count
                if text[at...].starts(with: Array("_next".utf8)) { at += 5 }
                while at < text.count, text[at] == 0x20 || text[at] == 0x09 { at += 1 }
                guard at < text.count, text[at] == 0x28 else { index += 1; continue }  // not a call
                at += 1
                while at < text.count, text[at] == 0x20 || text[at] == 0x09 { at += 1 }
                try checkOperand(text[at...], directive: "__has_include", what: what)
                index = at
            } else {
                index += 1
            }
        }
    }

    /// One preprocessed line: a directive that includes must name a safe literal path.
    static func checkLine(_ line: ArraySlice<UInt8>, what: String) throws(KilnError) {
        var at = line.startIndex
        func skipSpace() { while at < line.endIndex, line[at] == 0x20 || line[at] == 0x09 || line[at] == 0x0D || line[at] == 0x0C || line[at] == 0x0B { at += 1 } }
        skipSpace()
        if at < line.endIndex, line[at] == 0x23 {  // #
            at += 1
        } else if at + 1 < line.endIndex, line[at] == 0x25, line[at + 1] == 0x3A {  // %:
            at += 2
        } else {
            return
        }
        skipSpace()
        let nameStart = at
        while at < line.endIndex, isIdentifierByte(line[at]) { at += 1 }
        let directive = String(decoding: line[nameStart..<at], as: UTF8.self)
        guard ["include", "include_next", "import", "embed"].contains(directive) else { return }
        skipSpace()
        try checkOperand(line[at...], directive: "#" + directive, what: what)
    }

    /// The operand of an include: `"path"` or `<path>`, neither absolute nor with a `..` component.
    static func checkOperand(_ rest: ArraySlice<UInt8>, directive: String, what: String) throws(KilnError) {
        guard let open = rest.first, open == 0x22 || open == 0x3C else {
            throw KilnError(.corruptBundle,
                "\(what): its source has a \(directive) whose file name is a macro, which could name any file on this machine — the bundle is damaged or hostile; rebuild it (Kiln inlines includes at build time)")
        }
        let close: UInt8 = open == 0x22 ? 0x22 : 0x3E
        let body = rest.dropFirst().prefix { $0 != close && $0 != 0x0A }
        let components = body.split(whereSeparator: { $0 == 0x2F || $0 == 0x5C })
        if body.first == 0x2F || body.first == 0x5C || body.first == 0x7E || components.contains(where: { $0.elementsEqual([0x2E, 0x2E]) }) {
            throw KilnError(.corruptBundle,
                "\(what): its source has \(directive) \(Character(UnicodeScalar(open)))\(String(decoding: body, as: UTF8.self).terminalSafe())\(Character(UnicodeScalar(close))), which would read a file of this machine — the bundle is damaged or hostile; rebuild it (Kiln inlines includes at build time)")
        }
    }

    static func isIdentifierByte(_ byte: UInt8) -> Bool {
        byte == 0x5F || (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }

    /// Undoes the `??=` and `??/` trigraphs and backslash-newline splices (with `\r\n` too).
    static func splice(_ bytes: [UInt8]) -> [UInt8] {
        var trigraphs: [UInt8] = []
        trigraphs.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if index + 2 < bytes.count, bytes[index] == 0x3F, bytes[index + 1] == 0x3F, bytes[index + 2] == 0x3D || bytes[index + 2] == 0x2F {
                trigraphs.append(bytes[index + 2] == 0x3D ? 0x23 : 0x5C)
                index += 3
            } else {
                trigraphs.append(bytes[index])
                index += 1
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(trigraphs.count)
        index = 0
        while index < trigraphs.count {
            if trigraphs[index] == 0x5C {
                var next = index + 1
                while next < trigraphs.count, trigraphs[next] == 0x20 || trigraphs[next] == 0x09 { next += 1 }  // clang allows spaces before the newline
                if next < trigraphs.count, trigraphs[next] == 0x0A { index = next + 1; continue }
                if next + 1 < trigraphs.count, trigraphs[next] == 0x0D, trigraphs[next + 1] == 0x0A { index = next + 2; continue }
            }
            out.append(trigraphs[index])
            index += 1
        }
        return out
    }

    /// Replaces comments with a space (keeping newlines), leaving string and character literals alone.
    static func stripComments(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x2F, index + 1 < bytes.count, bytes[index + 1] == 0x2F {
                while index < bytes.count, bytes[index] != 0x0A { index += 1 }
                out.append(0x20)
            } else if byte == 0x2F, index + 1 < bytes.count, bytes[index + 1] == 0x2A {
                index += 2
                while index < bytes.count, !(bytes[index] == 0x2A && index + 1 < bytes.count && bytes[index + 1] == 0x2F) {
                    if bytes[index] == 0x0A { out.append(0x0A) }
                    index += 1
                }
                index += 2
                out.append(0x20)
            } else if byte == 0x22 || byte == 0x27 {
                out.append(byte)
                index += 1
                while index < bytes.count, bytes[index] != byte, bytes[index] != 0x0A {
                    if bytes[index] == 0x5C, index + 1 < bytes.count { out.append(bytes[index]); index += 1 }
                    out.append(bytes[index])
                    index += 1
                }
                if index < bytes.count, bytes[index] == byte { out.append(byte); index += 1 }
            } else {
                out.append(byte)
                index += 1
            }
        }
        return out
    }
}
