/// The rules that choose, for one module on one device, which image serves it and by
/// which path. Pure logic: no driver is asked anything.
///
/// - NVIDIA: exact `sm_XY` cubin (the `a` variant first) > a cubin of the same major and a
///   lower minor (never an `a` variant) > PTX whose `compute_XY` ≤ the device and whose
///   PTX ISA the driver accepts > CUDA or OpenCL C source through NVRTC > error.
/// - Intel: a zebin of the device's exact IP version > SPIR-V, where the driver takes IL >
///   OpenCL C source > error.
/// - CPU (PoCL, Intel's CPU runtime): the PoCL binary whose host string matches > SPIR-V where the
///   driver takes IL > OpenCL C source > error.
///
/// ``JITPolicy/never`` keeps only device binaries; ``JITPolicy/always`` only portable forms.
public enum Resolver {
    /// One way an image could serve the device, in order of preference.
    struct Candidate {
        var plan: ResolutionPlan
    }

    /// Chooses the image for one module on one device.
    ///
    /// - Parameters:
    ///   - module: The module's name, for messages.
    ///   - device: The device's identity.
    ///   - images: The images the bundle holds for the module.
    ///   - policy: The JIT policy.
    /// - Returns: The plan: target, path, reason and run-time conditions.
    /// - Throws: `KilnError.noCompatibleImage` naming the device, the bundle's targets and the fix;
    ///   `KilnError.jitForbidden` under ``JITPolicy/never`` when only a JIT could serve.
    public static func resolve(module: String, device: DeviceIdentity, images: [AvailableImage],
                               policy: JITPolicy) throws(KilnError) -> ResolutionPlan {
        var rejected: [String] = []
        let candidates: [ResolutionPlan] = switch device.kind {
        case .nvidia(let cc, let driver): nvidia(cc, driver: driver, device, images, &rejected)
        case .intel(let ip, let il): intel(ip, acceptsSPIRV: il, device, images, &rejected)
        case .cpu(let host, let acceptsSPIRV): cpu(host, acceptsSPIRV: acceptsSPIRV, device, images, &rejected)
        }
        let held = images.map(\.target).sorted().map(\.name).joined(separator: ", ")
        let subject = "module '\(module)' on \(device)"
        switch policy {
        case .auto:
            if let plan = candidates.first { return plan }
        case .never:
            if let plan = candidates.first(where: { !$0.path.isJIT }) { return plan }
            if let jit = candidates.first {
                throw KilnError(.jitForbidden,
                    "\(subject): KILN_JIT=never forbids compiling \(jit.target.name) at run time, and no device binary serves it (bundle holds \(held)) — add \(fixTarget(device)) to the device list, or allow JIT")
            }
        case .always:
            if let plan = candidates.first(where: { $0.path.isJIT }) { return plan }
            throw KilnError(.noCompatibleImage,
                "\(subject): KILN_JIT=always needs a portable form this device can compile, and the bundle holds \(held) — rebuild with portable forms switched on")
        }
        var message = "\(subject): no image in the bundle serves it (bundle holds \(held.isEmpty ? "nothing" : held))"
        if !rejected.isEmpty { message += "; " + rejected.joined(separator: "; ") }
        message += " — add \(fixTarget(device)) to the device list and rebuild"
        throw KilnError(.noCompatibleImage, message)
    }

    /// The target to name in a fix: the device's own.
    static func fixTarget(_ device: DeviceIdentity) -> String {
        switch device.kind {
        case .nvidia(let cc, _): "'sm_\(cc.number)'"
        case .intel(let ip, _): "'\(TargetRegistry.standard.intelDevice(ip)?.canonicalName ?? ip.description)'"
        case .cpu: "'cpu' (built on a machine with this CPU) or the source form"
        }
    }

    private static func sourcePlan(_ device: DeviceIdentity, _ images: [AvailableImage], compiler: String,
                                   languages: Set<SourceLanguage>, _ rejected: inout [String]) -> ResolutionPlan? {
        guard let source = images.first(where: { $0.target.kind == .source }) else { return nil }
        if let language = source.sourceLanguage, !languages.contains(language) {
            rejected.append("its source is \(language.rawValue), which \(compiler) cannot compile")
            return nil
        }
        if device.canCompileSource == false {
            rejected.append("its source needs \(compiler), which is not installed here")
            return nil
        }
        return ResolutionPlan(target: .source, path: .jit, reason: "compile the source with \(compiler)",
                              conditions: device.canCompileSource == nil ? ["\(compiler) is installed at run time"] : [])
    }

