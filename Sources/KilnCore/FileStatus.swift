#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a path names: its kind and its identity (device and inode), from `lstat`, `stat` or `fstat`.
package struct FileStatus: Sendable {
    /// The kinds of file a path can name.
    package enum Kind: Sendable, CustomStringConvertible {
        case regular, directory, symbolicLink, characterDevice, blockDevice, fifo, socket, unknown

        /// The kind as a phrase for messages: "a character device".
        package var description: String {
            switch self {
            case .regular: "a regular file"
            case .directory: "a folder"
            case .symbolicLink: "a symbolic link"
            case .characterDevice: "a character device"
            case .blockDevice: "a block device"
            case .fifo: "a FIFO (named pipe)"
            case .socket: "a socket"
            case .unknown: "not a regular file"
            }
        }
    }

    /// The kind of file.
    package var kind: Kind
    /// The file's identity: two paths name the same file when both parts are equal.
    package var identity: (device: UInt64, inode: UInt64)
    /// The size in bytes, for regular files.
    package var size: Int

    init(_ info: stat) {
        switch info.st_mode & S_IFMT {
        case S_IFREG: kind = .regular
        case S_IFDIR: kind = .directory
        case S_IFLNK: kind = .symbolicLink
        case S_IFCHR: kind = .characterDevice
        case S_IFBLK: kind = .blockDevice
        case S_IFIFO: kind = .fifo
        case S_IFSOCK: kind = .socket
        default: kind = .unknown
        }
        identity = (UInt64(info.st_dev), UInt64(info.st_ino))
        size = Int(info.st_size)
    }

    /// The status of what a path names, or nil when nothing is there.
    ///
    /// - Parameter followingLinks: `false` describes a symbolic link itself (`lstat`), `true` what
    ///   it points to (`stat`).
    /// - Throws: `KilnError.io` for any failure other than a missing file (`ENOENT`).
    package static func of(_ path: String, followingLinks: Bool) throws(KilnError) -> FileStatus? {
        var info = stat()
        guard (followingLinks ? stat(path, &info) : lstat(path, &info)) == 0 else {
            if errno == ENOENT { return nil }
            throw KilnError.system("cannot look at", path, errno: errno, fix: "check the path and its permissions")
        }
        return FileStatus(info)
    }

    /// The status of an open file.
    package static func of(descriptor: Int32, path: String) throws(KilnError) -> FileStatus {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            throw KilnError.system("cannot look at", path, errno: errno, fix: "check the path and its permissions")
        }
        return FileStatus(info)
    }

    /// Whether two statuses name the same file.
    package func isSameFile(as other: FileStatus) -> Bool {
        identity == other.identity
    }
}

extension KilnError {
    /// An `.io` error for a failed system call, in one line: what failed on which path, the
    /// system's reason (`strerror`), and the fix.
    package static func system(_ what: String, _ path: String, errno code: Int32, fix: String) -> KilnError {
        KilnError(.io, "\(what) '\(path)': \(String(cString: strerror(code))) — \(fix)")
    }
}
