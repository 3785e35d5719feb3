#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import KilnCore

/// The CUDA driver's entry points, found once per process: `libcuda.so.1` is opened with
/// `dlopen` (never linked), `cuGetProcAddress_v2` is the one symbol taken with `dlsym`, and
/// every other entry point is asked of it by base name at ``apiVersion``, which picks the ABI
/// (`cuMemAlloc` gives `cuMemAlloc_v2`).
///
/// This file is the only place that opens the driver library.
package struct CUDASymbols: @unchecked Sendable {
    /// The library's soname, as the NVIDIA driver installs it.
    package static let libraryName = "libcuda.so.1"
    /// The CUDA API version whose entry points are asked for: 12.0.
    package static let apiVersion: Int32 = 12000
    /// `CU_GET_PROC_ADDRESS_DEFAULT`: the default-stream semantics the process was built for (legacy).
    package static let procAddressDefault: UInt64 = 0

    package typealias GetProcAddress = @convention(c) (
        UnsafePointer<CChar>?, UnsafeMutablePointer<UnsafeMutableRawPointer?>?, Int32, UInt64,
        UnsafeMutablePointer<Int32>?) -> CUresult
    package typealias JITOptions = UnsafeMutablePointer<Int32>?
    package typealias JITValues = UnsafeMutablePointer<UnsafeMutableRawPointer?>?

    package let cuInit: @convention(c) (UInt32) -> CUresult
    package let cuDriverGetVersion: @convention(c) (UnsafeMutablePointer<Int32>?) -> CUresult
    package let cuDeviceGetCount: @convention(c) (UnsafeMutablePointer<Int32>?) -> CUresult
    package let cuDeviceGet: @convention(c) (UnsafeMutablePointer<CUdevice>?, Int32) -> CUresult
    package let cuDeviceGetName: @convention(c) (UnsafeMutablePointer<CChar>?, Int32, CUdevice) -> CUresult
    package let cuDeviceGetAttribute: @convention(c) (UnsafeMutablePointer<Int32>?, Int32, CUdevice) -> CUresult
    package let cuDeviceTotalMem: @convention(c) (UnsafeMutablePointer<Int>?, CUdevice) -> CUresult
    package let cuDeviceGetPCIBusId: @convention(c) (UnsafeMutablePointer<CChar>?, Int32, CUdevice) -> CUresult
    package let cuDevicePrimaryCtxRetain: @convention(c) (UnsafeMutablePointer<CUhandle?>?, CUdevice) -> CUresult
    package let cuDevicePrimaryCtxRelease: @convention(c) (CUdevice) -> CUresult
    package let cuCtxSetCurrent: @convention(c) (CUhandle?) -> CUresult
    package let cuCtxSynchronize: @convention(c) () -> CUresult
    package let cuModuleLoadDataEx: @convention(c) (UnsafeMutablePointer<CUhandle?>?, UnsafeRawPointer?, UInt32,
                                            JITOptions, JITValues) -> CUresult
    package let cuModuleUnload: @convention(c) (CUhandle?) -> CUresult
    package let cuModuleGetFunction: @convention(c) (UnsafeMutablePointer<CUhandle?>?, CUhandle?, UnsafePointer<CChar>?) -> CUresult
    package let cuFuncGetAttribute: @convention(c) (UnsafeMutablePointer<Int32>?, Int32, CUhandle?) -> CUresult
    package let cuLinkCreate: @convention(c) (UInt32, JITOptions, JITValues, UnsafeMutablePointer<CUhandle?>?) -> CUresult
    package let cuLinkAddData: @convention(c) (CUhandle?, Int32, UnsafeMutableRawPointer?, Int, UnsafePointer<CChar>?,
                                       UInt32, JITOptions, JITValues) -> CUresult
    package let cuLinkComplete: @convention(c) (CUhandle?, UnsafeMutablePointer<UnsafeMutableRawPointer?>?,
                                        UnsafeMutablePointer<Int>?) -> CUresult
    package let cuLinkDestroy: @convention(c) (CUhandle?) -> CUresult
    package let cuMemAlloc: @convention(c) (UnsafeMutablePointer<CUdeviceptr>?, Int) -> CUresult
    package let cuMemFree: @convention(c) (CUdeviceptr) -> CUresult
    package let cuMemcpyHtoD: @convention(c) (CUdeviceptr, UnsafeRawPointer?, Int) -> CUresult
    package let cuMemcpyDtoH: @convention(c) (UnsafeMutableRawPointer?, CUdeviceptr, Int) -> CUresult
    package let cuMemsetD8: @convention(c) (CUdeviceptr, UInt8, Int) -> CUresult
    package let cuStreamCreate: @convention(c) (UnsafeMutablePointer<CUhandle?>?, UInt32) -> CUresult
    package let cuStreamDestroy: @convention(c) (CUhandle?) -> CUresult
    package let cuStreamSynchronize: @convention(c) (CUhandle?) -> CUresult
    package let cuLaunchKernel: @convention(c) (CUhandle?, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, CUhandle?,
                                        UnsafeMutablePointer<UnsafeMutableRawPointer?>?,
                                        UnsafeMutablePointer<UnsafeMutableRawPointer?>?) -> CUresult
    package let cuGetErrorName: @convention(c) (CUresult, UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> CUresult
    package let cuGetErrorString: @convention(c) (CUresult, UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> CUresult

    /// The error for a driver library that does not open. The hint to install the driver is given
    /// only where an NVIDIA GPU is on the PCI bus (or the bus cannot be read): on a machine with
    /// none, every command would otherwise repeat advice that does not apply.
    ///
    /// - Parameter nvidiaPCIDevices: NVIDIA devices on the PCI bus; nil where that is unknown.
    package static func missingDriverError(library: String, reason: String, nvidiaPCIDevices: Int?) -> KilnError {
        if nvidiaPCIDevices == 0 {
            return KilnError(.driverUnavailable,
                "the NVIDIA driver (\(library)) was not found, and this machine has no NVIDIA GPU (no PCI device of vendor 0x10de) — nothing to install unless it should have one")
        }
        return KilnError(.driverUnavailable,
            "the NVIDIA driver (\(library)) was not found (\(reason)) — install the NVIDIA driver for your GPU (e.g. `apt install nvidia-driver-580`, or your distribution's package), or in a container start it with the NVIDIA Container Toolkit (`--gpus all`); this machine cannot run CUDA kernels until then")
    }

    /// How many devices of vendor 0x10de (NVIDIA) the kernel lists under `/sys/bus/pci/devices`;
    /// nil where that folder cannot be read (a container without /sys), so nothing is assumed.
    package static func nvidiaPCIDeviceCount(root: String = "/sys/bus/pci/devices") -> Int? {
        guard let folder = opendir(root) else { return nil }
        defer { closedir(folder) }
        var count = 0
        while let entry = readdir(folder) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard !name.hasPrefix(".") else { continue }
            let path = root + "/" + name + "/vendor"
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { continue }
            var buffer = [UInt8](repeating: 0, count: 16)
            let got = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            close(fd)
            if got > 0, String(decoding: buffer.prefix(got), as: UTF8.self).hasPrefix("0x10de") { count += 1 }
        }
        return count
    }

    /// Opens the driver library and resolves every entry point Kiln uses.
    ///
    /// - Parameter library: The library to open; tests name a missing or wrong one.
    /// - Throws: `KilnError.driverUnavailable` if the library is missing, is not the NVIDIA driver,
    ///   is older than CUDA 12.0, or lacks an entry point — naming what to install.
    package static func load(library: String = libraryName) throws(KilnError) -> CUDASymbols {
        let opened: SharedLibrary
        switch SharedLibrary.first(of: [library], install: "install NVIDIA driver 525 (CUDA 12.0) or newer") {
        case .success(let found): opened = found
        case .failure(let failure): throw missingDriverError(library: library, reason: failure.reason, nvidiaPCIDevices: nvidiaPCIDeviceCount())
        }
        guard let getProcAddress = opened.optional("cuGetProcAddress_v2", as: GetProcAddress.self) else {
            throw KilnError(.driverUnavailable,
                "\(library) has no cuGetProcAddress_v2, so it is not an NVIDIA driver of CUDA 12.0 or newer — install NVIDIA driver 525 or newer")
        }

        func symbol<T>(_ name: String, _: T.Type = T.self) throws(KilnError) -> T {
            var pointer: UnsafeMutableRawPointer?
            var found: Int32 = 0
            let status = name.withCString { getProcAddress($0, &pointer, apiVersion, procAddressDefault, &found) }
            guard status == CUDAResult.success.rawValue, found == 0, let pointer else {
                // CU_GET_PROC_ADDRESS_VERSION_NOT_SUFFICIENT is 2.
                let why = found == 2 ? "the driver is older than CUDA \(apiVersion / 1000).\(apiVersion % 1000 / 10)"
                                     : "status \(CUDAResult(rawValue: status)), lookup result \(found)"
                throw KilnError(.driverUnavailable,
                    "\(library) lacks the entry point \(name) (\(why)) — install NVIDIA driver 525 (CUDA 12.0) or newer")
            }
            return unsafeBitCast(pointer, to: T.self)
        }

        return CUDASymbols(
            cuInit: try symbol("cuInit"),
            cuDriverGetVersion: try symbol("cuDriverGetVersion"),
            cuDeviceGetCount: try symbol("cuDeviceGetCount"),
            cuDeviceGet: try symbol("cuDeviceGet"),
            cuDeviceGetName: try symbol("cuDeviceGetName"),
            cuDeviceGetAttribute: try symbol("cuDeviceGetAttribute"),
            cuDeviceTotalMem: try symbol("cuDeviceTotalMem"),
            cuDeviceGetPCIBusId: try symbol("cuDeviceGetPCIBusId"),
            cuDevicePrimaryCtxRetain: try symbol("cuDevicePrimaryCtxRetain"),
            cuDevicePrimaryCtxRelease: try symbol("cuDevicePrimaryCtxRelease"),
            cuCtxSetCurrent: try symbol("cuCtxSetCurrent"),
            cuCtxSynchronize: try symbol("cuCtxSynchronize"),
            cuModuleLoadDataEx: try symbol("cuModuleLoadDataEx"),
            cuModuleUnload: try symbol("cuModuleUnload"),
            cuModuleGetFunction: try symbol("cuModuleGetFunction"),
            cuFuncGetAttribute: try symbol("cuFuncGetAttribute"),
            cuLinkCreate: try symbol("cuLinkCreate"),
            cuLinkAddData: try symbol("cuLinkAddData"),
            cuLinkComplete: try symbol("cuLinkComplete"),
            cuLinkDestroy: try symbol("cuLinkDestroy"),
            cuMemAlloc: try symbol("cuMemAlloc"),
            cuMemFree: try symbol("cuMemFree"),
            cuMemcpyHtoD: try symbol("cuMemcpyHtoD"),
            cuMemcpyDtoH: try symbol("cuMemcpyDtoH"),
            cuMemsetD8: try symbol("cuMemsetD8"),
            cuStreamCreate: try symbol("cuStreamCreate"),
            cuStreamDestroy: try symbol("cuStreamDestroy"),
            cuStreamSynchronize: try symbol("cuStreamSynchronize"),
            cuLaunchKernel: try symbol("cuLaunchKernel"),
            cuGetErrorName: try symbol("cuGetErrorName"),
            cuGetErrorString: try symbol("cuGetErrorString"))
    }
}
