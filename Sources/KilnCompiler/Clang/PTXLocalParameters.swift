import KilnBundle
import KilnCore

/// Makes `local T*` kernel parameters of clang's PTX take an offset into dynamic shared memory.
///
/// On NVPTX a `local` pointer parameter is an address in the block's shared window, which the host
/// cannot know. So the PTX gets one `.extern .shared` array (`__kiln_local`), and after each
/// `ld.param.u64 %rdN, [KERNEL_param_I];` of a local parameter, the array's address is added: the
/// host passes each local parameter's byte offset in that array and sizes dynamic shared memory
/// to the sum (see `KernelArgument.local(bytes:)`). Kernels without local parameters are untouched.
enum PTXLocalParameters {
    /// The name of the dynamic shared array the rewritten PTX declares.
    static let arrayName = "__kiln_local"

    /// The PTX with every local parameter of `kernels` rebased on `__kiln_local`.
    ///
    /// - Throws: `KilnError.compilationFailed` if a kernel with local parameters has no `.entry` in the PTX.
    static func rewrite(_ ptx: String, kernels: [KernelRecord]) throws(KilnError) -> String {
        var locals: [String: Set<Int>] = [:]
        for kernel in kernels {
            let indices = kernel.parameters.indices.filter { kernel.parameters[$0].addressSpace == "local" }
            if !indices.isEmpty { locals[kernel.name] = Set(indices) }
        }
        guard !locals.isEmpty else { return ptx }
        var lines: [String] = []
        var declared = false
        var current: String?
        for line in ptx.split(separator: "\n", omittingEmptySubsequences: false) {
            lines.append(String(line))
            if !declared, line.hasPrefix(".address_size") {
                lines.append("")
                lines.append(".extern .shared .align 16 .b8 \(arrayName)[];")
                declared = true
            }
            if let range = line.firstRange(of: ".entry ") {
                current = String(line[range.upperBound...].prefix { !$0.isWhitespace && $0 != "(" })
            }
            guard let kernel = current, let indices = locals[kernel],
                  line.contains("ld.param.u64"), let open = line.firstIndex(of: "["),
                  let close = line.firstIndex(of: "]") else { continue }
            let parameter = line[line.index(after: open)..<close]
            guard parameter.hasPrefix("\(kernel)_param_"),
                  let index = Int(parameter.dropFirst("\(kernel)_param_".count)), indices.contains(index) else { continue }
            let register = line.split(separator: "ld.param.u64").last?.split(separator: ",").first
                .map { String($0).trimmingWhitespace() } ?? ""
            lines.append("\t{ .reg .u64 %kiln_base; mov.u64 %kiln_base, \(arrayName); add.u64 \(register), \(register), %kiln_base; }")
        }
        guard declared else {
            throw KilnError(.compilationFailed, "clang's PTX has no .address_size line — Kiln cannot give its local parameters memory; report it with the kernel")
        }
        return lines.joined(separator: "\n")
    }
}
