#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads input files whole, and only regular ones: a FIFO, device, socket or folder is refused
/// before it is opened for reading, so reading can neither block nor touch a device.
package enum InputFile {
    /// The bytes of a regular file.
    ///
    /// The path is looked at first (`stat`), then opened non-blocking and looked at again
    /// (`fstat`), so a file swapped for a FIFO in between is refused too.
    ///
    /// - Parameter what: What the file is, for messages: "kernel source".
    /// - Throws: `KilnError.io` naming the path, the reason and the fix.
    package static func bytes(_ path: String, what: String) throws(KilnError) -> [UInt8] {
        guard let before = try FileStatus.of(path, followingLinks: true) else {
            throw KilnError.system("cannot read \(what)", path, errno: ENOENT, fix: "check the path")
        }
        try requireRegular(before, path, what: what)
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard fd >= 0 else {
            throw KilnError.system("cannot read \(what)", path, errno: errno, fix: "check the path and its permissions")
        }
        defer { close(fd) }
        let opened = try FileStatus.of(descriptor: fd, path: path)
        try requireRegular(opened, path, what: what)
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count == 0 { return bytes }
            if count < 0 {
                if errno == EINTR { continue }
                throw KilnError.system("cannot read \(what)", path, errno: errno, fix: "check the file")
            }
            bytes += chunk[..<count]
        }
    }

    /// The text of a regular file that holds UTF-8.
    ///
    /// - Throws: `KilnError.io` as ``bytes(_:what:)`` does; `.invalidArgument` for bytes that are
    ///   not UTF-8.
    package static func text(_ path: String, what: String) throws(KilnError) -> String {
        let bytes = try bytes(path, what: what)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw KilnError(.invalidArgument,
                "'\(path)' is not UTF-8 text — a \(what) must be text; if this is the right file, convert it to UTF-8 (iconv -t UTF-8), else give the source file instead")
        }
        return text
    }

    private static func requireRegular(_ status: FileStatus, _ path: String, what: String) throws(KilnError) {
        guard status.kind != .regular else { return }
        throw KilnError(.io, "cannot read \(what) '\(path)': it is \(status.kind), not a regular file — give the path of a \(what) file")
    }
}