    private static func nvidia(_ cc: ComputeCapability, driver: Int?, _ device: DeviceIdentity,
                               _ images: [AvailableImage], _ rejected: inout [String]) -> [ResolutionPlan] {
        var plans: [ResolutionPlan] = []
        var cubins: [(ComputeCapability, Bool, Target)] = []
        var ptxs: [(ComputeCapability, Bool, AvailableImage)] = []
        for image in images {
            switch image.target.kind {
            case .cubin(let c, let a): cubins.append((c, a, image.target))
            case .ptx(let c, let a): ptxs.append((c, a, image))
            default: break
            }
        }
        for (c, a, target) in cubins.sorted(by: { $0.1 && !$1.1 }) where c == cc {
            plans.append(.init(target: target, path: .aot, reason: "cubin built for this compute capability\(a ? " (arch-specific)" : "")", conditions: []))
        }
        let compatible = cubins.filter { c, a, _ in !a && c.major == cc.major && c.minor < cc.minor }
        for (_, _, target) in compatible.sorted(by: { $0.0 > $1.0 }) {
            plans.append(.init(target: target, path: .aotCompatible,
                               reason: "cubin of the same major version runs on a higher minor", conditions: []))
        }
        for (c, a, _) in cubins where c != cc && !(!a && c.major == cc.major && c.minor < cc.minor) {
            rejected.append("cubin \(a ? "sm_\(c.number)a" : "sm_\(c.number)") cannot run on \(cc) (\(a ? "arch-specific cubins run only on their own compute capability" : "cubins run only on their own major version at an equal or higher minor"))")
        }
        for (c, a, image) in ptxs.sorted(by: { $0.0 > $1.0 }) {
            let name = image.target.name
            guard a ? c == cc : c <= cc else {
                rejected.append("PTX \(name) needs compute capability \(a ? "exactly" : "at least") \(c)")
                continue
            }
            var conditions: [String] = []
            if let isa = image.ptxISAVersion.flatMap(PTXISA.init) {
                if let driver, let limit = PTXISA.maximum(forDriver: driver), isa > limit {
                    rejected.append("PTX \(name) is ISA \(isa), newer than the driver (CUDA \(driver / 1000).\(driver % 1000 / 10)) accepts (\(limit)) — update the NVIDIA driver, or build with an older NVRTC")
                    continue
                }
                if driver == nil { conditions.append("the driver accepts PTX ISA \(isa) (CUDA \(isa.minimumDriver) or newer)") }
            }
            plans.append(.init(target: image.target, path: .jit,
                               reason: "the driver compiles PTX \(name) for \(cc)", conditions: conditions))
        }
        // NVRTC compiles CUDA only; OpenCL C for NVIDIA needs clang and libclc, which only the build has.
        if let plan = sourcePlan(device, images, compiler: "NVRTC", languages: [.cuda], &rejected) {
            plans.append(plan)
        }
        return plans
    }

    private static func intel(_ ip: IntelIPVersion, acceptsSPIRV: Bool, _ device: DeviceIdentity,
                              _ images: [AvailableImage], _ rejected: inout [String]) -> [ResolutionPlan] {
        var plans: [ResolutionPlan] = []
        for image in images {
            guard case .intelDevice(let built) = image.target.kind else { continue }
            if built == ip {
                plans.append(.init(target: image.target, path: .aot, reason: "zebin built for IP version \(ip)", conditions: []))
            } else {
                rejected.append("zebin \(image.target.name) is for IP version \(built), not \(ip)")
            }
        }
        if images.contains(where: { $0.target.kind == .spirv }) {
            if acceptsSPIRV {
                plans.append(.init(target: .spirv, path: .jit, reason: "the Intel driver compiles the SPIR-V", conditions: []))
            } else {
                rejected.append("its driver does not take SPIR-V")
            }
        }
        if let plan = sourcePlan(device, images, compiler: "the OpenCL driver", languages: [.openCLC], &rejected) {
            plans.append(plan)
        }
        return plans
    }

    private static func cpu(_ host: String?, acceptsSPIRV: Bool, _ device: DeviceIdentity,
                            _ images: [AvailableImage], _ rejected: inout [String]) -> [ResolutionPlan] {
        var plans: [ResolutionPlan] = []
        for image in images where image.target.kind == .cpu {
            let built = image.hostString ?? "an unrecorded CPU"
            switch host {
            case nil:
                plans.append(.init(target: .cpu, path: .aot, reason: "PoCL binary built for \(built)",
                                   conditions: ["this CPU's PoCL device string is \(built)"]))
            case let host? where host == image.hostString:
                plans.append(.init(target: .cpu, path: .aot, reason: "PoCL binary built for this CPU (\(host))", conditions: []))
            case let host?:
                rejected.append("the PoCL binary is for \(built), this CPU is \(host)")
            }
        }
        if acceptsSPIRV, images.contains(where: { $0.target.kind == .spirv }) {
            plans.append(.init(target: .spirv, path: .jit, reason: "the CPU's OpenCL driver compiles the SPIR-V", conditions: []))
        }
        if let plan = sourcePlan(device, images, compiler: "the OpenCL driver", languages: [.openCLC], &rejected) {
            plans.append(plan)
        }
        return plans
    }
}
