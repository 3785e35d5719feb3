#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import KilnCore

/// An `nvrtcProgram` handle (`struct _nvrtcProgram *` in nvrtc.h).
typealias NVRTCProgramHandle = OpaquePointer

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
    init(from library: SharedLibrary) throws(KilnError) {
        getErrorString = try library.required("nvrtcGetErrorString")
        version = try library.required("nvrtcVersion")
        getNumSupportedArchs = try library.required("nvrtcGetNumSupportedArchs")
        getSupportedArchs = try library.required("nvrtcGetSupportedArchs")
        createProgram = try library.required("nvrtcCreateProgram")
        destroyProgram = try library.required("nvrtcDestroyProgram")
        compileProgram = try library.required("nvrtcCompileProgram")
        getPTXSize = try library.required("nvrtcGetPTXSize")
        getPTX = try library.required("nvrtcGetPTX")
        getCUBINSize = try library.required("nvrtcGetCUBINSize")
        getCUBIN = try library.required("nvrtcGetCUBIN")
        getProgramLogSize = try library.required("nvrtcGetProgramLogSize")
        getProgramLog = try library.required("nvrtcGetProgramLog")
        addNameExpression = try library.required("nvrtcAddNameExpression")
        getLoweredName = try library.required("nvrtcGetLoweredName")
    }
}
