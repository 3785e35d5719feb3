#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's environment, read from `environ` (so the runtime needs no Foundation), and
/// its executable.
public enum ProcessEnvironment {
    /// The running executable's path (`/proc/self/exe`, resolved); nil where it cannot be read.
    public static var executable: String? {
        guard let path = realpath("/proc/self/exe", nil) else { return nil }
        defer { free(path) }
        return String(cString: path)
    }

    /// The variables as they are now; where a name appears twice, its first value, as `getenv` gives it.
    public static var current: [String: String] {
        var result: [String: String] = [:]
        var entry = environ
        while let pointer = entry.pointee {
            let pair = String(cString: pointer)
            if let equals = pair.firstIndex(of: "="), result[String(pair[..<equals])] == nil {
                result[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
            }
            entry += 1
        }
        return result
    }
}
