// Small text helpers that FoundationEssentials lacks, shared by Kiln's modules.

extension StringProtocol {
    /// The text without leading and trailing white space.
    package func trimmingWhitespace() -> String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}

extension String {
    /// This string with every occurrence of `target` replaced.
    package func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}

extension Character {
    /// Whether the character can be part of a C identifier.
    package var isIdentifierCharacter: Bool { isLetter || isNumber || self == "_" }
}

extension StringProtocol {
    /// The text with every control character (C0, DEL and C1) written as a visible escape, so that
    /// an error message that quotes user input shows what was typed: `\t`, `\n`, `\r`, else `\u{1B}`.
    ///
    /// - Complexity: O(*n*) in the length of the text.
    package var escapingControlCharacters: String {
        var result = ""
        for scalar in unicodeScalars {
            switch scalar.value {
            case 0x09: result += "\\t"
            case 0x0A: result += "\\n"
            case 0x0D: result += "\\r"
            case 0x00...0x1F, 0x7F...0x9F:
                result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// The text made safe to quote in a message: control characters escaped, and cut to
    /// `limit` characters with `…` where it is longer.
    ///
    /// - Complexity: O(`limit`): only the start of a long text is read.
    package func quotable(limit: Int = 60) -> String {
        let head = prefix(limit + 1)
        let escaped = (head.count > limit ? head.prefix(limit) : head).escapingControlCharacters
        return head.count > limit ? escaped + "…" : escaped
    }
}

extension Int {
    /// The number with a comma between each group of three digits: 9,995.
    package var groupedDigits: String {
        let digits = String(magnitude)
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { result += "," }
            result.append(digit)
        }
        return (self < 0 ? "-" : "") + result
    }
}
