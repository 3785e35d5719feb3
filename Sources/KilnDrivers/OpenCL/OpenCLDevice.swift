import KilnCore
import Synchronization

/// One OpenCL device that Kiln serves — an Intel GPU or a CPU (PoCL) — with the identity that
/// resolution matches images against, and the context and queue through which Kiln uses it.
///
/// The context and its one in-order queue are made on first use.
public final class OpenCLDevice: Sendable, CustomStringConvertible {
    /// What kind of device it is, as `CL_DEVICE_TYPE` says.
    public enum DeviceType: String, Sendable, Codable {
        case cpu, gpu, accelerator, other
    }

    /// The device's index among the devices Kiln serves.
    public let index: Int
    /// The platform it belongs to.
    public let platform: OpenCLPlatform
    /// `CL_DEVICE_NAME`: `pthread-skylake-avx512-Intel(R) Xeon(R) Processor`, `Intel(R) Data Center GPU Max 1550`.
    public let name: String
    /// `CL_DEVICE_VENDOR`.
    public let vendor: String
    /// `CL_DEVICE_TYPE`.
    public let type: DeviceType
    /// `CL_DRIVER_VERSION`: `3.1+debian`, `22.43.24595`.
    public let driverVersion: String
    /// `CL_DEVICE_VERSION`: `OpenCL 3.0 PoCL HSTR: pthread-x86_64-pc-linux-gnu-skylake-avx512`.
    public let version: String
    /// For Intel GPUs: the IP version (`CL_DEVICE_IP_VERSION_INTEL`, from `cl_intel_device_attribute_query`).
    public let ipVersion: IntelIPVersion?
    /// For Intel GPUs: the PCI device id (`CL_DEVICE_ID_INTEL`): 0x0BD5 for a Max 1550.
    public let pciDeviceID: Int?
    /// For CPUs: the string a PoCL binary is tied to.
    ///
    /// PoCL stamps each program binary with a hash of the device's build-hash string (LLVM target
    /// triple and CPU, behind the driver's name) and refuses a binary whose hash differs; it shows
    /// that string after `HSTR:` in `CL_DEVICE_VERSION` (`pthread-x86_64-pc-linux-gnu-skylake-avx512`),
    /// which is what Kiln records and matches. The device name is not used: it carries the CPU's
    /// marketing name, which differs between machines whose binaries are interchangeable.
    /// For a CPU driver other than PoCL, its platform and device names (which no PoCL binary matches).
    public let hostString: String?
    /// `CL_DEVICE_IL_VERSION`: the IL versions the driver takes (`SPIR-V_1.2`); empty where none.
    public let ilVersions: [String]
    /// `CL_DEVICE_COMPILER_AVAILABLE`: whether the driver compiles source and IL.
    public let compilerAvailable: Bool
    /// `CL_DEVICE_MAX_COMPUTE_UNITS`.
    public let computeUnits: Int
    /// `CL_DEVICE_GLOBAL_MEM_SIZE`, in bytes.
    public let globalMemory: Int
    /// `CL_DEVICE_LOCAL_MEM_SIZE`, in bytes: the local memory one work-group may use.
    public let localMemory: Int
    /// The work-group sizes the device accepts, as launch limits (a block is a work-group).
    public let launchLimits: LaunchLimits

    package let calls: OpenCLCalls
    package let handle: OpenCLHandle
    private let sessionSlot = Mutex<OpenCLSession?>(nil)

    /// Reads a device's facts; fails, with why, for a device Kiln does not serve.
    package static func make(index: Int, handle raw: CLHandle, platform: OpenCLPlatform,
                     calls: OpenCLCalls) -> Result<OpenCLDevice, KilnError> {
        let name = (try? calls.deviceString(.name, of: raw).get()) ?? "?"
        let typeBits = (try? calls.integer(.type, of: raw, as: UInt64.self).get()) ?? 0
        let type: DeviceType = typeBits & 2 != 0 ? .cpu : typeBits & 4 != 0 ? .gpu : typeBits & 8 != 0 ? .accelerator : .other
        let version = (try? calls.deviceString(.version, of: raw).get()) ?? ""
        let extensions = (try? calls.deviceString(.extensions, of: raw).get()) ?? ""
        var ipVersion: IntelIPVersion?
        var pciDeviceID: Int?
        var hostString: String?
        switch type {
        case .gpu where platform.vendor.contains("Intel") || name.contains("Intel"):
            guard extensions.contains("cl_intel_device_attribute_query"),
                  let raw32 = try? calls.integer(.ipVersionIntel, of: raw, as: UInt32.self).get(), raw32 != 0 else {
                return .failure(KilnError(.unsupported,
                    "\(name) (\(platform.name)): its driver lacks cl_intel_device_attribute_query, so its IP version is unknown — install a newer intel-opencl-icd (22.x or later)"))
            }
            ipVersion = IntelIPVersion(rawValue: raw32)
            pciDeviceID = (try? calls.integer(.pciDeviceIDIntel, of: raw, as: UInt32.self).get()).map(Int.init)
        case .cpu:
            if let marker = version.firstRange(of: "HSTR: ") {
                hostString = String(version[marker.upperBound...]).trimmingWhitespace()
            } else {
                hostString = "\(platform.name): \(name)"
            }
        default:
            return .failure(KilnError(.unsupported,
                "\(name) (\(platform.name)) is an OpenCL \(type.rawValue) that Kiln does not serve — Kiln runs on Intel GPUs and CPUs through OpenCL, and on NVIDIA GPUs through CUDA"))
        }
        let il = (try? calls.deviceString(.ilVersion, of: raw).get()) ?? ""
        let maxGroup = (try? calls.integer(.maxWorkGroupSize, of: raw, as: UInt64.self).get()).map(Int.init) ?? 1
        let sizes = (try? calls.sizes(.maxWorkItemSizes, of: raw).get()) ?? [maxGroup, maxGroup, maxGroup]
        let big = Int(Int32.max)
        let limits = LaunchLimits(
            maxThreadsPerBlock: maxGroup,
            maxBlock: Dim3(sizes.count > 0 ? sizes[0] : 1, sizes.count > 1 ? sizes[1] : 1, sizes.count > 2 ? sizes[2] : 1),
            maxGrid: Dim3(big, big, big))
        return .success(OpenCLDevice(
            index: index, platform: platform, name: name,
            vendor: (try? calls.deviceString(.vendor, of: raw).get()) ?? "?", type: type,
            driverVersion: (try? calls.deviceString(.driverVersion, of: raw).get()) ?? "?", version: version,
            ipVersion: ipVersion, pciDeviceID: pciDeviceID, hostString: hostString,
            ilVersions: il.split(separator: " ").map(String.init),
            compilerAvailable: ((try? calls.integer(.compilerAvailable, of: raw, as: UInt32.self).get()) ?? 0) != 0,
            computeUnits: (try? calls.integer(.maxComputeUnits, of: raw, as: UInt32.self).get()).map(Int.init) ?? 0,
            globalMemory: (try? calls.integer(.globalMemSize, of: raw, as: UInt64.self).get()).map(Int.init) ?? 0,
            // Unknown (a driver that does not answer) counts as no limit: the driver still checks.
            localMemory: (try? calls.integer(.localMemSize, of: raw, as: UInt64.self).get()).map { Int(clamping: $0) } ?? Int.max,
            launchLimits: limits, calls: calls, handle: OpenCLHandle(raw)))
    }

