#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import KilnCore

/// A file mapped read-only into memory, unmapped when the last reference goes.
final class MappedFile: @unchecked Sendable {
    /// The mapped bytes; valid for the object's lifetime, never written.
    let bytes: UnsafeRawBufferPointer
    private let base: UnsafeMutableRawPointer?

    /// Maps a whole file.
    ///
    /// - Throws: `KilnError.io` naming the path and the system's reason.
    init(path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Self.error("cannot open", path) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw Self.error("cannot stat", path) }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw KilnError(.io, "'\(path)' is not a regular file — give the path of a .kiln bundle")
        }
        let size = Int(info.st_size)
        guard size > 0 else {
            base = nil
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let address, address != MAP_FAILED else { throw Self.error("cannot map", path) }
        base = address
        bytes = UnsafeRawBufferPointer(start: address, count: size)
    }

    deinit {
        if let base { munmap(base, bytes.count) }
    }

    private static func error(_ what: String, _ path: String) -> KilnError {
        let reason = String(cString: strerror(errno))
        return KilnError(.io, "\(what) '\(path)': \(reason) — check the path and its permissions")
    }
}
