#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A vendor library opened with `dlopen`, never linked: a program that does not use it never
/// loads it, and one built where it is missing still starts. It stays open for the life of the
/// process, so the entry points taken from it stay valid.
public struct SharedLibrary: @unchecked Sendable {
    /// The name or path that opened.
    public let name: String
    private let handle: UnsafeMutableRawPointer

    /// Opens the first of some names that `dlopen` finds.
    ///
    /// - Parameters:
    ///   - candidates: Sonames or paths, most wanted first.
    ///   - global: Whether its symbols serve libraries opened later (`RTLD_GLOBAL`).
    ///   - install: What to do when none opens, for the error (`"install libcurl4"`).
    /// - Throws: `KilnError.driverUnavailable` naming every candidate, why each failed, and `install`.
    public static func open(_ candidates: [String], global: Bool = false, install: String) throws(KilnError) -> SharedLibrary {
        var reasons: [String] = []
        for name in candidates {
            if let handle = dlopen(name, RTLD_NOW | (global ? RTLD_GLOBAL : RTLD_LOCAL)) {
                return SharedLibrary(name: name, handle: handle)
            }
            reasons.append(dlerror().map { String(cString: $0) } ?? "\(name): not found")
        }
        throw KilnError(.driverUnavailable,
            "\(candidates.joined(separator: " or ")) could not be opened (\(reasons.joined(separator: "; "))) — \(install)")
    }

    /// An entry point, or nil where this version of the library lacks it.
    ///
    /// - Parameters:
    ///   - symbol: The C name.
    ///   - type: The `@convention(c)` function type (or `UnsafeMutableRawPointer` for an untyped one).
    public func optional<T>(_ symbol: String, as type: T.Type = T.self) -> T? {
        dlsym(handle, symbol).map { unsafeBitCast($0, to: T.self) }
    }

    /// An entry point the caller cannot do without.
    ///
    /// - Parameters:
    ///   - symbol: The C name.
    ///   - type: The `@convention(c)` function type (or `UnsafeMutableRawPointer` for an untyped one).
    /// - Throws: `KilnError.driverUnavailable` naming the library and the symbol.
    public func required<T>(_ symbol: String, as type: T.Type = T.self) throws(KilnError) -> T {
        guard let found = optional(symbol, as: T.self) else {
            throw KilnError(.driverUnavailable, "\(name) lacks the entry point \(symbol): it is too old or not the library Kiln expects")
        }
        return found
    }
}
