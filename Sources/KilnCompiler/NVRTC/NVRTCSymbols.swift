#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// An `nvrtcProgram` handle (`struct _nvrtcProgram *` in nvrtc.h).
typealias NVRTCProgramHandle = OpaquePointer

/// A shared library opened with `dlopen`; it stays loaded for the life of the process.
struct DynamicLibrary: @unchecked Sendable {
    /// The absolute path that was opened.
    let path: String
    /// The handle returned by `dlopen`.
    let handle: UnsafeMutableRawPointer

    /// Opens `path` with `RTLD_NOW`, adding `RTLD_GLOBAL` when `global` is true.
    static func open(_ path: String, global: Bool = false) throws(NVRTCError) -> DynamicLibrary {
        let flags = RTLD_NOW | (global ? RTLD_GLOBAL : RTLD_LOCAL)
        guard let handle = dlopen(path, flags) else {
            throw .loadFailed(path: path, reason: lastDLError())
        }
        return DynamicLibrary(path: path, handle: handle)
    }

    /// Looks up `name` and casts it to the C function type `T`; throws naming the symbol when absent.
    func loadRequired<T>(_ name: String, as type: T.Type = T.self) throws(NVRTCError) -> T {
        _ = dlerror()  // clear any stale error
        guard let symbol = dlsym(handle, name) else {
            throw .missingSymbol(name: name, library: path)
        }
        return unsafeBitCast(symbol, to: T.self)
    }

    /// Returns and clears the last `dlerror()` message.
    static func lastDLError() -> String {
        guard let message = dlerror() else { return "unknown dlopen error" }
        return String(cString: message)
    }
}

/// The NVRTC entry points Kiln uses, resolved once with `dlsym` (signatures mirror nvrtc.h, CUDA 13.0).
struct NVRTCSymbols: @unchecked Sendable {
    typealias GetErrorString = @convention(c) (Int32) -> UnsafePointer<CChar>?
    typealias Version = @convention(c) (UnsafeMutablePointer<Int32>?, UnsafeMutablePointer<Int32>?) -> Int32
    typealias GetNumSupportedArchs = @convention(c) (UnsafeMutablePointer<Int32>?) -> Int32
    typealias GetSupportedArchs = @convention(c) (UnsafeMutablePointer<Int32>?) -> Int32
    typealias CreateProgram = @convention(c) (
        UnsafeMutablePointer<NVRTCProgramHandle?>?, UnsafePointer<CChar>?, UnsafePointer<CChar>?,
        Int32, UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<UnsafePointer<CChar>?>?
    ) -> Int32
    typealias DestroyProgram = @convention(c) (UnsafeMutablePointer<NVRTCProgramHandle?>?) -> Int32
    typealias CompileProgram = @convention(c) (NVRTCProgramHandle?, Int32, UnsafePointer<UnsafePointer<CChar>?>?) -> Int32
    typealias GetSize = @convention(c) (NVRTCProgramHandle?, UnsafeMutablePointer<Int>?) -> Int32
    typealias GetBytes = @convention(c) (NVRTCProgramHandle?, UnsafeMutablePointer<CChar>?) -> Int32
    typealias AddNameExpression = @convention(c) (NVRTCProgramHandle?, UnsafePointer<CChar>?) -> Int32
    typealias GetLoweredName = @convention(c) (
        NVRTCProgramHandle?, UnsafePointer<CChar>?, UnsafeMutablePointer<UnsafePointer<CChar>?>?
    ) -> Int32

    /// `nvrtcGetErrorString`
    let getErrorString: GetErrorString
    /// `nvrtcVersion`
    let version: Version
    /// `nvrtcGetNumSupportedArchs`
    let getNumSupportedArchs: GetNumSupportedArchs
    /// `nvrtcGetSupportedArchs`
    let getSupportedArchs: GetSupportedArchs
    /// `nvrtcCreateProgram`
    let createProgram: CreateProgram
    /// `nvrtcDestroyProgram`
    let destroyProgram: DestroyProgram
    /// `nvrtcCompileProgram`
    let compileProgram: CompileProgram
    /// `nvrtcGetPTXSize`
    let getPTXSize: GetSize
    /// `nvrtcGetPTX`
    let getPTX: GetBytes
    /// `nvrtcGetCUBINSize`
    let getCUBINSize: GetSize
    /// `nvrtcGetCUBIN`
    let getCUBIN: GetBytes
    /// `nvrtcGetProgramLogSize`
    let getProgramLogSize: GetSize
    /// `nvrtcGetProgramLog`
    let getProgramLog: GetBytes
    /// `nvrtcAddNameExpression`
    let addNameExpression: AddNameExpression
    /// `nvrtcGetLoweredName`
    let getLoweredName: GetLoweredName

    /// Resolves every entry point from `library`, throwing on the first one that is missing.
    init(from library: DynamicLibrary) throws(NVRTCError) {
        getErrorString = try library.loadRequired("nvrtcGetErrorString")
        version = try library.loadRequired("nvrtcVersion")
        getNumSupportedArchs = try library.loadRequired("nvrtcGetNumSupportedArchs")
        getSupportedArchs = try library.loadRequired("nvrtcGetSupportedArchs")
        createProgram = try library.loadRequired("nvrtcCreateProgram")
        destroyProgram = try library.loadRequired("nvrtcDestroyProgram")
        compileProgram = try library.loadRequired("nvrtcCompileProgram")
        getPTXSize = try library.loadRequired("nvrtcGetPTXSize")
        getPTX = try library.loadRequired("nvrtcGetPTX")
        getCUBINSize = try library.loadRequired("nvrtcGetCUBINSize")
        getCUBIN = try library.loadRequired("nvrtcGetCUBIN")
        getProgramLogSize = try library.loadRequired("nvrtcGetProgramLogSize")
        getProgramLog = try library.loadRequired("nvrtcGetProgramLog")
        addNameExpression = try library.loadRequired("nvrtcAddNameExpression")
        getLoweredName = try library.loadRequired("nvrtcGetLoweredName")
    }
}
