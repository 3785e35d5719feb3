import KilnCore

/// The OpenCL entry points, found once per process: `libOpenCL.so.1` (the ICD loader,
/// Debian's `ocl-icd-libopencl1`) is opened with `dlopen`, never linked, and every entry
/// point is taken from it with `dlsym`; the loader forwards each call to the vendor's driver.
///
/// This file is the only place that opens the OpenCL library.
package struct OpenCLSymbols: @unchecked Sendable {
    /// The ICD loader's soname.
    package static let libraryName = "libOpenCL.so.1"

    package typealias InfoQuery = @convention(c) (CLHandle?, cl_uint, Int, UnsafeMutableRawPointer?, UnsafeMutablePointer<Int>?) -> cl_int
    package typealias Events = UnsafePointer<CLHandle?>?
    package typealias EventOut = UnsafeMutablePointer<CLHandle?>?

    package let clGetPlatformIDs: @convention(c) (cl_uint, UnsafeMutablePointer<CLHandle?>?, UnsafeMutablePointer<cl_uint>?) -> cl_int
    package let clGetPlatformInfo: InfoQuery
    package let clGetDeviceIDs: @convention(c) (CLHandle?, cl_bitfield, cl_uint, UnsafeMutablePointer<CLHandle?>?,
                                        UnsafeMutablePointer<cl_uint>?) -> cl_int
    package let clGetDeviceInfo: InfoQuery
    package let clCreateContext: @convention(c) (UnsafePointer<Int>?, cl_uint, UnsafePointer<CLHandle?>?, OpaquePointer?,
                                         UnsafeMutableRawPointer?, UnsafeMutablePointer<cl_int>?) -> CLHandle?
    package let clReleaseContext: @convention(c) (CLHandle?) -> cl_int
    package let clCreateCommandQueue: @convention(c) (CLHandle?, CLHandle?, cl_bitfield, UnsafeMutablePointer<cl_int>?) -> CLHandle?
    package let clReleaseCommandQueue: @convention(c) (CLHandle?) -> cl_int
    package let clFinish: @convention(c) (CLHandle?) -> cl_int
    package let clCreateBuffer: @convention(c) (CLHandle?, cl_bitfield, Int, UnsafeMutableRawPointer?,
                                        UnsafeMutablePointer<cl_int>?) -> CLHandle?
    package let clCreateSubBuffer: @convention(c) (CLHandle?, cl_bitfield, cl_uint, UnsafeRawPointer?,
                                           UnsafeMutablePointer<cl_int>?) -> CLHandle?
    package let clReleaseMemObject: @convention(c) (CLHandle?) -> cl_int
    package let clEnqueueWriteBuffer: @convention(c) (CLHandle?, CLHandle?, cl_uint, Int, Int, UnsafeRawPointer?, cl_uint,
                                              Events, EventOut) -> cl_int
    package let clEnqueueReadBuffer: @convention(c) (CLHandle?, CLHandle?, cl_uint, Int, Int, UnsafeMutableRawPointer?, cl_uint,
                                             Events, EventOut) -> cl_int
    package let clEnqueueFillBuffer: @convention(c) (CLHandle?, CLHandle?, UnsafeRawPointer?, Int, Int, Int, cl_uint,
                                             Events, EventOut) -> cl_int
    package let clCreateProgramWithSource: @convention(c) (CLHandle?, cl_uint, UnsafePointer<UnsafePointer<CChar>?>?,
                                                   UnsafePointer<Int>?, UnsafeMutablePointer<cl_int>?) -> CLHandle?
    package let clCreateProgramWithBinary: @convention(c) (CLHandle?, cl_uint, UnsafePointer<CLHandle?>?, UnsafePointer<Int>?,
                                                   UnsafePointer<UnsafePointer<UInt8>?>?, UnsafeMutablePointer<cl_int>?,
                                                   UnsafeMutablePointer<cl_int>?) -> CLHandle?
    /// OpenCL 2.1; nil where the loader predates it.
    package let clCreateProgramWithIL: (@convention(c) (CLHandle?, UnsafeRawPointer?, Int, UnsafeMutablePointer<cl_int>?) -> CLHandle?)?
    package let clBuildProgram: @convention(c) (CLHandle?, cl_uint, UnsafePointer<CLHandle?>?, UnsafePointer<CChar>?,
                                        OpaquePointer?, UnsafeMutableRawPointer?) -> cl_int
    package let clGetProgramInfo: InfoQuery
    package let clGetProgramBuildInfo: @convention(c) (CLHandle?, CLHandle?, cl_uint, Int, UnsafeMutableRawPointer?,
                                               UnsafeMutablePointer<Int>?) -> cl_int
    package let clReleaseProgram: @convention(c) (CLHandle?) -> cl_int
    package let clCreateKernel: @convention(c) (CLHandle?, UnsafePointer<CChar>?, UnsafeMutablePointer<cl_int>?) -> CLHandle?
    package let clReleaseKernel: @convention(c) (CLHandle?) -> cl_int
    package let clGetKernelWorkGroupInfo: @convention(c) (CLHandle?, CLHandle?, cl_uint, Int, UnsafeMutableRawPointer?,
                                                  UnsafeMutablePointer<Int>?) -> cl_int
    package let clSetKernelArg: @convention(c) (CLHandle?, cl_uint, Int, UnsafeRawPointer?) -> cl_int
    package let clEnqueueNDRangeKernel: @convention(c) (CLHandle?, CLHandle?, cl_uint, UnsafePointer<Int>?, UnsafePointer<Int>?,
                                                UnsafePointer<Int>?, cl_uint, Events, EventOut) -> cl_int

    /// Opens the ICD loader and resolves every entry point Kiln uses.
    ///
    /// - Parameter library: The library to open; tests name a missing one.
    /// - Throws: `KilnError.driverUnavailable` if the library is missing or lacks an entry point,
    ///   naming the Debian packages to install.
    package static func load(library: String = libraryName) throws(KilnError) -> OpenCLSymbols {
        let opened = try SharedLibrary.open([library],
            install: "install the OpenCL ICD loader with a driver: `apt-get install ocl-icd-libopencl1 pocl-opencl-icd` for CPUs, `intel-opencl-icd` for Intel GPUs")
        func optional<T>(_ name: String, _: T.Type = T.self) -> T? { opened.optional(name) }
        func symbol<T>(_ name: String, _: T.Type = T.self) throws(KilnError) -> T { try opened.required(name) }
        return OpenCLSymbols(
            clGetPlatformIDs: try symbol("clGetPlatformIDs"),
            clGetPlatformInfo: try symbol("clGetPlatformInfo"),
            clGetDeviceIDs: try symbol("clGetDeviceIDs"),
            clGetDeviceInfo: try symbol("clGetDeviceInfo"),
            clCreateContext: try symbol("clCreateContext"),
            clReleaseContext: try symbol("clReleaseContext"),
            clCreateCommandQueue: try symbol("clCreateCommandQueue"),
            clReleaseCommandQueue: try symbol("clReleaseCommandQueue"),
            clFinish: try symbol("clFinish"),
            clCreateBuffer: try symbol("clCreateBuffer"),
            clCreateSubBuffer: try symbol("clCreateSubBuffer"),
            clReleaseMemObject: try symbol("clReleaseMemObject"),
            clEnqueueWriteBuffer: try symbol("clEnqueueWriteBuffer"),
            clEnqueueReadBuffer: try symbol("clEnqueueReadBuffer"),
            clEnqueueFillBuffer: try symbol("clEnqueueFillBuffer"),
            clCreateProgramWithSource: try symbol("clCreateProgramWithSource"),
            clCreateProgramWithBinary: try symbol("clCreateProgramWithBinary"),
            clCreateProgramWithIL: optional("clCreateProgramWithIL"),
            clBuildProgram: try symbol("clBuildProgram"),
            clGetProgramInfo: try symbol("clGetProgramInfo"),
            clGetProgramBuildInfo: try symbol("clGetProgramBuildInfo"),
            clReleaseProgram: try symbol("clReleaseProgram"),
            clCreateKernel: try symbol("clCreateKernel"),
            clReleaseKernel: try symbol("clReleaseKernel"),
            clGetKernelWorkGroupInfo: try symbol("clGetKernelWorkGroupInfo"),
            clSetKernelArg: try symbol("clSetKernelArg"),
            clEnqueueNDRangeKernel: try symbol("clEnqueueNDRangeKernel"))
    }
}
