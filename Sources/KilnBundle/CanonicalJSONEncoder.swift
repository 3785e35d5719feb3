/// Writes an `Encodable` value as compact JSON with every object's keys in UTF-8 byte order: one
/// text for one value, so a bundle's manifest is deterministic. Kiln's own, so that the module
/// the runtime links needs no Foundation (whose static start-up cost is about 1 ms); the reader
/// side is ``Manifest``'s field-by-field parser.
///
/// Optionals the synthesized `Codable` skips (`encodeIfPresent`) are left out; an explicit nil
/// is `null`. Strings escape `"`, `\` and the control characters, and keep everything else as
/// UTF-8. Non-finite floating-point numbers are an error (JSON has none).
struct CanonicalJSONEncoder {
    /// The JSON of a value.
    ///
    /// - Throws: `EncodingError.invalidValue` for a non-finite number, or a value that encodes nothing.
    func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let root = Node()
        try value.encode(to: NodeEncoder(node: root, codingPath: []))
        var out: [UInt8] = []
        try root.write(to: &out, codingPath: [])
        return out
    }
}

/// One JSON value being built; containers write into it as the value encodes itself.
private final class Node {
    enum Kind {
        case unset
        /// A scalar's JSON text.
        case scalar([UInt8])
        case array([Node])
        case object([String: Node])
    }
    var kind = Kind.unset

    func makeObject() {
        if case .unset = kind { kind = .object([:]) }
    }

    func makeArray() {
        if case .unset = kind { kind = .array([]) }
    }

    /// A new member of this object (the last one given a key wins, as JSONEncoder's does).
    func member(_ key: String) -> Node {
        makeObject()
        let node = Node()
        if case .object(var members) = kind {
            kind = .unset  // one reference to the dictionary, so it is changed in place
            members[key] = node
            kind = .object(members)
        }
        return node
    }

    /// A new element at the end of this array.
    func element() -> Node {
        makeArray()
        let node = Node()
        if case .array(var elements) = kind {
            kind = .unset
            elements.append(node)
            kind = .array(elements)
        }
        return node
    }

    func write(to out: inout [UInt8], codingPath: [any CodingKey]) throws {
        switch kind {
        case .unset:
            throw EncodingError.invalidValue(self, EncodingError.Context(codingPath: codingPath, debugDescription: "a value that encodes nothing"))
        case .scalar(let text):
            out += text
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                try element.write(to: &out, codingPath: codingPath)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, key) in members.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }).enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                Self.writeString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                try members[key]!.write(to: &out, codingPath: codingPath)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    static func writeString(_ string: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += Array("\\\"".utf8)
            case UInt8(ascii: "\\"): out += Array("\\\\".utf8)
            case UInt8(ascii: "\n"): out += Array("\\n".utf8)
            case UInt8(ascii: "\r"): out += Array("\\r".utf8)
            case UInt8(ascii: "\t"): out += Array("\\t".utf8)
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

private struct NodeEncoder: Encoder {
    let node: Node
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        node.makeObject()
        return KeyedEncodingContainer(KeyedNodeContainer(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        node.makeArray()
        return UnkeyedNodeContainer(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleNodeContainer(node: node, codingPath: codingPath)
    }
}

/// A key for array positions and `super`, in coding paths.
private struct IndexKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init(intValue: Int) { stringValue = "Index \(intValue)"; self.intValue = intValue }
}

private struct KeyedNodeContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: Node
    let codingPath: [any CodingKey]

    func encodeNil(forKey key: Key) throws { node.member(key.stringValue).kind = .scalar(Array("null".utf8)) }

    func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try value.encode(to: NodeEncoder(node: node.member(key.stringValue), codingPath: codingPath + [key]))
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        NodeEncoder(node: node.member(key.stringValue), codingPath: codingPath + [key]).container(keyedBy: keyType)
    }

    func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        NodeEncoder(node: node.member(key.stringValue), codingPath: codingPath + [key]).unkeyedContainer()
    }

    func superEncoder() -> any Encoder {
        NodeEncoder(node: node.member("super"), codingPath: codingPath + [IndexKey(stringValue: "super")])
    }

    func superEncoder(forKey key: Key) -> any Encoder {
        NodeEncoder(node: node.member(key.stringValue), codingPath: codingPath + [key])
    }
}

private struct UnkeyedNodeContainer: UnkeyedEncodingContainer {
    let node: Node
    let codingPath: [any CodingKey]
    var count: Int { if case .array(let elements) = node.kind { elements.count } else { 0 } }

    private func next() -> (Node, [any CodingKey]) {
        let path = codingPath + [IndexKey(intValue: count)]
        return (node.element(), path)
    }

    mutating func encodeNil() throws { next().0.kind = .scalar(Array("null".utf8)) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let (element, path) = next()
        try value.encode(to: NodeEncoder(node: element, codingPath: path))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let (element, path) = next()
        return NodeEncoder(node: element, codingPath: path).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let (element, path) = next()
        return NodeEncoder(node: element, codingPath: path).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        let (element, path) = next()
        return NodeEncoder(node: element, codingPath: path)
    }
}

private struct SingleNodeContainer: SingleValueEncodingContainer {
    let node: Node
    let codingPath: [any CodingKey]

    private func set(_ text: String) { node.kind = .scalar(Array(text.utf8)) }

    func encodeNil() throws { set("null") }
    func encode(_ value: Bool) throws { set(value ? "true" : "false") }
    func encode(_ value: String) throws {
        var out: [UInt8] = []
        Node.writeString(value, to: &out)
        node.kind = .scalar(out)
    }
    func encode(_ value: Double) throws {
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, EncodingError.Context(codingPath: codingPath, debugDescription: "JSON has no \(value)"))
        }
        set("\(value)")
    }
    func encode(_ value: Float) throws { try encode(Double(value)) }
    func encode(_ value: Int) throws { set(String(value)) }
    func encode(_ value: Int8) throws { set(String(value)) }
    func encode(_ value: Int16) throws { set(String(value)) }
    func encode(_ value: Int32) throws { set(String(value)) }
    func encode(_ value: Int64) throws { set(String(value)) }
    func encode(_ value: UInt) throws { set(String(value)) }
    func encode(_ value: UInt8) throws { set(String(value)) }
    func encode(_ value: UInt16) throws { set(String(value)) }
    func encode(_ value: UInt32) throws { set(String(value)) }
    func encode(_ value: UInt64) throws { set(String(value)) }
    func encode<T: Encodable>(_ value: T) throws { try value.encode(to: NodeEncoder(node: node, codingPath: codingPath)) }
}
