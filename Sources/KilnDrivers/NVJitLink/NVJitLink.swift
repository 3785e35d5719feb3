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
        guard symbols.version(&major, &minor) == 0 else {
            throw KilnError(.toolchainUnavailable, "nvJitLinkVersion failed in \(path) — reinstall nvidia-nvjitlink==13.0.88")
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
    /// - Throws: `KilnError.compilationFailed` with nvJitLink's error log.
    package func cubin(ptx: [UInt8], name: String, architecture: String) throws(KilnError) -> [UInt8] {
        let options = ["-arch=\(architecture)", "-O3"]
        var handle: OpaquePointer?
        let created = withCStrings(options) { symbols.create(&handle, UInt32(options.count), $0) }
        guard created == 0, let handle else {
            throw KilnError(.compilationFailed, "nvJitLink could not start a link for \(architecture) (status \(created)) — is \(architecture) an architecture nvJitLink \(version.major).\(version.minor) knows?")
        }
        var owned: OpaquePointer? = handle
        defer { _ = symbols.destroy(&owned) }
        var data = ptx
        data.append(0)
        let added = data.withUnsafeBytes { bytes in
            symbols.addData(handle, Self.inputPTX, bytes.baseAddress, bytes.count, name)
        }
        guard added == 0, symbols.complete(handle) == 0 else {
            throw KilnError(.compilationFailed,
                "\(name) for \(architecture): nvJitLink \(version.major).\(version.minor) refused the PTX clang made:\n\(errorLog(handle)) — this is a Kiln or clang bug; report it with the kernel")
        }
        var size = 0
        guard symbols.cubinSize(handle, &size) == 0, size > 0 else {
            throw KilnError(.compilationFailed, "\(name) for \(architecture): nvJitLink made no cubin")
        }
        var cubin = [UInt8](repeating: 0, count: size)
        guard cubin.withUnsafeMutableBytes({ symbols.cubin(handle, $0.baseAddress) }) == 0 else {
            throw KilnError(.compilationFailed, "\(name) for \(architecture): nvJitLink could not return the cubin")
        }
        return cubin
    }

    private func errorLog(_ handle: OpaquePointer) -> String {
        var size = 0
        guard symbols.errorLogSize(handle, &size) == 0, size > 1 else { return "(no log)" }
        var log = [CChar](repeating: 0, count: size)
        guard symbols.errorLog(handle, &log) == 0 else { return "(no log)" }
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

        /// `nvJitLinkCreate`
        package let create: Create
        /// `nvJitLinkDestroy`
        package let destroy: Destroy
        /// `nvJitLinkAddData`
        package let addData: AddData
        /// `nvJitLinkComplete`
        package let complete: Complete
        /// `nvJitLinkGetLinkedCubinSize`
        package let cubinSize: GetSize
        /// `nvJitLinkGetLinkedCubin`
        package let cubin: GetBytes
        /// `nvJitLinkGetErrorLogSize`
        package let errorLogSize: GetSize
        /// `nvJitLinkGetErrorLog`
        package let errorLog: GetLog
        /// `nvJitLinkVersion`
        package let version: Version

        package init(from library: SharedLibrary) throws(KilnError) {
            create = try library.required("__nvJitLinkCreate_13_0")
            destroy = try library.required("__nvJitLinkDestroy_13_0")
            addData = try library.required("__nvJitLinkAddData_13_0")
            complete = try library.required("__nvJitLinkComplete_13_0")
            cubinSize = try library.required("__nvJitLinkGetLinkedCubinSize_13_0")
            cubin = try library.required("__nvJitLinkGetLinkedCubin_13_0")
            errorLogSize = try library.required("__nvJitLinkGetErrorLogSize_13_0")
            errorLog = try library.required("__nvJitLinkGetErrorLog_13_0")
            version = try library.required("nvJitLinkVersion")
        }
    }
}
