import KilnBundle

/// What a kernel parameter takes, read from the type written in the source
/// (`ParameterRecord.type`): a pointer to some element type, or a scalar.
public enum ParameterType: Hashable, Sendable {
    /// A pointer; `element` is nil for `void*` and for element types Kiln does not know,
    /// which any buffer fills.
    case pointer(element: ScalarType?, addressSpace: AddressSpace)
    /// A value of a scalar type.
    case scalar(ScalarType)
    /// A type that a launch cannot fill yet, and why.
    case unsupported(String)

    /// The address space a pointer parameter points into.
    public enum AddressSpace: String, Hashable, Sendable {
        /// Device memory (`__global`, or a CUDA pointer).
        case global
        /// Constant memory (`__constant`).
        case constant
        /// Work-group memory (`__local`), sized at launch rather than backed by a buffer.
        case local
    }

    /// Reads a parameter's type.
    ///
    /// Qualifiers (`const`, `volatile`, `restrict`, `__restrict__`) are ignored; the address
    /// space comes from `__global`/`__constant`/`__local` in the text or from the record.
    public init(_ record: ParameterRecord) {
        self.init(type: record.type, addressSpace: record.addressSpace)
    }

    /// Reads a type as written (`const float*`, `unsigned int`), with the record's address space if any.
    public init(type text: String, addressSpace recorded: String? = nil) {
        var spaced = ""
        for character in text {
            if character == "*" || character == "&" { spaced += " \(character) " } else { spaced.append(character) }
        }
        var space: AddressSpace?
        var stars = 0
        var words: [String] = []
        for token in spaced.split(whereSeparator: \.isWhitespace).map(String.init) {
            switch token {
            case "*": stars += 1
            case "&":
                self = .unsupported("a reference cannot be a kernel parameter")
                return
            case "__global", "global", "__global__": space = .global
            case "__constant", "constant", "__constant__": space = .constant
            case "__local", "local", "__shared__": space = .local
            case "const", "volatile", "restrict", "__restrict", "__restrict__", "__private", "private", "__generic":
                continue
            default: words.append(token)
            }
        }
        if let recorded, let recordedSpace = AddressSpace(rawValue: recorded.lowercased()) {
            space = recordedSpace
        }
        let base = Self.canonical(words)
        switch stars {
        case 0:
            if let scalar = Self.scalarNames[base] {
                self = .scalar(scalar)
            } else if Self.vectorComponent(base) != nil {
                self = .unsupported("vector values ('\(base)') cannot be passed by value yet — pass a buffer instead")
            } else {
                self = .unsupported("Kiln cannot pass a '\(base)' by value — pass a buffer, or a scalar such as int or float")
            }
        case 1:
            let element = Self.scalarNames[base] ?? Self.vectorComponent(base)
            self = .pointer(element: base == "void" ? nil : element, addressSpace: space ?? .global)
        default:
            self = .unsupported("a pointer to a pointer cannot be filled from a buffer")
        }
    }

    /// The base type's words joined, with the spellings C allows folded to one.
    private static func canonical(_ words: [String]) -> String {
        var words = words
        if words.first == "struct" || words.first == "enum" { return words.joined(separator: " ") }
        // `unsigned long int` → `unsigned long`; `signed int` → `int`; a lone `unsigned` → `unsigned int`.
        if words.count > 1, words.last == "int", words.dropLast().allSatisfy({ ["short", "long", "unsigned", "signed"].contains($0) }) {
            if words.dropLast().contains(where: { $0 == "short" || $0 == "long" }) { words.removeLast() }
        }
        if words.first == "signed", words.count > 1, words[1] != "char" { words.removeFirst() }
        if words == ["signed"] { words = ["int"] }
        if words == ["unsigned"] { words = ["unsigned", "int"] }
        return words.joined(separator: " ")
    }

    /// The component type of an OpenCL/CUDA vector type (`float4` → float32), or nil.
    private static func vectorComponent(_ name: String) -> ScalarType? {
        for width in ["16", "8", "4", "3", "2"] where name.hasSuffix(width) {
            return scalarNames[String(name.dropLast(width.count))]
        }
        return nil
    }

    /// C, CUDA and OpenCL C scalar type names; `long` is 64 bits in both (LP64 and OpenCL).
    static let scalarNames: [String: ScalarType] = [
        "char": .int8, "signed char": .int8, "int8_t": .int8,
        "unsigned char": .uint8, "uchar": .uint8, "uint8_t": .uint8,
        "short": .int16, "signed short": .int16, "int16_t": .int16,
        "unsigned short": .uint16, "ushort": .uint16, "uint16_t": .uint16,
        "int": .int32, "int32_t": .int32,
        "unsigned int": .uint32, "uint": .uint32, "uint32_t": .uint32,
        "long": .int64, "long long": .int64, "int64_t": .int64, "ptrdiff_t": .int64, "ssize_t": .int64, "intptr_t": .int64,
        "unsigned long": .uint64, "unsigned long long": .uint64, "ulong": .uint64, "uint64_t": .uint64,
        "size_t": .uint64, "uintptr_t": .uint64,
        "half": .float16, "__half": .float16,
        "float": .float32,
        "double": .float64,
    ]
}
