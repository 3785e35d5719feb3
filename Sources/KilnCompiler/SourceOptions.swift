import KilnCore

/// What a build passes to every compile of a module: `-D NAME[=VALUE]` macros and `-I DIR` include
/// folders, from `kiln build`, `kiln.json` or the plugin.
///
/// They are applied once, to the module's text (``SourceModule``): the macros become `#define`
/// lines and quoted includes are inlined from the module's folder and the include folders. So every
/// toolchain compiles the same text, the build cache keys on it (header contents included), and
/// the `source` form in the bundle is self-contained: a JIT on an unlisted device compiles exactly
/// what was built, and reads no file of the machine it runs on.
public struct SourceOptions: Sendable, Hashable {
    /// Macros, as given: `NAME` or `NAME=VALUE`.
    public var defines: [String]
    /// Folders searched for `#include "…"` after the module's own folder, in order.
    public var includeDirectories: [String]

    /// Options with macros and include folders.
    public init(defines: [String] = [], includeDirectories: [String] = []) {
        self.defines = defines
        self.includeDirectories = includeDirectories
    }

    /// Checks each macro's name.
    ///
    /// - Throws: `KilnError.invalidArgument` naming a `-D` whose name is not a C identifier.
    public func validate() throws(KilnError) {
        for define in defines {
            let name = define.prefix { $0 != "=" }
            guard let first = name.first, first == "_" || first.isLetter,
                  name.allSatisfy({ $0 == "_" || $0.isLetter || $0.isNumber }), name.allSatisfy(\.isASCII) else {
                throw KilnError(.invalidArgument, "-D \(define.debugDescription): \(String(name).debugDescription) is not a macro name — write -D NAME or -D NAME=VALUE")
            }
        }
    }

    /// The `#define` lines for the macros (`-D N` defines N as 1, as C compilers do).
    var defineLines: String {
        defines.map { define -> String in
            guard let equals = define.firstIndex(of: "=") else { return "#define \(define) 1\n" }
            let value = String(define[define.index(after: equals)...]).replacingAll("\n", with: " ")
            return "#define \(define[..<equals]) \(value)\n"
        }.joined()
    }
}
