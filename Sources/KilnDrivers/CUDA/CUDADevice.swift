import KilnCore
import Synchronization

/// One NVIDIA GPU: what it is, and the primary context through which Kiln uses it.
///
/// Each device resolves and loads its modules on its own, so one process can use GPUs of
/// different compute capabilities. The primary context is retained once, on first use, and
/// made current on the calling thread before every operation.
public final class CUDADevice: Sendable, CustomStringConvertible {
    /// The device's ordinal: 0 for the first GPU.
    public let ordinal: Int
    /// The product name: `NVIDIA H100 80GB HBM3`.
    public let name: String
    /// The compute capability: 9.0 for Hopper.
    public let computeCapability: ComputeCapability
    /// The number of streaming multiprocessors.
    public let multiprocessorCount: Int
    /// The device memory in bytes.
    public let totalMemory: Int
    /// The PCI bus id: `0000:19:00.0`.
    public let pciBusID: String
    /// The driver's CUDA version: 13000 for 13.0.
    public let driverVersion: Int
    /// The launch dimensions the device accepts.
    public let launchLimits: LaunchLimits
    /// The shared memory one block may use, static and dynamic together, in bytes
    /// (`CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK`; 48 KiB on every GPU since compute capability 3.0).
    public let sharedMemoryPerBlock: Int

    package let calls: CUDACalls
    package let handle: CUdevice
    private let context = Mutex<ContextState>(.none)

    /// Where the primary context stands.
    private enum ContextState {
        /// Not retained.
        case none
        /// Being retained on a thread of its own (``prepareContext()``).
        case retaining(BackgroundWork<Result<CUDAHandle, KilnError>>)
        /// Retained.
        case retained(CUDAHandle)
    }

    package init(ordinal: Int, driverVersion: Int, calls: CUDACalls) throws(KilnError) {
        self.ordinal = ordinal
        self.calls = calls
        self.driverVersion = driverVersion
        let subject = "GPU \(ordinal)"
        let handle = try calls.get(calls.device(ordinal: ordinal), "cuDeviceGet for \(subject)")
        self.handle = handle
        func attribute(_ attribute: CUDACalls.Attribute) throws(KilnError) -> Int {
            try calls.get(calls.attribute(attribute, of: handle), "cuDeviceGetAttribute(\(attribute)) for \(subject)")
        }
        name = try calls.get(calls.name(of: handle), "cuDeviceGetName for \(subject)")
        computeCapability = ComputeCapability(try attribute(.computeCapabilityMajor), try attribute(.computeCapabilityMinor))
        multiprocessorCount = try attribute(.multiprocessorCount)
        totalMemory = try calls.get(calls.totalMemory(of: handle), "cuDeviceTotalMem for \(subject)")
        pciBusID = try calls.get(calls.pciBusID(of: handle), "cuDeviceGetPCIBusId for \(subject)")
        launchLimits = LaunchLimits(
            maxThreadsPerBlock: try attribute(.maxThreadsPerBlock),
            maxBlock: Dim3(try attribute(.maxBlockDimX), try attribute(.maxBlockDimY), try attribute(.maxBlockDimZ)),
            maxGrid: Dim3(try attribute(.maxGridDimX), try attribute(.maxGridDimY), try attribute(.maxGridDimZ)))
        sharedMemoryPerBlock = try attribute(.maxSharedMemoryPerBlock)
    }

    deinit {
        let retained: CUDAHandle? = context.withLock { state in
            switch state {
            case .none: nil
            case .retaining(let work): try? work.wait().get()
            case .retained(let context): context
            }
        }
        if retained != nil {
            _ = calls.releasePrimaryContext(of: handle)
        }
    }

    /// The device as resolution sees it: its compute capability and the driver's CUDA version.
    ///
    /// Whether NVRTC is present is left unknown: the source path is decided where it is compiled.
    public var identity: DeviceIdentity {
        DeviceIdentity(name: name, kind: .nvidia(computeCapability, driverVersion: driverVersion))
    }

    /// The cubin target built exactly for this device: `sm_90`.
    public var target: Target { .sm(computeCapability.number) }

    /// The device in a few words, for messages: `GPU 0 (NVIDIA H100 80GB HBM3, sm_90)`.
    public var summary: String { "GPU \(ordinal) (\(name), sm_\(computeCapability.number))" }

    public var description: String {
        let gib = Double(totalMemory) / Double(1 << 30)
        let memory = (gib * 10).rounded() / 10
        return "GPU \(ordinal): \(name), compute capability \(computeCapability), \(multiprocessorCount) SMs, \(memory) GiB, PCI \(pciBusID), driver CUDA \(driverVersion / 1000).\(driverVersion % 1000 / 10)"
    }

    /// Starts retaining the primary context on a thread of its own, unless it is retained or being
    /// retained: the driver's slowest step before a first launch (about 100 ms on an H200) then
    /// runs beside the caller's next work, such as reading a bundle. ``makeCurrent()`` waits for it,
    /// and throws what it threw.
    package func prepareContext() {
        context.withLock { state in
            guard case .none = state else { return }
            state = .retaining(BackgroundWork { [calls, handle, summary] in
                Result { () throws(KilnError) in try Self.retainContext(calls, handle, summary) }
            })
        }
    }

    /// Retains the primary context on first use (or waits for ``prepareContext()``'s retain), and
    /// makes it current on the calling thread.
    ///
    /// - Throws: `KilnError.driverError` if the driver cannot create or bind the context.
    package func makeCurrent() throws(KilnError) {
        let context = try context.withLock { (state: inout ContextState) throws(KilnError) -> CUDAHandle in
            let retained: Result<CUDAHandle, KilnError> = switch state {
            case .retained(let context): .success(context)
            case .retaining(let work): work.wait()
            case .none: Result { () throws(KilnError) in try Self.retainContext(calls, handle, summary) }
            }
            // A failed retain is not kept: the next call tries again.
            state = if case .success(let context) = retained { .retained(context) } else { .none }
            return try retained.get()
        }
        try calls.get(calls.setCurrent(context.raw), "making the context of \(summary) current")
    }

    private static func retainContext(_ calls: CUDACalls, _ handle: CUdevice, _ summary: String) throws(KilnError) -> CUDAHandle {
        CUDAHandle(try StartupTrace.measure("cuda.context") { () throws(KilnError) in
            try calls.get(calls.retainPrimaryContext(of: handle), "retaining the primary context of \(summary)")
        })
    }

    /// Waits until all work issued to the device has finished.
    ///
    /// - Throws: `KilnError.driverError` carrying any fault of earlier, asynchronous work (an illegal address in a kernel).
    public func synchronize() throws(KilnError) {
        try makeCurrent()
        try calls.get(calls.synchronizeContext(), "waiting for \(summary)")
    }

    /// Creates a stream, whose work runs in order and overlaps other streams' work.
    ///
    /// - Throws: `KilnError.driverError` if the driver cannot create it.
    public func makeStream() throws(KilnError) -> CUDAStream {
        try CUDAStream(device: self)
    }
}
