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
    /// The code and the advice of the errors it gives.
    private let code: KilnError.Code
    private let install: String

    /// Opens the first of some names that `dlopen` finds.
    ///
    /// - Parameters:
    ///   - candidates: Sonames or paths, most wanted first.
    ///   - global: Whether its symbols serve libraries opened later (`RTLD_GLOBAL`).
    ///   - code: The code of the errors: `.driverUnavailable` for a driver, `.toolchainUnavailable` for a compiler.
    ///   - install: What to do when none opens or one lacks an entry point, for the error (`"install libcurl4"`).
    /// - Throws: A `KilnError` of `code` naming every candidate, why each failed, and `install`.
    public static func open(_ candidates: [String], global: Bool = false, code: KilnError.Code = .driverUnavailable,
                            install: String) throws(KilnError) -> SharedLibrary {
        switch first(of: candidates, global: global, code: code, install: install) {
        case .success(let library): return library
        case .failure(let failure):
            throw KilnError(code, "\(candidates.joined(separator: " or ")) could not be opened (\(failure.reason)) — \(install)", cause: failure)
        }
    }

    /// Why no candidate opened: `dlerror`'s words for each.
    public struct OpenFailure: Error, CustomStringConvertible {
        /// Every candidate's reason, joined.
        public let reason: String

        /// The reasons.
        public var description: String { reason }
    }

    /// Opens the first of some names that `dlopen` finds, or says why none did, for a caller that
    /// words its own error (`open` words a general one).
    ///
    /// - Parameters:
    ///   - candidates: Sonames or paths, most wanted first.
    ///   - global: Whether its symbols serve libraries opened later (`RTLD_GLOBAL`).
    ///   - code: The code of the errors `required` gives.
    ///   - install: The advice of the errors `required` gives.
    public static func first(of candidates: [String], global: Bool = false, code: KilnError.Code = .driverUnavailable,
                             install: String) -> Result<SharedLibrary, OpenFailure> {
        var reasons: [String] = []
        for name in candidates {
            if let handle = dlopen(name, RTLD_NOW | (global ? RTLD_GLOBAL : RTLD_LOCAL)) {
                return .success(SharedLibrary(name: name, handle: handle, code: code, install: install))
            }
            reasons.append(dlerror().map { String(cString: $0) } ?? "\(name): not found")
        }
        return .failure(OpenFailure(reason: reasons.joined(separator: "; ")))
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
    /// - Throws: A `KilnError` naming the library and the symbol, with the advice given at `open`.
    public func required<T>(_ symbol: String, as type: T.Type = T.self) throws(KilnError) -> T {
        guard let found = optional(symbol, as: T.self) else {
            throw KilnError(code, "\(name) lacks the entry point \(symbol), so it is too old or not the library Kiln expects — \(install)")
        }
        return found
    }
}
