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
