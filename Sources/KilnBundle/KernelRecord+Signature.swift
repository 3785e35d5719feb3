extension KernelRecord {
    /// The kernel as a C declaration reads, for people: `saxpy(float a, global const float* x, int n)`.
    public var signature: String {
        "\(name)(\(parameters.map(\.declaration).joined(separator: ", ")))"
    }
}

extension ParameterRecord {
    /// The parameter as declared: its address space where the type does not already say it, the
    /// type, the name (`global const float* x`).
    public var declaration: String {
        var text = type
        if let addressSpace, !type.split(whereSeparator: { !$0.isLetter && $0 != "_" }).contains(where: {
            $0 == addressSpace || $0 == "__\(addressSpace)" || $0 == "__\(addressSpace)__"
        }) {
            text = "\(addressSpace) \(text)"
        }
        return name.isEmpty ? text : "\(text) \(name)"
    }
}
