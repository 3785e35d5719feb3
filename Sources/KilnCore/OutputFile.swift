#if canImport(Glibc)
import Glibc
#endif

/// Writes output files whole or not at all, and only where a regular file may go.
///
/// The bytes go to a temporary file beside the output, are flushed, and are renamed over it, so a
/// reader sees the old file or the new one, never a part. The rename replaces nothing but a regular
/// file: an output that is a device, FIFO, socket or folder is refused, and so is one of the inputs
/// (the same device and inode, whatever path or hard link names it). A symbolic link is refused
/// too, rather than replaced or written through: replacing it would leave the file it points to
/// stale, and following it would let a link planted in a shared folder aim a root build at any file.
package enum OutputFile {
    /// Checks that `path` may be replaced by an output: nothing is there, in a folder that exists,
    /// or a regular file that is none of `inputs`.
    ///
    /// - Parameters:
    ///   - inputs: The paths the output is made from; inputs that do not exist are ignored.
    ///   - what: What the output is, for messages: "bundle".
    /// - Throws: `KilnError.invalidArgument` naming the path, what is there and the fix; `.io` for a
    ///   missing folder.
    package static func check(_ path: String, inputs: [String], what: String) throws(KilnError) {
        if path.hasSuffix("/") {
            throw KilnError(.invalidArgument, "'\(path)' names a folder — give the path of the \(what) file, e.g. '\(path)app.kiln'")
        }
        if let target = try FileStatus.of(path, followingLinks: true) {
            for input in inputs {
                if let status = try? FileStatus.of(input, followingLinks: true), status.isSameFile(as: target) {
                    throw KilnError(.invalidArgument,
                        "'\(path)' is the input '\(input)' — writing the \(what) there would destroy it; give the \(what) another path")
                }
            }
        }
        guard let status = try FileStatus.of(path, followingLinks: false) else {
            let parent = try FileStatus.of(folder(of: path), followingLinks: true)
            guard parent?.kind == .directory else { throw writeError(parent == nil ? ENOENT : ENOTDIR, path, what: what) }
            return
        }
        switch status.kind {
        case .regular:
            return
        case .directory:
            throw KilnError(.invalidArgument,
                "'\(path)' is a folder — give the path of the \(what) file, e.g. '\(path)/app.kiln'")
        case .symbolicLink:
            throw KilnError(.invalidArgument,
                "'\(path)' is a symbolic link — Kiln neither writes through nor replaces links; give the path of the file itself, or remove the link")
        default:
            throw KilnError(.invalidArgument,
                "'\(path)' is \(status.kind), not a regular file — Kiln replaces only regular files; give the \(what) a new path or a regular file's")
        }
    }

    /// Writes `bytes` to `path` atomically, after ``check(_:inputs:what:)`` (before writing, and
    /// again just before the rename).
    ///
    /// - Parameter mode: The new file's permissions before the umask: 0o666, or 0o600 for a
    ///   private key (the temporary file is created with them, so the bytes are never readable
    ///   by others).
    /// - Throws: `KilnError.invalidArgument` as ``check(_:inputs:what:)`` does; `.io` in one line
    ///   naming the path, the system's reason and the fix when the folder is missing, read-only or
    ///   full. Nothing is left behind on failure.
    package static func write(_ bytes: [UInt8], to path: String, inputs: [String], what: String,
                              mode: mode_t = 0o666) throws(KilnError) {
        try check(path, inputs: inputs, what: what)
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let temporary = "\(folder(of: path))/.\(name).tmp-\(getpid())-\(String(UInt64.random(in: 0...UInt64.max), radix: 16))"
        func failure(_ code: Int32) -> KilnError { writeError(code, path, what: what) }
        let fd = open(temporary, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, mode)
        guard fd >= 0 else { throw failure(errno) }
        var code = writeAll(fd, bytes)
        if code == 0, fsync(fd) != 0 { code = errno }
        close(fd)
        do throws(KilnError) {
            guard code == 0 else { throw failure(code) }
            try check(path, inputs: inputs, what: what)
            guard rename(temporary, path) == 0 else { throw failure(errno) }
        } catch {
            unlink(temporary)
            throw error
        }
    }

    /// The folder a path is in: what precedes its last `/`, else the working folder.
    private static func folder(of path: String) -> String {
        path.lastIndex(of: "/").map { path[..<$0].isEmpty ? "/" : String(path[..<$0]) } ?? "."
    }

    /// The one-line error for a write that failed with a system error: the path, the reason, the fix.
    private static func writeError(_ code: Int32, _ path: String, what: String) -> KilnError {
        let folder = Self.folder(of: path)
        let fix = switch code {
        case ENOENT, ENOTDIR: "create the folder '\(folder)' first, or write the \(what) elsewhere"
        case EACCES, EPERM, EROFS: "write the \(what) into a folder you can write to"
        case ENOSPC, EDQUOT: "free some space, or write the \(what) elsewhere"
        default: "check the folder '\(folder)'"
        }
        return KilnError.system("cannot write \(what)", path, errno: code, fix: fix)
    }
}

/// Writes every byte to a file descriptor, retrying short writes and `EINTR`.
///
/// - Returns: 0, or the `errno` of the write that failed.
package func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Int32 {
    bytes.withUnsafeBytes { raw in
        var offset = 0
        while offset < raw.count {
            let written = Glibc.write(fd, raw.baseAddress! + offset, min(1 << 20, raw.count - offset))
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += written
        }
        return 0
    }
}
