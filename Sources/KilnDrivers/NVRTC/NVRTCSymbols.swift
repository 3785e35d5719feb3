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

    package let nvrtcGetErrorString: GetErrorString
    package let nvrtcVersion: Version
    package let nvrtcGetNumSupportedArchs: GetNumSupportedArchs
    package let nvrtcGetSupportedArchs: GetSupportedArchs
    package let nvrtcCreateProgram: CreateProgram
    package let nvrtcDestroyProgram: DestroyProgram
    package let nvrtcCompileProgram: CompileProgram
    package let nvrtcGetPTXSize: GetSize
    package let nvrtcGetPTX: GetBytes
    package let nvrtcGetCUBINSize: GetSize
    package let nvrtcGetCUBIN: GetBytes
    package let nvrtcGetProgramLogSize: GetSize
    package let nvrtcGetProgramLog: GetBytes
    package let nvrtcAddNameExpression: AddNameExpression
    package let nvrtcGetLoweredName: GetLoweredName

    /// Resolves every entry point from `library`, throwing on the first one that is missing.
    package init(from library: SharedLibrary) throws(KilnError) {
        nvrtcGetErrorString = try library.required("nvrtcGetErrorString")
        nvrtcVersion = try library.required("nvrtcVersion")
        nvrtcGetNumSupportedArchs = try library.required("nvrtcGetNumSupportedArchs")
        nvrtcGetSupportedArchs = try library.required("nvrtcGetSupportedArchs")
        nvrtcCreateProgram = try library.required("nvrtcCreateProgram")
        nvrtcDestroyProgram = try library.required("nvrtcDestroyProgram")
        nvrtcCompileProgram = try library.required("nvrtcCompileProgram")
        nvrtcGetPTXSize = try library.required("nvrtcGetPTXSize")
        nvrtcGetPTX = try library.required("nvrtcGetPTX")
        nvrtcGetCUBINSize = try library.required("nvrtcGetCUBINSize")
        nvrtcGetCUBIN = try library.required("nvrtcGetCUBIN")
        nvrtcGetProgramLogSize = try library.required("nvrtcGetProgramLogSize")
        nvrtcGetProgramLog = try library.required("nvrtcGetProgramLog")
        nvrtcAddNameExpression = try library.required("nvrtcAddNameExpression")
        nvrtcGetLoweredName = try library.required("nvrtcGetLoweredName")
    }
}
