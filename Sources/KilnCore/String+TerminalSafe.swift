extension StringProtocol {
    /// The text with every control character escaped, so that a name read from a file or the
    /// environment cannot move the cursor, change colours or retitle the window when printed.
    ///
    /// C0 controls (U+0000–U+001F), DEL (U+007F) and C1 controls (U+0080–U+009F) become Swift
    /// escapes, `\u{1B}` for ESC: visible, unambiguous, and what a Swift reader would type to get
    /// the character back. Everything else, backslashes included, is left as it is.
    ///
    /// - Parameter multiline: Whether line feeds and tabs pass through, for multi-line messages such
    ///   as a compiler's log; a name is printed with `false`, the default.
    /// - Complexity: O(n) in the length of the text.
    package func terminalSafe(multiline: Bool = false) -> String {
        var result = ""
        result.unicodeScalars.reserveCapacity(unicodeScalars.count)
        for scalar in unicodeScalars {
            let value = scalar.value
            let isControl = value < 0x20 || (0x7F...0x9F).contains(value)
            if !isControl || (multiline && (scalar == "\n" || scalar == "\t")) {
                result.unicodeScalars.append(scalar)
            } else {
                result += "\\u{" + String(value, radix: 16, uppercase: true) + "}"
            }
        }
        return result
    }
}
