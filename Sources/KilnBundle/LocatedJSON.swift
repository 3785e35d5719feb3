import KilnCore

/// A JSON value that remembers where in its text it starts: Kiln's one JSON parser. It reads
/// bundle manifests (`Manifest(json:)`) and `kiln.json`, whose errors say
/// `kiln.json:3:14: error: …` as a compiler does.
///
/// Strict RFC 8259 over UTF-8: one value, no trailing commas or comments, no key twice in an
/// object, no control characters in strings, numbers in JSON's grammar, at most
/// `maximumDepth` containers deep (so a hostile document cannot exhaust the stack). Lines and
/// columns count from 1, columns in bytes, as clang and swiftc count them.
package struct LocatedJSON: Sendable {
    /// A place in the text: line and column, from 1.
    package struct Location: Sendable, Equatable, CustomStringConvertible {
        package var line: Int
        package var column: Int
        package var description: String { "\(line):\(column)" }
    }

    /// One member of an object: its key, where the key is, and its value.
    package typealias Member = (key: String, keyLocation: Location, value: LocatedJSON)

    /// What a value is.
    package enum Kind: Sendable {
        /// Members in the order written.
        case object([Member])
        case array([LocatedJSON])
        case string(String)
        /// A number as written.
        case number(String)
        case bool(Bool)
        case null
    }

    package var kind: Kind
    package var location: Location

    /// The deepest nesting of objects and arrays accepted. Kiln's manifests nest 6 deep.
    package static let maximumDepth = 64

    /// The JSON type's name, for messages: `a string`, `an array`.
    package var typeName: String {
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
    package struct SyntaxError: Error, Sendable, CustomStringConvertible {
        package var location: Location
        package var message: String
        package var description: String { "\(location): \(message)" }
    }

    /// Parses one JSON value that fills the whole text (white space and a byte-order mark aside).
    ///
    /// - Parameter bytes: UTF-8 JSON.
    /// - Throws: ``SyntaxError`` at the first byte that is not JSON.
    package static func parse(_ bytes: [UInt8]) throws(SyntaxError) -> LocatedJSON {
        try bytes.withUnsafeBufferPointer { bytes throws(SyntaxError) in
            var parser = Parser(bytes: bytes)
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { parser.index = 3 }
            let value = try parser.value(depth: 0)
            parser.skipWhitespace()
            guard parser.index == bytes.count else { throw parser.error("unexpected text after the JSON value") }
            return value
        }
    }

    private struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0
        var line = 1
        var lineStart = 0

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

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
            guard depth < LocatedJSON.maximumDepth else { throw error("nested more than \(LocatedJSON.maximumDepth) deep") }
            guard let byte = peek() else { throw error("the file ends where a value was expected") }
            let start = location
            switch byte {
            case UInt8(ascii: "{"): return LocatedJSON(kind: .object(try object(depth: depth)), location: start)
            case UInt8(ascii: "["): return LocatedJSON(kind: .array(try array(depth: depth)), location: start)
            case UInt8(ascii: "\""): return LocatedJSON(kind: .string(try string()), location: start)
            case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
                for (word, kind) in [("true", Kind.bool(true)), ("false", .bool(false)), ("null", .null)]
                where bytes[index...].starts(with: word.utf8) {
                    index += word.utf8.count
                    return LocatedJSON(kind: kind, location: start)
                }
                throw error("expected a value")
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                return LocatedJSON(kind: .number(try number()), location: start)
            default:
                throw error(byte == UInt8(ascii: "'") ? "strings take double quotes" : "expected a value")
            }
        }

        /// An object whose `{` is at `index`.
        mutating func object(depth: Int) throws(SyntaxError) -> [Member] {
            index += 1
            var members: [Member] = []
            if peek() == UInt8(ascii: "}") {
                index += 1
                return members
            }
            var keys: Set<String> = []  // used past 8 members; a small object is searched instead
            while true {
                guard peek() == UInt8(ascii: "\"") else { throw error("expected a key in double quotes") }
                let keyLocation = location
                let key = try string()
                if members.count == 8 { keys = Set(members.map(\.key)) }
                guard members.count < 8 ? !members.contains(where: { $0.key == key }) : keys.insert(key).inserted else {
                    throw SyntaxError(location: keyLocation, message: "\"\(key)\" appears twice")
                }
                try expect(UInt8(ascii: ":"), "':' after the key")
                members.append((key, keyLocation, try value(depth: depth + 1)))
                if peek() == UInt8(ascii: ",") { index += 1; continue }
                try expect(UInt8(ascii: "}"), "',' or '}'")
                return members
            }
        }

        /// An array whose `[` is at `index`.
        mutating func array(depth: Int) throws(SyntaxError) -> [LocatedJSON] {
            index += 1
            var elements: [LocatedJSON] = []
            if peek() == UInt8(ascii: "]") {
                index += 1
                return elements
            }
            while true {
                elements.append(try value(depth: depth + 1))
                if peek() == UInt8(ascii: ",") { index += 1; continue }
                try expect(UInt8(ascii: "]"), "',' or ']'")
                return elements
            }
        }

        /// A number in JSON's grammar: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
        mutating func number() throws(SyntaxError) -> String {
            let start = location, first = index
            func digits(_ parser: inout Parser) -> Int {
                let from = parser.index
                while parser.index < parser.bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(parser.bytes[parser.index]) {
                    parser.index += 1
                }
                return parser.index - from
            }
            if bytes[index] == UInt8(ascii: "-") { index += 1 }
            let integer = index
            var valid = digits(&self) > 0 && (bytes[integer] != UInt8(ascii: "0") || index - integer == 1)
            if valid, index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                valid = digits(&self) > 0
            }
            if valid, index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                valid = digits(&self) > 0
            }
            let end = index
            while index < bytes.count, "+-.eE0123456789".utf8.contains(bytes[index]) { index += 1 }  // the rest of a bad one, for the message
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[first..<index]), as: UTF8.self)
            guard valid, index == end else { throw SyntaxError(location: start, message: "'\(text)' is not a number") }
            return text
        }

        /// A string whose opening quote is at `index`. Runs without escapes are copied whole.
        mutating func string() throws(SyntaxError) -> String {
            let start = location
            index += 1
            var utf8: [UInt8] = []
            var run = index
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""):
                    let text = utf8.isEmpty
                        ? String(validating: UnsafeBufferPointer(rebasing: bytes[run..<index]), as: UTF8.self)
                        : String(validating: utf8 + UnsafeBufferPointer(rebasing: bytes[run..<index]), as: UTF8.self)
                    index += 1
                    guard let text else { throw SyntaxError(location: start, message: "the string is not valid UTF-8") }
                    return text
                case UInt8(ascii: "\\"):
                    utf8.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<index]))
                    guard index + 1 < bytes.count else { throw error("the file ends inside a string") }
                    index += 2
                    switch bytes[index - 1] {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(bytes[index - 1])
                    case UInt8(ascii: "b"): utf8.append(0x08)
                    case UInt8(ascii: "f"): utf8.append(0x0C)
                    case UInt8(ascii: "n"): utf8.append(0x0A)
                    case UInt8(ascii: "r"): utf8.append(0x0D)
                    case UInt8(ascii: "t"): utf8.append(0x09)
                    case UInt8(ascii: "u"): utf8.append(contentsOf: try unicodeEscape())
                    default:
                        index -= 2
                        throw error("an unknown escape")
                    }
                    run = index
                case 0..<0x20:
                    throw error(byte == UInt8(ascii: "\n") ? "the string is not closed on its line" : "a control character inside a string")
                default:
                    index += 1
                }
            }
            throw error("the file ends inside a string")
        }

        /// The UTF-8 of a `\uXXXX` escape (its `\u` read), joined with the low surrogate that must follow a high one.
        mutating func unicodeEscape() throws(SyntaxError) -> String.UTF8View {
            var value = UInt32(try hexUnit())
            if (0xD800..<0xDC00).contains(value), bytes[index...].starts(with: "\\u".utf8) {
                index += 2
                let low = UInt32(try hexUnit())
                guard (0xDC00..<0xE000).contains(low) else { throw error("a \\u escape that is not a valid surrogate pair") }
                value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let scalar = Unicode.Scalar(value) else { throw error("a \\u escape of a lone surrogate") }
            return String(scalar).utf8
        }

        mutating func hexUnit() throws(SyntaxError) -> UInt16 {
            guard index + 4 <= bytes.count,
                  bytes[index..<index + 4].allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x66) }),
                  let unit = UInt16(String(decoding: UnsafeBufferPointer(rebasing: bytes[index..<index + 4]), as: UTF8.self), radix: 16) else {
                throw error("a \\u escape needs four hexadecimal digits")
            }
            index += 4
            return unit
        }
    }
}
