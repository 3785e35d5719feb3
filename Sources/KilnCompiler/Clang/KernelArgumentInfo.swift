import KilnBundle
import KilnCore

/// Reads the kernels and their parameters out of the LLVM IR that clang writes for OpenCL C with
/// `-cl-kernel-arg-info`: each `define … spir_kernel void @NAME(…)` carries metadata nodes
/// `!kernel_arg_addr_space`, `!kernel_arg_type`, `!kernel_arg_type_qual` and `!kernel_arg_name`
/// (and `!reqd_work_group_size` when declared), defined as `!N = !{…}` lines.
///
/// This reads what the compiler decided after preprocessing, so it cannot disagree with what was
/// compiled: CRLF line ends, a BOM, bare `kernel`/`global`, macros and `#if` are the compiler's business.
enum KernelArgumentInfo {
    /// The address spaces clang numbers in `kernel_arg_addr_space` (the SPIR numbering, on every target).
    static let addressSpaces: [Int: String] = [1: "global", 2: "constant", 3: "local"]

    /// The kernels defined in an IR module, in the order of their definitions.
    ///
    /// - Throws: `KilnError.compilationFailed` naming `file` if a kernel lacks its metadata.
    static func kernels(inLLVMIR ir: String, file: String) throws(KilnError) -> [KernelRecord] {
        var nodes: [String: [String]] = [:]
        var definitions: [Substring] = []
        for line in ir.split(separator: "\n") {
            if line.hasPrefix("define "), line.contains(" spir_kernel ") {
                definitions.append(line)
            } else if line.hasPrefix("!"), let equals = line.firstRange(of: " = !{"), line.hasSuffix("}") {
                let id = String(line[..<equals.lowerBound])
                nodes[id] = operands(String(line[equals.upperBound..<line.index(before: line.endIndex)]))
            }
        }
        return try definitions.map { line throws(KilnError) in
            guard let at = line.firstIndex(of: "@") else {
                throw KilnError(.compilationFailed, "\(file): clang wrote a kernel definition Kiln cannot read: \(line.prefix(200))")
            }
            let name = String(line[line.index(after: at)...].prefix { $0 != "(" }.filter { $0 != "\"" })
            func node(_ key: String) -> [String]? {
                guard let range = line.firstRange(of: "!\(key) !") else { return nil }
                let id = "!" + line[range.upperBound...].prefix { $0.isNumber }
                return nodes[String(id)]
            }
            let names = node("kernel_arg_name") ?? []
            guard let types = node("kernel_arg_type"), let spaces = node("kernel_arg_addr_space"),
                  let qualifiers = node("kernel_arg_type_qual"), types.count == names.count,
                  spaces.count == names.count, qualifiers.count == names.count else {
                if !line.contains("(") || line.contains("@\(name)()") {
                    return KernelRecord(name: name, parameters: [])
                }
                throw KilnError(.compilationFailed, "\(file): kernel '\(name)' has no complete argument info from clang — this is a Kiln bug; report it with the kernel")
            }
            let parameters = names.indices.map { index -> ParameterRecord in
                let space = Int(spaces[index]).flatMap { addressSpaces[$0] }
                let isConst = qualifiers[index].split(separator: " ").contains("const")
                return ParameterRecord(name: names[index], type: (isConst ? "const " : "") + types[index], addressSpace: space)
            }
            var record = KernelRecord(name: name, parameters: parameters)
            if let size = node("reqd_work_group_size")?.compactMap(Int.init), size.count == 3 {
                record.requiredWorkGroupSize = size
            }
            return record
        }
    }

    /// The operands of a metadata tuple: `!"float*", i32 1` → `["float*", "1"]`.
    private static func operands(_ text: String) -> [String] {
        var result: [String] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            rest = rest.drop { $0 == " " || $0 == "," }
            if rest.hasPrefix("!\"") {
                rest = rest.dropFirst(2)
                var value = ""
                while let character = rest.first, character != "\"" {
                    value.append(character)
                    rest = rest.dropFirst()
                }
                rest = rest.dropFirst()
                result.append(value)
            } else if !rest.isEmpty {
                let token = rest.prefix { $0 != "," }
                rest = rest.dropFirst(token.count)
                result.append(String(token.split(separator: " ").last ?? ""))
            }
        }
        return result
    }
}
