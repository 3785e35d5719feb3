import KilnBundle
import KilnCore
import KilnDrivers

/// What Kiln asks of one device family's driver on one device: load and compile images (as an
/// ``ImageLoader``), allocate memory, find a kernel in a loaded module, and queue a launch.
///
/// `CUDADevice` (the CUDA driver API) and `OpenCLDevice` (OpenCL) conform. Everything above this
/// — ``ComputeDevice``, ``DeviceBuffer``, ``DeviceKernel``, ``BundleSession`` — is written once
/// over it: the checks of a launch, guard regions, module resolution and the errors for a
/// missing kernel run the same code on every family, so they cannot drift apart.
protocol ComputeBackend: ImageLoader, AnyObject, CustomStringConvertible {
    /// Memory the backend allocated for one buffer.
    associatedtype Memory: DeviceMemory
    /// A kernel's driver handle (with whatever state a launch needs).
    associatedtype Function: Sendable

    /// The device target it runs: `sm_90`, an Intel device, `cpu`.
    var target: Target { get }
    /// The device in a few words, for messages.
    var summary: String { get }
    /// Driver bugs known to change results on this device, with their workarounds.
    var knownIssues: [String] { get }
    /// The launch dimensions the device accepts.
    var launchLimits: LaunchLimits { get }
    /// Waits until the device has finished all work given to it.
    func synchronize() throws(KilnError)
    /// Starts, beside the caller's work, the slow set-up the first module load would otherwise
    /// wait for (a CUDA GPU's context); errors surface where the set-up is used.
    func prepare()

    /// The alignment the device gives a buffer's start, in bytes; a guard region keeps it.
    func bufferAlignment() throws(KilnError) -> Int
    /// Allocates `byteCount` bytes, with `guardBytes` more before and after them (0: none).
    func allocate(byteCount: Int, guardBytes: Int) throws(KilnError) -> Memory

    /// The symbol a kernel has in a loaded module: its record's symbol, else its name.
    func symbol(of kernel: KernelRecord, in module: Module) -> String
    /// A kernel's handle in a loaded module; `.missing` when the driver says the module has none.
    ///
    /// - Throws: `KilnError.driverError` for any other failure of the driver.
    func function(named symbol: String, in module: Module) throws(KilnError) -> FunctionLookup<Function>
    /// What the kernel allows on the device, as the driver reports it.
    ///
    /// - Throws: `KilnError.driverError` if the driver cannot report it; `what` names the kernel.
    func limits(of function: Function, _ what: String) throws(KilnError) -> KernelLimits
    /// Checks what only this family refuses in a launch, before the driver sees it.
    ///
    /// - Throws: `KilnError.invalidLaunch` naming the kernel and the fix.
    func checkLaunch(grid: Dim3, block: Dim3, sharedMemoryBytes: Int, kernel: String) throws(KilnError)
    /// Queues a launch whose arguments have been checked.
    ///
    /// - Throws: `KilnError.driverError` if the driver refuses it.
    func launch(_ function: Function, grid: Dim3, block: Dim3, sharedMemoryBytes: UInt32, stream: CUDAStream?,
                arguments: [LaunchSlot<Memory>], kernel: KernelRecord) throws(KilnError)
}

extension ComputeBackend {
    func symbol(of kernel: KernelRecord, in module: Module) -> String { kernel.symbol ?? kernel.name }
    func prepare() {}
}

/// What a driver says when asked for a kernel by its symbol.
enum FunctionLookup<Function> {
    /// The kernel's handle.
    case found(Function)
    /// The module has no such kernel; the driver's status.
    case missing(any Error & Sendable)
}

/// One checked argument of a launch, as a backend hands it to its driver.
enum LaunchSlot<Memory> {
    /// A scalar's bytes, little-endian, exactly as wide as the parameter.
    case scalar([UInt8])
    /// A buffer's memory; nil for an empty buffer, which owns none.
    case memory(Memory?)
    /// Work-group memory: `bytes` at `offset` in the launch's local memory (16-byte aligned).
    case local(offset: Int, bytes: Int)
}
