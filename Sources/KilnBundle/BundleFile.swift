#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import KilnCore

/// A bundle file opened for reading with `pread`, closed when the last reference goes.
///
/// Bundles are read, not mapped: a file truncated in place while it is open would make a
/// mapping raise SIGBUS and kill the process, while `pread` returns a short count, which is a
/// `KilnError`. The cost is one copy of the bytes a read asks for — the header, the image
/// table and string table once, the manifest, and each image as it is loaded — against the
/// copy that decompressing or handing an image to a driver makes anyway.
final class BundleFile: Sendable {
    /// The file's size when it was opened.
    let size: UInt64
    private let fd: Int32

    /// Opens a regular file without blocking and without reading from it.
    ///
    /// A FIFO, socket or device is refused before any read (open with `O_NONBLOCK`, so a FIFO
    /// with no writer does not block the open).
    /// - Throws: `KilnError.io` naming the path and the system's reason.
    init(path: String) throws(KilnError) {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw Self.error("cannot open", path) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let error = Self.error("cannot stat", path)
            close(fd)
            throw error
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw KilnError(.io, "'\(path)' is not a regular file (it is a \(Self.kind(info.st_mode))) — give the path of a .kiln bundle")
        }
        self.fd = fd
        size = UInt64(info.st_size)
    }

    deinit {
        close(fd)
    }

    /// Reads `count` bytes at `offset`, which the caller has checked lie inside ``size``.
    ///
    /// - Throws: `KilnError.corruptBundle` if the file now ends before them (it was truncated
    ///   after it was opened), `.io` if the system cannot read it.
    func read(_ offset: UInt64, _ count: UInt64, subject: String, _ what: String) throws(KilnError) -> [UInt8] {
        guard count > 0 else { return [] }
        var failure: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: Int(count)) { buffer, initialized in
            var done = 0
            while done < buffer.count {
                let n = pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    break
                }
                if n == 0 { break }
                done += n
            }
            initialized = done
        }
        if failure != 0 {
            throw KilnError(.io, "\(subject): cannot read \(what): \(String(cString: strerror(failure)))")
        }
        guard bytes.count == Int(count) else {
            throw KilnError(.corruptBundle,
                "\(subject): \(what) (bytes \(offset)..<\(offset + count)) is past the end of the file — it was truncated after it was opened; copy it again")
        }
        return bytes
    }

    private static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: "FIFO"
        case S_IFSOCK: "socket"
        case S_IFCHR: "character device"
        case S_IFBLK: "block device"
        case S_IFDIR: "folder"
        default: "special file"
        }
    }

    private static func error(_ what: String, _ path: String) -> KilnError {
        let reason = String(cString: strerror(errno))
        return KilnError(.io, "\(what) '\(path)': \(reason) — check the path and its permissions")
    }
}
