#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import KilnCore

/// An `nvrtcProgram` handle (`struct _nvrtcProgram *` in nvrtc.h).
package typealias NVRTCProgramHandle = OpaquePointer

/// The NVRTC entry points Kiln uses, resolved once with `dlsym` (signatures mirror nvrtc.h, CUDA 13.0).
package struct NVRTCSymbols: @unchecked Sendable {
    package typealias GetErrorString = @convention(c) (Int32) -> UnsafePointer<CChar>?
    package typealias Version = @convention(c) (UnsafeMutablePointer<Int32>?, UnsafeMutablePointer<Int32>?) -> Int32
    package typealias GetNumSupportedArchs = @convention(c) (UnsafeMutablePointer<Int32>?) -> Int32
    package typealias GetSupportedArchs = @convention(c) (UnsafeMutablePointer<Int32>?) -> Int32
    package typealias CreateProgram = @convention(c) (
        UnsafeMutablePointer<NVRTCProgramHandle?>?, UnsafePointer<CChar>?, UnsafePointer<CChar>?,
        Int32, UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<UnsafePointer<CChar>?>?
    ) -> Int32
    package typealias DestroyProgram = @convention(c) (UnsafeMutablePointer<NVRTCProgramHandle?>?) -> Int32
    package typealias CompileProgram = @convention(c) (NVRTCProgramHandle?, Int32, UnsafePointer<UnsafePointer<CChar>?>?) -> Int32
    package typealias GetSize = @convention(c) (NVRTCProgramHandle?, UnsafeMutablePointer<Int>?) -> Int32
    package typealias GetBytes = @convention(c) (NVRTCProgramHandle?, UnsafeMutablePointer<CChar>?) -> Int32
    package typealias AddNameExpression = @convention(c) (NVRTCProgramHandle?, UnsafePointer<CChar>?) -> Int32
    package typealias GetLoweredName = @convention(c) (
        NVRTCProgramHandle?, UnsafePointer<CChar>?, UnsafeMutablePointer<UnsafePointer<CChar>?>?
    ) -> Int32

    /// `nvrtcGetErrorString`
    package let getErrorString: GetErrorString
    /// `nvrtcVersion`
    package let version: Version
    /// `nvrtcGetNumSupportedArchs`
    package let getNumSupportedArchs: GetNumSupportedArchs
    /// `nvrtcGetSupportedArchs`
    package let getSupportedArchs: GetSupportedArchs
    /// `nvrtcCreateProgram`
    package let createProgram: CreateProgram
    /// `nvrtcDestroyProgram`
    package let destroyProgram: DestroyProgram
    /// `nvrtcCompileProgram`
    package let compileProgram: CompileProgram
    /// `nvrtcGetPTXSize`
    package let getPTXSize: GetSize
    /// `nvrtcGetPTX`
    package let getPTX: GetBytes
    /// `nvrtcGetCUBINSize`
    package let getCUBINSize: GetSize
    /// `nvrtcGetCUBIN`
    package let getCUBIN: GetBytes
    /// `nvrtcGetProgramLogSize`
    package let getProgramLogSize: GetSize
    /// `nvrtcGetProgramLog`
    package let getProgramLog: GetBytes
    /// `nvrtcAddNameExpression`
    package let addNameExpression: AddNameExpression
    /// `nvrtcGetLoweredName`
    package let getLoweredName: GetLoweredName

    /// Resolves every entry point from `library`, throwing on the first one that is missing.
    package init(from library: SharedLibrary) throws(KilnError) {
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
