import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The HTTP store of the remote-cache tests: the nginx that `scripts/services/nginx.sh` starts on
/// loopback (WebDAV PUT), which `.ci/run` starts before `swift test` with `KILN_TEST_SERVICES=1`.
///
/// The tests run when it answers; when `KILN_TEST_SERVICES=1` and it does not, they run and
/// fail (``require()``), so CI never passes without it; otherwise they are skipped, saying why.
public enum TestStore {
    private static let environment = ProcessInfo.processInfo.environment
    /// The port `nginx.sh` listens on (`KILN_TEST_REMOTE_PORT`, default 18080).
    public static let port = environment["KILN_TEST_REMOTE_PORT"].flatMap(UInt16.init) ?? 18080
    /// The store's base URL.
    public static let url = "http://127.0.0.1:\(port)"
    /// The same store over https (`KILN_TEST_REMOTE_TLS_PORT`, default 18443).
    public static let httpsURL = "https://127.0.0.1:\(environment["KILN_TEST_REMOTE_TLS_PORT"].flatMap(UInt16.init) ?? 18443)"
    /// The https store's self-signed certificate, which is its own authority.
    public static let certificate = (environment["KILN_TEST_REMOTE_DIR"] ?? "/tmp/kiln-nginx") + "/tls/cert.pem"
    /// The folder nginx serves (`KILN_TEST_REMOTE_DIR`/root, default /tmp/kiln-nginx/root), which
    /// the tests write into directly to damage entries.
    public static let root = (environment["KILN_TEST_REMOTE_DIR"] ?? "/tmp/kiln-nginx") + "/root"
    /// Whether the services must be there (`KILN_TEST_SERVICES=1`, as in CI).
    public static let required = environment["KILN_TEST_SERVICES"] == "1"
    /// Whether the store answers now.
    public static let answers = probe()
    /// Whether the tests that need the store run: it answers, or it must (and they then fail).
    public static let runs = answers || required

    /// Throws unless the store answers: under `KILN_TEST_SERVICES=1` a dead store fails the test.
    public static func require() throws {
        guard answers else {
            throw StoreMissing(description: "KILN_TEST_SERVICES=1 but nothing answers at \(url) — run scripts/services/nginx.sh")
        }
    }

    struct StoreMissing: Error, CustomStringConvertible { var description: String }

    /// A prefix of the store no other test uses: its URL and its folder under ``root``.
    ///
    /// - Parameter claims: false for the same files served where the store takes PUT but not
    ///   MKCOL (nginx's `/noclaims/`), so that processes get no claims and all compile and upload.
    public static func freshPrefix(_ name: String, claims: Bool = true) -> (url: String, folder: String) {
        let prefix = "t-\(name)-\(UUID().uuidString.prefix(8))"
        return ("\(url)/\(claims ? "" : "noclaims/")\(prefix)", "\(root)/\(prefix)")
    }

    /// GETs `/kiln-nginx-ok` over a plain socket, with a 2-second limit.
    private static func probe() -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var limit = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return false }
        let request = Array("GET /kiln-nginx-ok HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".utf8)
        guard request.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, 0) }) == request.count else { return false }
        var buffer = [UInt8](repeating: 0, count: 64)
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        return n > 12 && String(decoding: buffer[0..<n], as: UTF8.self).hasPrefix("HTTP/1.1 200")
            && (try? String(contentsOfFile: root + "/kiln-nginx-ok", encoding: .utf8)) == "kiln-nginx 5\n"  // the version scripts/services/nginx.sh writes
    }
}
