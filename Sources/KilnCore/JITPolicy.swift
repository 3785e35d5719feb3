/// When Kiln may compile a portable form at run time (`KILN_JIT`).
public enum JITPolicy: String, Sendable, CaseIterable, Codable {
    /// Use a device binary when one serves the device, else compile a portable form.
    case auto
    /// Strict AOT: a device that no device binary serves is an error, never a silent compile.
    case never
    /// Ignore device binaries and always compile a portable form (to test the JIT path).
    case always

    /// Reads `KILN_JIT` from an environment; unset means ``auto``.
    ///
    /// - Throws: `KilnError.invalidArgument` for a value other than auto, never or always.
    public init(environment: [String: String]) throws(KilnError) {
        guard let value = environment["KILN_JIT"], !value.isEmpty else {
            self = .auto
            return
        }
        guard let policy = JITPolicy(rawValue: value.lowercased()) else {
            throw KilnError(.invalidArgument, "KILN_JIT='\(value)' is not a policy — use auto, never or always")
        }
        self = policy
    }
}
