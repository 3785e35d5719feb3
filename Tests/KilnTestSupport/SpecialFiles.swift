import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Files that are not regular files, made in a private temporary folder, for tests of what Kiln
/// refuses: FIFOs, and device nodes that copy /dev/null's numbers (never a real device's path).
public enum SpecialFiles {
    /// A fresh empty folder in the system temporary folder.
    public static func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-special-\(UUID())").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A FIFO (named pipe) at `folder/name`.
    public static func fifo(in folder: String, name: String = "pipe") throws -> String {
        let path = folder + "/" + name
        guard mkfifo(path, 0o644) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        return path
    }

    /// A private character device node at `folder/name` with major 1, minor 3 (what /dev/null is), made
    /// with mknod; needs root (CAP_MKNOD), as CI runs.
    public static func deviceNode(in folder: String, name: String = "null") throws -> String {
        let path = folder + "/" + name
        let major1minor3: dev_t = (1 << 8) | 3  // Linux's encoding of makedev(1, 3)
        guard mknod(path, S_IFCHR | 0o666, major1minor3) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        return path
    }

    /// Whether this process may make device nodes (root with CAP_MKNOD); tests that need one skip otherwise.
    public static let canMakeDeviceNodes: Bool = {
        guard let folder = try? folder() else { return false }
        defer { try? FileManager.default.removeItem(atPath: folder) }
        return (try? deviceNode(in: folder)) != nil
    }()

    /// The type bits of what a path names (`S_IFCHR`, `S_IFIFO`, …), not following links, or nil when
    /// nothing is there: a refused output must stay what it was.
    public static func type(of path: String) -> mode_t? {
        var info = stat()
        return lstat(path, &info) == 0 ? info.st_mode & S_IFMT : nil
    }
}
