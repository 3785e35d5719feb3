#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Thin wrappers over one `nvrtcProgram`: each call maps 1:1 to the C API and returns `Result`.
///
/// Not thread-safe per program; distinct programs may be compiled on different threads.
package struct NVRTCProgram: ~Copyable {
    /// The symbol table the program was created with.
    private let symbols: NVRTCSymbols
    /// The live handle; destroyed in `deinit`.
    private let handle: NVRTCProgramHandle

    /// `nvrtcCreateProgram`: `name` is what diagnostics print (`name(line): error: ...`).
    package static func create(_ symbols: NVRTCSymbols, source: String, name: String,
                       headers: [(name: String, source: String)]) -> Result<NVRTCProgram, NVRTCStatus> {
        var handle: NVRTCProgramHandle?
        let raw = withCStrings(headers.map(\.source)) { sources in
            withCStrings(headers.map(\.name)) { names in
                symbols.nvrtcCreateProgram(&handle, source, name, Int32(headers.count),
                                      headers.isEmpty ? nil : sources, headers.isEmpty ? nil : names)
            }
        }
        let status = NVRTCStatus(rawValue: raw)
        guard status == .success, let handle else { return .failure(status) }
        return .success(NVRTCProgram(symbols: symbols, handle: handle))
    }

    private init(symbols: NVRTCSymbols, handle: NVRTCProgramHandle) {
        self.symbols = symbols
        self.handle = handle
    }

    deinit {
        var doomed: NVRTCProgramHandle? = handle
        _ = symbols.nvrtcDestroyProgram(&doomed)
    }

    /// `nvrtcAddNameExpression`: must precede `compile`.
    package func addNameExpression(_ expression: String) -> Result<Void, NVRTCStatus> {
        check(symbols.nvrtcAddNameExpression(handle, expression))
    }

    /// `nvrtcCompileProgram` with NVRTC options such as `-arch=sm_90`.
    package func compile(options: [String]) -> Result<Void, NVRTCStatus> {
        check(withCStrings(options) { symbols.nvrtcCompileProgram(handle, Int32(options.count), $0) })
    }

    /// `nvrtcGetProgramLog`, without the trailing NUL (empty on a clean compile).
    package func log() -> Result<String, NVRTCStatus> {
        bytes(size: symbols.nvrtcGetProgramLogSize, get: symbols.nvrtcGetProgramLog).map { text(from: $0) }
    }

    /// `nvrtcGetCUBIN`; empty when compiled for a virtual `compute_XY` target.
    package func cubin() -> Result<[UInt8], NVRTCStatus> {
        bytes(size: symbols.nvrtcGetCUBINSize, get: symbols.nvrtcGetCUBIN)
    }

    /// `nvrtcGetPTX`, as text without the trailing NUL.
    package func ptx() -> Result<String, NVRTCStatus> {
        bytes(size: symbols.nvrtcGetPTXSize, get: symbols.nvrtcGetPTX).map { text(from: $0) }
    }

    /// `nvrtcGetLoweredName`: the mangled symbol for a registered name expression.
    package func loweredName(for expression: String) -> Result<String, NVRTCStatus> {
        var lowered: UnsafePointer<CChar>?
        let status = NVRTCStatus(rawValue: symbols.nvrtcGetLoweredName(handle, expression, &lowered))
        guard status == .success, let lowered else { return .failure(status) }
        return .success(String(cString: lowered))  // owned by the program; copy before destroy
    }

    /// Calls a size getter then the matching byte getter.
    private func bytes(size: NVRTCSymbols.GetSize, get: NVRTCSymbols.GetBytes) -> Result<[UInt8], NVRTCStatus> {
        var count = 0
        let sizeStatus = NVRTCStatus(rawValue: size(handle, &count))
        guard sizeStatus == .success else { return .failure(sizeStatus) }
        guard count > 0 else { return .success([]) }
        var buffer = [UInt8](repeating: 0, count: count)
        let status = buffer.withUnsafeMutableBufferPointer { raw in
            raw.baseAddress!.withMemoryRebound(to: CChar.self, capacity: count) { get(handle, $0) }
        }
        return status == 0 ? .success(buffer) : .failure(NVRTCStatus(rawValue: status))
    }

    /// Maps a raw status to `Result`.
    private func check(_ raw: Int32) -> Result<Void, NVRTCStatus> { NVRTCStatus.check(raw) }

    /// UTF-8 text up to the first NUL.
    private func text(from bytes: [UInt8]) -> String {
        let end = bytes.firstIndex(of: 0) ?? bytes.endIndex
        return String(decoding: bytes[..<end], as: UTF8.self)
    }
}

/// Calls `body` with a C array of NUL-terminated copies of `strings` (freed afterwards).
package func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    let copies: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    let pointers = copies.map { UnsafePointer($0) }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress ?? UnsafePointer(bitPattern: 1)!) }
}
