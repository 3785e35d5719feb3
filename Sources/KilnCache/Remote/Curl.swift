import CCurl
import KilnCore
import Synchronization

/// libcurl's easy interface, which the remote cache sends its requests through. The library is
/// opened with `dlopen` the first time a request is sent, never linked: a program that uses no
/// remote cache never loads it (and its thirty-odd dependencies), and one on a machine without it
/// still runs, compiling locally.
///
/// Each request takes an easy handle from a pool and gives it back reset, so connections to the
/// store are kept between requests. Redirects are never followed (libcurl's default), so a token
/// goes nowhere but the store.
package final class Curl: @unchecked Sendable {
    /// What a request came to.
    package enum Outcome {
        /// The store answered: the HTTP status and the body (empty for a HEAD).
        case answered(Int, [UInt8])
        /// No whole answer: why, in words for a warning.
        case failed(String)
    }

    /// The sonames tried, in order: Debian's OpenSSL build, its GnuTLS build, then a plain name.
    package static let candidates = ["libcurl.so.4", "libcurl-gnutls.so.4", "libcurl.so"]

    /// The process's libcurl, opened on first use; the error says how to install it.
    package static let shared: Result<Curl, KilnError> = {
        do throws(KilnError) { return .success(try Curl(candidates: candidates)) } catch { return .failure(error) }
    }()

    private typealias Handle = UnsafeMutableRawPointer

    private let easyInit: @convention(c) () -> Handle?
    private let easyReset: @convention(c) (Handle?) -> Void
    private let easyPerform: @convention(c) (Handle?) -> Int32
    private let slistAppend: @convention(c) (OpaquePointer?, UnsafePointer<CChar>?) -> OpaquePointer?
    private let slistFreeAll: @convention(c) (OpaquePointer?) -> Void
    private let setopt: UnsafeMutableRawPointer
    private let getinfo: UnsafeMutableRawPointer
    /// Easy handles not in use, kept with their connections for the life of the process.
    private let idle = Mutex<[IdleHandle]>([])

    /// An easy handle in the pool: used by one request at a time, so it may cross threads.
    private struct IdleHandle: @unchecked Sendable { let handle: Handle }

    /// Opens libcurl and initialises it (`curl_global_init`, once per process).
    ///
    /// - Parameter candidates: The sonames to try; tests name missing ones.
    /// - Throws: `KilnError.driverUnavailable` when no candidate opens or one lacks an entry point.
    package init(candidates: [String]) throws(KilnError) {
        let library = try SharedLibrary.open(candidates,
            install: "the remote cache needs libcurl: install it (`apt-get install libcurl4`), or unset KILN_REMOTE_CACHE")
        let globalInit: @convention(c) (Int) -> Int32 = try library.required("curl_global_init")
        easyInit = try library.required("curl_easy_init")
        easyReset = try library.required("curl_easy_reset")
        easyPerform = try library.required("curl_easy_perform")
        slistAppend = try library.required("curl_slist_append")
        slistFreeAll = try library.required("curl_slist_free_all")
        setopt = try library.required("curl_easy_setopt")
        getinfo = try library.required("curl_easy_getinfo")
        let status = globalInit(Self.globalAll)
        guard status == 0 else {
            throw KilnError(.driverUnavailable, "\(library.name) did not initialise (curl_global_init gave \(status))")
        }
    }

    /// Sends one request and waits for its whole answer.
    ///
    /// - Parameters:
    ///   - method: `GET`, `HEAD`, `PUT`, `MKCOL`, `DELETE`.
    ///   - url: The whole URL.
    ///   - headers: Header lines (`Name: value`).
    ///   - body: The request's body, for a PUT.
    ///   - idleTimeout: Seconds to connect, and seconds without a byte that give up a transfer.
    ///   - totalTimeout: Seconds the whole request may take.
    ///   - maximumBody: The longest answer accepted; a longer one is cut off and fails.
    ///   - certificateAuthorities: A PEM file of the authorities to trust instead of the system's.
    package func send(_ method: String, _ url: String, headers: [String], body: [UInt8]?, idleTimeout: Int, totalTimeout: Int,
              maximumBody: Int, certificateAuthorities: String? = nil) -> Outcome {
        guard let handle = idle.withLock({ $0.popLast()?.handle }) ?? easyInit() else { return .failed("libcurl could not make a request") }
        defer {
            easyReset(handle)
            idle.withLock { $0.append(IdleHandle(handle: handle)) }
        }
        let sink = Sink(maximum: maximumBody)
        let context = Unmanaged.passRetained(sink)
        defer { context.release() }
        var list: OpaquePointer?
        for line in headers + ["Expect:"] { list = slistAppend(list, line) }  // "Expect:" : no 100-continue round trip
        defer { slistFreeAll(list) }
        let started = ContinuousClock.now
        let code: Int32 = url.withCString { urlText in
            method.withCString { methodText in
                set(handle, Option.url, urlText)
                set(handle, Option.customRequest, methodText)
                if method == "HEAD" { set(handle, Option.noBody, 1) }
                set(handle, Option.noSignal, 1)
                set(handle, Option.connectTimeoutMS, idleTimeout * 1000)
                set(handle, Option.lowSpeedLimit, 1)
                set(handle, Option.lowSpeedTime, idleTimeout)
                set(handle, Option.timeoutMS, totalTimeout * 1000)
                set(handle, Option.maxFileSize, Int64(maximumBody))
                set(handle, Option.protocols, Self.httpOrHTTPS)
                set(handle, Option.httpHeader, UnsafeRawPointer(list))
                set(handle, Option.writeFunction, unsafeBitCast(Self.write, to: UnsafeRawPointer.self))
                set(handle, Option.writeData, UnsafeRawPointer(context.toOpaque()))
                // libcurl copies a string option, so the pointer need live only for this call.
                if let certificateAuthorities { certificateAuthorities.withCString { set(handle, Option.caInfo, $0) } }
                guard let body else { return easyPerform(handle) }
                let bytes = body.isEmpty ? [0] : body  // libcurl needs a pointer even for no bytes
                return bytes.withUnsafeBytes { bytes in
                    set(handle, Option.postFieldSize, Int64(body.count))
                    set(handle, Option.postFields, bytes.baseAddress)
                    return easyPerform(handle)
                }
            }
        }
        guard code == 0 else {
            let timedOut = ContinuousClock.now - started >= .seconds(totalTimeout)
            return .failed(Self.describe(code, overLimit: sink.overLimit ? maximumBody : nil, totalTimeout: timedOut ? totalTimeout : nil))
        }
        var status = 0
        _ = kiln_curl_getinfo_long(getinfo, handle, Self.responseCode, &status)
        return .answered(status, sink.body)
    }

    /// Why a transfer failed, for the one warning the store gives.
    private static func describe(_ code: Int32, overLimit maximum: Int?, totalTimeout: Int?) -> String {
        switch code {
        case 6: return "its host name does not resolve"
        case 7: return "nothing listens there (connection refused)"
        // 63: libcurl's own size limit; 23: the sink stopped writing, which it does only over `maximum`.
        case 63,
             23 where maximum != nil: return "an answer over \(maximum.map(String.init) ?? "the size limit in") bytes"
        case 28:
            if let totalTimeout { return "no whole answer within \(totalTimeout) s (KILN_REMOTE_CACHE_TIMEOUT)" }
            return "no answer within the timeout (KILN_REMOTE_CACHE_CONNECT_TIMEOUT, KILN_REMOTE_CACHE_TIMEOUT)"
        case 35, 51, 53, 54, 58, 59, 60, 66, 77, 80, 82, 83, 90, 91:
            return "its TLS connection failed (libcurl error \(code)): check the https:// URL, and for a store with a private authority set KILN_REMOTE_CACHE_CA to its PEM file"
        default: return "libcurl error \(code) (see `man libcurl-errors`)"
        }
    }

    /// Collects an answer's body, up to a bound.
    private final class Sink {
        package let maximum: Int
        package var body: [UInt8] = []
        package var overLimit = false
        package init(maximum: Int) { self.maximum = maximum }
    }

    /// `CURLOPT_WRITEFUNCTION`: appends to the `Sink`, or stops the transfer (returns 0) past its bound.
    private static let write: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
        data, size, count, context in
        guard let context else { return 0 }
        let sink = Unmanaged<Sink>.fromOpaque(context).takeUnretainedValue()
        let length = size * count
        guard sink.body.count + length <= sink.maximum else {
            sink.overLimit = true
            return 0
        }
        sink.body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: length))
        return length
    }

    private func set(_ handle: Handle, _ option: Int32, _ value: Int) {
        _ = kiln_curl_setopt_long(setopt, handle, option, value)
    }

    private func set(_ handle: Handle, _ option: Int32, _ value: Int64) {
        _ = kiln_curl_setopt_offset(setopt, handle, option, value)
    }

    private func set(_ handle: Handle, _ option: Int32, _ value: UnsafeRawPointer?) {
        _ = kiln_curl_setopt_pointer(setopt, handle, option, value)
    }

    private func set(_ handle: Handle, _ option: Int32, _ value: UnsafePointer<CChar>) {
        set(handle, option, UnsafeRawPointer(value))
    }

    /// `CURL_GLOBAL_ALL`.
    private static let globalAll = 3
    /// `CURLPROTO_HTTP | CURLPROTO_HTTPS`.
    private static let httpOrHTTPS = 1 | 2
    /// `CURLINFO_RESPONSE_CODE` (`CURLINFO_LONG + 2`).
    private static let responseCode: Int32 = 0x20_0000 + 2

    /// The `CURLoption` numbers used, as curl.h defines them (type base + number).
    private enum Option {
        package static let writeData: Int32 = 10_001
        package static let caInfo: Int32 = 10_065
        package static let url: Int32 = 10_002
        package static let postFields: Int32 = 10_015
        package static let httpHeader: Int32 = 10_023
        package static let customRequest: Int32 = 10_036
        package static let writeFunction: Int32 = 20_011
        package static let lowSpeedLimit: Int32 = 19
        package static let lowSpeedTime: Int32 = 20
        package static let noBody: Int32 = 44
        package static let noSignal: Int32 = 99
        package static let timeoutMS: Int32 = 155
        package static let connectTimeoutMS: Int32 = 156
        package static let protocols: Int32 = 181
        package static let maxFileSize: Int32 = 30_117
        package static let postFieldSize: Int32 = 30_120
    }
}
