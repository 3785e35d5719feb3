import KilnCore

/// A JSON value that remembers where in its file it starts, so a configuration error can say
/// `kiln.json:3:14: error: …` as a compiler does.
///
/// Foundation's decoders say what is wrong but not where; a configuration file is small, so it
/// is parsed here in one pass (RFC 8259, UTF-8), with lines and columns counted from 1 and
/// columns in bytes, as clang and swiftc count them.
struct LocatedJSON: Sendable {
    /// A place in the text: line and column, from 1.
    struct Location: Sendable, Equatable, CustomStringConvertible {
        var line: Int
        var column: Int
        var description: String { "\(line):\(column)" }
    }

    /// What a value is.
    enum Kind: Sendable {
        /// Members in the order written, each with the location of its key.
        case object([(key: String, keyLocation: Location, value: LocatedJSON)])
        case array([LocatedJSON])
        case string(String)
        /// A number as written.
        case number(String)
        case bool(Bool)
        case null
    }

    var kind: Kind
    var location: Location

    /// The JSON type's name, for messages: `a string`, `an array`.
    var typeName: String {
        switch kind {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .number: "a number"
        case .bool: "a boolean"
        case .null: "null"
        }
    }

    /// A syntax error and where it is.
    struct SyntaxError: Error, Sendable {
        var location: Location
        var message: String
    }

    /// Parses one JSON value that fills the whole text (white space aside).
    ///
    /// - Throws: ``SyntaxError`` at the first byte that is not JSON.
    static func parse(_ bytes: [UInt8]) throws(SyntaxError) -> LocatedJSON {
        var parser = Parser(bytes: bytes)
        if parser.bytes.starts(with: [0xEF, 0xBB, 0xBF]) { parser.index = 3 }  // a byte-order mark
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw parser.error("unexpected text after the JSON value") }
        return value
    }

    private struct Parser {
        let bytes: [UInt8]
        var index = 0
        var line = 1
        var lineStart = 0
        static let maximumDepth = 64

        init(bytes: [UInt8]) { self.bytes = bytes }

        var location: Location { Location(line: line, column: index - lineStart + 1) }

        func error(_ message: String) -> SyntaxError { SyntaxError(location: location, message: message) }

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\n"):
                    index += 1
                    line += 1
                    lineStart = index
                case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"): index += 1
                default: return
                }
            }
        }

        /// The next byte, after white space, or nil at the end.
        mutating func peek() -> UInt8? {
            skipWhitespace()
            return index < bytes.count ? bytes[index] : nil
        }

        mutating func expect(_ byte: UInt8, _ what: String) throws(SyntaxError) {
            guard peek() == byte else { throw error(index < bytes.count ? "expected \(what)" : "the file ends where \(what) was expected") }
            index += 1
        }

        mutating func value(depth: Int) throws(SyntaxError) -> LocatedJSON {
            guard depth < Self.maximumDepth else { throw error("nested more than \(Self.maximumDepth) deep") }
            guard let byte = peek() else { throw error("the file ends where a value was expected") }
            let start = location
            switch byte {
            case UInt8(ascii: "{"):
                index += 1
                var members: [(key: String, keyLocation: Location, value: LocatedJSON)] = []
                if peek() == UInt8(ascii: "}") {
                    index += 1
                    return LocatedJSON(kind: .object(members), location: start)
                }
                while true {
                    guard peek() == UInt8(ascii: "\"") else { throw error("expected a key in double quotes") }
                    let keyLocation = location
                    let key = try string()
                    try expect(UInt8(ascii: ":"), "':' after the key")
                    members.append((key, keyLocation, try value(depth: depth + 1)))
                    if peek() == UInt8(ascii: ",") { index += 1; continue }
                    try expect(UInt8(ascii: "}"), "',' or '}'")
                    return LocatedJSON(kind: .object(members), location: start)
                }
            case UInt8(ascii: "["):
                index += 1
                var elements: [LocatedJSON] = []
                if peek() == UInt8(ascii: "]") {
                    index += 1
                    return LocatedJSON(kind: .array(elements), location: start)
                }
                while true {
                    elements.append(try value(depth: depth + 1))
                    if peek() == UInt8(ascii: ",") { index += 1; continue }
                    try expect(UInt8(ascii: "]"), "',' or ']'")
                    return LocatedJSON(kind: .array(elements), location: start)
                }
            case UInt8(ascii: "\""):
                return LocatedJSON(kind: .string(try string()), location: start)
            case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
                for (word, kind) in [("true", Kind.bool(true)), ("false", .bool(false)), ("null", .null)]
                where bytes[index...].starts(with: word.utf8) {
                    index += word.utf8.count
                    return LocatedJSON(kind: kind, location: start)
                }
                throw error("expected a value")
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                let first = index
                while index < bytes.count, "+-.eE0123456789".utf8.contains(bytes[index]) { index += 1 }
                let text = String(decoding: bytes[first..<index], as: UTF8.self)
                guard Double(text) != nil, text.first != "+" else { throw SyntaxError(location: start, message: "'\(text)' is not a number") }
                return LocatedJSON(kind: .number(text), location: start)
            default:
                throw error(byte == UInt8(ascii: "'") ? "strings take double quotes" : "expected a value")
            }
        }

        /// A string whose opening quote is at `index`.
        mutating func string() throws(SyntaxError) -> String {
            let start = location
            index += 1
            var utf8: [UInt8] = []
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""):
                    index += 1
                    guard let text = String(validating: utf8, as: UTF8.self) else {
                        throw SyntaxError(location: start, message: "the string is not valid UTF-8")
                    }
                    return text
                case UInt8(ascii: "\\"):
                    guard index + 1 < bytes.count else { throw error("the file ends inside a string") }
                    let escape = bytes[index + 1]
                    let simple: [UInt8: UInt8] = [
                        UInt8(ascii: "\""): 0x22, UInt8(ascii: "\\"): 0x5C, UInt8(ascii: "/"): 0x2F, UInt8(ascii: "b"): 0x08,
                        UInt8(ascii: "f"): 0x0C, UInt8(ascii: "n"): 0x0A, UInt8(ascii: "r"): 0x0D, UInt8(ascii: "t"): 0x09,
                    ]
                    if let replacement = simple[escape] {
                        utf8.append(replacement)
                        index += 2
                        continue
                    }
                    guard escape == UInt8(ascii: "u") else { throw error("an unknown escape") }
                    index += 2
                    var value = UInt32(try hexUnit())
                    if (0xD800..<0xDC00).contains(value), bytes[index...].starts(with: "\\u".utf8) {
                        index += 2
                        let low = UInt32(try hexUnit())
                        guard (0xDC00..<0xE000).contains(low) else { throw error("a \\u escape that is not a valid surrogate pair") }
                        value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let scalar = Unicode.Scalar(value) else { throw error("a \\u escape of a lone surrogate") }
                    utf8.append(contentsOf: String(scalar).utf8)
                case 0..<0x20:
                    throw error(byte == UInt8(ascii: "\n") ? "the string is not closed on its line" : "a control character inside a string")
                default:
                    utf8.append(byte)
                    index += 1
                }
            }
            throw error("the file ends inside a string")
        }

        mutating func hexUnit() throws(SyntaxError) -> UInt16 {
            guard index + 4 <= bytes.count, let unit = UInt16(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16) else {
                throw error("a \\u escape needs four hexadecimal digits")
            }
            index += 4
            return unit
        }
    }
}
