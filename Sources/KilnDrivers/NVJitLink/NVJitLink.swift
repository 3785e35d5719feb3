#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import KilnCore

/// NVIDIA's nvJitLink (pip `nvidia-nvjitlink==13.0.88`), loaded with dlopen: links PTX into a
/// cubin for any `sm_XY` it knows, with no GPU. Kiln uses it to turn the PTX that clang makes
/// from OpenCL C into cubins, including for architectures newer than clang knows.
///
/// The library exports its entry points under versioned names (`__nvJitLinkCreate_13_0`),
/// which nvJitLink.h maps the plain names to; those are the ones resolved here.
package final class NVJitLink: Sendable {
    /// The file that was opened.
    package let path: String
    /// `nvJitLinkVersion` as (major, minor).
    package let version: (major: Int, minor: Int)
    private let symbols: Symbols

    /// The process-wide library, found by `KILN_NVJITLINK`, `.toolchains/nvjitlink`, CUDA_HOME or pip.
    package static func shared() throws(KilnError) -> NVJitLink { try sharedResult.get() }

    private static let sharedResult: Result<NVJitLink, KilnError> = Result { () throws(KilnError) -> NVJitLink in
        try NVJitLink(path: NVRTCLocator.nvJitLink().locate())
    }

    /// Opens libnvJitLink at `path` and resolves its entry points.
    package init(path: String) throws(KilnError) {
        symbols = try Symbols(from: SharedLibrary.open([path], code: .toolchainUnavailable,
                                                       install: "Kiln needs nvJitLink 13: \(NVRTCLocator.nvJitLinkInstall)"))
        var major: UInt32 = 0, minor: UInt32 = 0
        if case .failure(let status) = NVJitLinkResult.check(symbols.nvJitLinkVersion(&major, &minor)) {
            throw KilnError(.toolchainUnavailable, "nvJitLinkVersion failed in \(path) (\(status)) — reinstall nvidia-nvjitlink==13.0.88",
                            cause: status)
        }
        self.path = path
        self.version = (Int(major), Int(minor))
    }

    /// Links one PTX text into a cubin for an architecture.
    ///
    /// - Parameters:
    ///   - ptx: The PTX, as text.
    ///   - name: The name logs use for the input (the module's path).
    ///   - architecture: `sm_90`, `sm_90a`, `sm_120`.
    /// - Returns: The cubin's bytes.
    /// - Throws: `KilnError.compilationFailed` with nvJitLink's error log; the status is the cause.
    package func cubin(ptx: [UInt8], name: String, architecture: String) throws(KilnError) -> [UInt8] {
        let options = ["-arch=\(architecture)", "-O3"]
        var handle: OpaquePointer?
        let created = withCStrings(options) { symbols.nvJitLinkCreate(&handle, UInt32(options.count), $0) }
        guard let handle, case .success = NVJitLinkResult.check(created) else {
            throw NVJitLinkResult(rawValue: created).error("nvJitLink could not start a link for \(architecture)",
                fix: "is \(architecture) an architecture nvJitLink \(version.major).\(version.minor) knows?")
        }
        var owned: OpaquePointer? = handle
        defer { _ = symbols.nvJitLinkDestroy(&owned) }
        let what = "\(name) for \(architecture)"
        var data = ptx
        data.append(0)
        let added = data.withUnsafeBytes { bytes in
            symbols.nvJitLinkAddData(handle, Self.inputPTX, bytes.baseAddress, bytes.count, name)
        }
        if case .failure(let status) = NVJitLinkResult.check(added).flatMap({ NVJitLinkResult.check(symbols.nvJitLinkComplete(handle)) }) {
            throw status.error("\(what): nvJitLink \(version.major).\(version.minor) refused the PTX clang made",
                               fix: "this is a Kiln or clang bug; report it with the kernel. nvJitLink's log:\n\(errorLog(handle))")
        }
        var size = 0
        if case .failure(let status) = NVJitLinkResult.check(symbols.nvJitLinkGetLinkedCubinSize(handle, &size)) {
            throw status.error("\(what): nvJitLink could not say the cubin's size")
        }
        guard size > 0 else { throw KilnError(.compilationFailed, "\(what): nvJitLink made no cubin") }
        var cubin = [UInt8](repeating: 0, count: size)
        if case .failure(let status) = NVJitLinkResult.check(cubin.withUnsafeMutableBytes({ symbols.nvJitLinkGetLinkedCubin(handle, $0.baseAddress) })) {
            throw status.error("\(what): nvJitLink could not return the cubin")
        }
        return cubin
    }

    private func errorLog(_ handle: OpaquePointer) -> String {
        var size = 0
        guard symbols.nvJitLinkGetErrorLogSize(handle, &size) == 0, size > 1 else { return "(no log)" }
        var log = [CChar](repeating: 0, count: size)
        guard symbols.nvJitLinkGetErrorLog(handle, &log) == 0 else { return "(no log)" }
        return String(decoding: log.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `NVJITLINK_INPUT_PTX` in nvJitLink.h.
    private static let inputPTX: Int32 = 2

    /// The entry points, with the C signatures of nvJitLink.h (CUDA 13.0).
    private struct Symbols: @unchecked Sendable {
        package typealias Create = @convention(c) (UnsafeMutablePointer<OpaquePointer?>?, UInt32, UnsafePointer<UnsafePointer<CChar>?>?) -> Int32
        package typealias Destroy = @convention(c) (UnsafeMutablePointer<OpaquePointer?>?) -> Int32
        package typealias AddData = @convention(c) (OpaquePointer?, Int32, UnsafeRawPointer?, Int, UnsafePointer<CChar>?) -> Int32
        package typealias Complete = @convention(c) (OpaquePointer?) -> Int32
        package typealias GetSize = @convention(c) (OpaquePointer?, UnsafeMutablePointer<Int>?) -> Int32
        package typealias GetBytes = @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?) -> Int32
        package typealias GetLog = @convention(c) (OpaquePointer?, UnsafeMutablePointer<CChar>?) -> Int32
        package typealias Version = @convention(c) (UnsafeMutablePointer<UInt32>?, UnsafeMutablePointer<UInt32>?) -> Int32

        package let nvJitLinkCreate: Create
        package let nvJitLinkDestroy: Destroy
        package let nvJitLinkAddData: AddData
        package let nvJitLinkComplete: Complete
        package let nvJitLinkGetLinkedCubinSize: GetSize
        package let nvJitLinkGetLinkedCubin: GetBytes
        package let nvJitLinkGetErrorLogSize: GetSize
        package let nvJitLinkGetErrorLog: GetLog
        package let nvJitLinkVersion: Version

        /// Resolves each entry point by the name nvJitLink.h maps its C name to: `nvJitLinkCreate`
        /// is exported as `__nvJitLinkCreate_13_0`; `nvJitLinkVersion` keeps its plain name.
        package init(from library: SharedLibrary) throws(KilnError) {
            func exported<T>(_ name: String) throws(KilnError) -> T { try library.required("__\(name)_13_0") }
            nvJitLinkCreate = try exported("nvJitLinkCreate")
            nvJitLinkDestroy = try exported("nvJitLinkDestroy")
            nvJitLinkAddData = try exported("nvJitLinkAddData")
            nvJitLinkComplete = try exported("nvJitLinkComplete")
            nvJitLinkGetLinkedCubinSize = try exported("nvJitLinkGetLinkedCubinSize")
            nvJitLinkGetLinkedCubin = try exported("nvJitLinkGetLinkedCubin")
            nvJitLinkGetErrorLogSize = try exported("nvJitLinkGetErrorLogSize")
            nvJitLinkGetErrorLog = try exported("nvJitLinkGetErrorLog")
            nvJitLinkVersion = try library.required("nvJitLinkVersion")
        }
    }
}