    private init(index: Int, platform: OpenCLPlatform, name: String, vendor: String, type: DeviceType,
                 driverVersion: String, version: String, ipVersion: IntelIPVersion?, pciDeviceID: Int?,
                 hostString: String?, ilVersions: [String], compilerAvailable: Bool, computeUnits: Int,
                 globalMemory: Int, localMemory: Int, launchLimits: LaunchLimits, calls: OpenCLCalls, handle: OpenCLHandle) {
        self.index = index
        self.platform = platform
        self.name = name
        self.vendor = vendor
        self.type = type
        self.driverVersion = driverVersion
        self.version = version
        self.ipVersion = ipVersion
        self.pciDeviceID = pciDeviceID
        self.hostString = hostString
        self.ilVersions = ilVersions
        self.compilerAvailable = compilerAvailable
        self.computeUnits = computeUnits
        self.globalMemory = globalMemory
        self.localMemory = localMemory
        self.launchLimits = launchLimits
        self.calls = calls
        self.handle = handle
    }

    /// Whether the driver takes SPIR-V through `clCreateProgramWithIL`.
    public var takesSPIRV: Bool {
        compilerAvailable && calls.symbols.clCreateProgramWithIL != nil && ilVersions.contains { $0.hasPrefix("SPIR-V") }
    }

    /// The device as resolution sees it: an Intel IP version and whether SPIR-V is taken, or a CPU's host string.
    public var identity: DeviceIdentity {
        if let ipVersion {
            return DeviceIdentity(name: name, kind: .intel(ipVersion, acceptsSPIRV: takesSPIRV), canCompileSource: compilerAvailable)
        }
        return DeviceIdentity(name: name, kind: .cpu(hostString: hostString, acceptsSPIRV: takesSPIRV), canCompileSource: compilerAvailable)
    }

    /// The target built exactly for this device: its Intel device (`pvc`), or `cpu`.
    public var target: Target {
        guard let ipVersion else { return .cpu }
        return TargetRegistry.standard.intelDevice(ipVersion)?.target
            ?? Target(kind: .intelDevice(ipVersion), name: ipVersion.description)
    }

    /// The device in a few words, for messages: `OpenCL device 0 (pthread-…, cpu)`.
    public var summary: String { "OpenCL device \(index) (\(name), \(target.name))" }

    public var description: String {
        var facts = ["\(type.rawValue)", "\(computeUnits) compute units", "driver \(driverVersion)"]
        if let ipVersion { facts.append("IP version \(ipVersion)") }
        if let pciDeviceID { facts.append("PCI device 0x\(String(pciDeviceID, radix: 16, uppercase: true))") }
        if let hostString { facts.append("host string \(hostString)") }
        facts.append(ilVersions.isEmpty ? "no IL" : "IL \(ilVersions.joined(separator: " "))")
        return "OpenCL \(index): \(name) (\(platform.name)) — " + facts.joined(separator: ", ")
    }

    /// The device's context and queue, made on first use.
    ///
    /// - Throws: `KilnError.driverError` if the driver cannot make them.
    package func session() throws(KilnError) -> OpenCLSession {
        try sessionSlot.withLock { (slot: inout OpenCLSession?) throws(KilnError) -> OpenCLSession in
            if let slot { return slot }
            let made = try StartupTrace.measure("opencl.context") { () throws(KilnError) in try OpenCLSession(device: self) }
            slot = made
            return made
        }
    }

    /// Waits until all work queued on the device has finished.
    ///
    /// - Throws: `KilnError.driverError` carrying any failure of earlier, asynchronous work.
    public func synchronize() throws(KilnError) {
        let session = try session()
        try calls.get(calls.finish(session.queue.raw), "waiting for \(summary)")
    }
}
