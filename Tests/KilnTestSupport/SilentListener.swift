import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A TCP listener on loopback that accepts connections and never answers: a store that hangs.
/// Trickling, it answers a 200 with a 1,000-byte body at one byte every 0.3 s: a store that is
/// alive but too slow, which only a total timeout stops.
public final class SilentListener: @unchecked Sendable {
    /// Its port on 127.0.0.1.
    public let port: UInt16
    private let fd: Int32
    private let count = Counter()

    private final class Counter: Sendable {
        let value = Mutex(0)
    }

    /// How many connections it has accepted.
    public var accepted: Int { count.value.withLock { $0 } }

    /// Starts listening on a free port.
    /// - Parameter trickle: answer, one byte at a time, instead of staying silent.
    public init(trickle: Bool = false) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        port = try Self.bind(fd)
        guard listen(fd, 64) == 0 else { throw POSIXError(.EADDRINUSE) }
        let fd = self.fd, count = self.count
        Thread.detachNewThread {
            var held: [Int32] = []  // kept open, never answered
            while true {
                let connection = accept(fd, nil, nil)
                if connection < 0 { break }
                count.value.withLock { $0 += 1 }
                guard trickle else {
                    held.append(connection)
                    continue
                }
                Thread.detachNewThread { Self.trickle(connection) }
            }
            held.forEach { close($0) }
        }
    }

    private static func trickle(_ connection: Int32) {
        defer { close(connection) }
        let head = Array("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n".utf8)
        guard head.withUnsafeBytes({ send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == head.count else { return }
        for _ in 0..<1000 {
            usleep(300_000)
            var byte: UInt8 = 0x41
            guard send(connection, &byte, 1, Int32(MSG_NOSIGNAL)) == 1 else { return }
        }
    }

    deinit {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }

    /// A port on 127.0.0.1 that nothing listens on (bound, then closed at once).
    public static func closedPort() throws -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        return try bind(fd)
    }

    private static func bind(_ fd: Int32) throws -> UInt16 {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        return UInt16(bigEndian: address.sin_port)
    }
}
