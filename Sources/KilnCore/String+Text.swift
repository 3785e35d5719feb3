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
    /// The text made safe to quote in a message: control characters escaped, and cut to
    /// `limit` characters with `…` where it is longer.
    ///
    /// - Complexity: O(`limit`): only the start of a long text is read.
    package func quotable(limit: Int = 60) -> String {
        let head = prefix(limit + 1)
        let escaped = (head.count > limit ? head.prefix(limit) : head).terminalSafe()
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
