// The CUDA driver's C types, as cuda.h declares them.
/// `CUresult`: a C enum, passed as a 32-bit integer.
package typealias CUresult = Int32
/// `CUdevice`: a device ordinal's handle.
package typealias CUdevice = Int32
/// `CUdeviceptr`: a device address.
package typealias CUdeviceptr = UInt64
/// `CUcontext`, `CUmodule`, `CUfunction`, `CUstream`, `CUlinkState`: opaque handles.
package typealias CUhandle = OpaquePointer
