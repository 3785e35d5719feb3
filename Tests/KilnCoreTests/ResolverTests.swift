import Testing
import KilnCore

// MARK: Helpers

/// The target with this canonical name; a misspelt name in a test table fails the test.
private func target(_ name: String) throws -> Target {
    try #require(TargetRegistry.standard.target(named: name), "no target named '\(name)'")
}

/// Images for canonical target names; `source` is OpenCL C.
private func images(_ names: [String], source: SourceLanguage = .openCLC) throws -> [AvailableImage] {
    try names.map { name in
        let target = try target(name)
        return AvailableImage(target: target, sourceLanguage: target.kind == .source ? source : nil)
    }
}

private func nvidia(_ major: Int, _ minor: Int, driver: Int? = 13000, canCompileSource: Bool? = true) -> DeviceIdentity {
    DeviceIdentity(name: "GPU \(major).\(minor)", kind: .nvidia(ComputeCapability(major, minor), driverVersion: driver),
                   canCompileSource: canCompileSource)
}

private func intel(_ ip: String, acceptsSPIRV: Bool = true, canCompileSource: Bool? = true) throws -> DeviceIdentity {
    let version = try #require(IntelIPVersion(ip))
    return DeviceIdentity(name: "Intel \(ip)", kind: .intel(version, acceptsSPIRV: acceptsSPIRV),
                          canCompileSource: canCompileSource)
}

private func cpu(_ host: String?, acceptsSPIRV: Bool = false, canCompileSource: Bool? = true) -> DeviceIdentity {
    DeviceIdentity(name: "CPU", kind: .cpu(hostString: host, acceptsSPIRV: acceptsSPIRV), canCompileSource: canCompileSource)
}

private func resolve(_ device: DeviceIdentity, _ images: [AvailableImage], policy: JITPolicy = .auto) throws -> ResolutionPlan {
    try Resolver.resolve(module: "vector_add", device: device, images: images, policy: policy)
}

private func resolutionError(_ device: DeviceIdentity, _ images: [AvailableImage],
                             policy: JITPolicy = .auto) throws -> KilnError {
    try #require(throws: KilnError.self) { try resolve(device, images, policy: policy) }
}

private let znver3 = "cpu-x86-64-znver3"
private let skylake = "cpu-x86-64-skylake-avx512"

@Suite("Resolver")
struct ResolverTests {
    // MARK: NVIDIA

    @Test("an exact sm_XY cubin is loaded as aot", arguments: [
        (8, 0, ["sm_70", "sm_80", "sm_90", "compute_70", "source"], "sm_80"),
        (9, 0, ["sm_80", "sm_90", "compute_80", "source"], "sm_90"),
        (8, 6, ["sm_80", "sm_86", "compute_80"], "sm_86"),
        (12, 0, ["sm_120", "sm_100"], "sm_120"),
    ])
    func exactCubin(major: Int, minor: Int, bundle: [String], expected: String) throws {
        let plan = try resolve(nvidia(major, minor), images(bundle))
        #expect(plan.target.name == expected)
        #expect(plan.path == .aot)
        #expect(plan.conditions.isEmpty)
    }

    @Test("the a variant is preferred on its own compute capability", arguments: [
        ["sm_90", "sm_90a"], ["sm_90a", "sm_90"], ["compute_90", "sm_90", "sm_90a", "sm_80"],
    ])
    func archSpecificPreferred(bundle: [String]) throws {
        let plan = try resolve(nvidia(9, 0), images(bundle))
        #expect(plan.target == .sm(90, archSpecific: true))
        #expect(plan.path == .aot)
        #expect(plan.reason.contains("arch-specific"))
    }

    @Test("an a variant never serves another compute capability", arguments: [
        (10, 0, "sm_90a"), (10, 3, "sm_100a"), (12, 1, "sm_120a"), (9, 0, "sm_100a"),
    ])
    func archSpecificElsewhere(major: Int, minor: Int, cubin: String) throws {
        let error = try resolutionError(nvidia(major, minor, canCompileSource: false), images([cubin]))
        #expect(error.code == .noCompatibleImage)
        #expect(error.message.contains("cubin \(cubin) cannot run on \(major).\(minor)"))
        #expect(error.message.contains("arch-specific cubins run only on their own compute capability"))
    }

    @Test("on a higher minor the plain cubin serves where its a variant may not")
    func plainBeatsArchSpecificOnHigherMinor() throws {
        let plan = try resolve(nvidia(10, 3), images(["sm_100a", "sm_100"]))
        #expect(plan.target == .sm(100))
        #expect(plan.path == .aotCompatible)
    }

    @Test("a cubin of the same major and the highest lower minor is aot-compatible", arguments: [
        (8, 6, ["sm_80"], "sm_80"),
        (8, 9, ["sm_80", "sm_86"], "sm_86"),
        (8, 9, ["sm_86", "sm_88", "sm_80", "sm_87"], "sm_88"),
        (8, 7, ["sm_89", "sm_80", "sm_86"], "sm_86"),
        (10, 3, ["sm_100", "sm_90"], "sm_100"),
        (12, 1, ["sm_120", "compute_120"], "sm_120"),
    ])
    func sameMajorLowerMinor(major: Int, minor: Int, bundle: [String], expected: String) throws {
        let plan = try resolve(nvidia(major, minor), images(bundle))
        #expect(plan.target.name == expected)
        #expect(plan.path == .aotCompatible)
    }

    @Test("a cubin never serves another major, nor a lower minor of its own", arguments: [
        (9, 0, "sm_80"), (9, 0, "sm_89"), (10, 0, "sm_90"), (8, 0, "sm_90"), (12, 0, "sm_100"),
        (8, 0, "sm_86"), (10, 0, "sm_103"),
    ])
    func neverAcrossMajors(major: Int, minor: Int, cubin: String) throws {
        let error = try resolutionError(nvidia(major, minor, canCompileSource: false), images([cubin]))
        #expect(error.code == .noCompatibleImage)
        #expect(error.message.contains("cubin \(cubin) cannot run on \(major).\(minor)"))
        #expect(error.message.contains("add 'sm_\(major)\(minor)' to the device list"))
    }

    @Test("cubins come before PTX, and PTX before source")
    func nvidiaOrder() throws {
        #expect(try resolve(nvidia(9, 0), images(["source", "compute_90", "sm_90"])).target.name == "sm_90")
        #expect(try resolve(nvidia(8, 6), images(["source", "compute_86", "sm_80"])).target.name == "sm_80")
        let ptx = try resolve(nvidia(9, 0), images(["source", "compute_80", "sm_80"]))
        #expect(ptx.target.name == "compute_80")
        #expect(ptx.path == .jit)
        let source = try resolve(nvidia(9, 0), images(["source", "sm_80", "compute_100"], source: .cuda))
        #expect(source.target == .source)
        #expect(source.path == .jit)
    }

    @Test("PTX at or below the device is compiled by the driver, highest first", arguments: [
        (9, 0, ["compute_70", "compute_86", "compute_100"], "compute_86"),
        (9, 0, ["compute_90", "compute_80"], "compute_90"),
        (10, 0, ["compute_75", "compute_80"], "compute_80"),
        (12, 0, ["compute_70", "compute_89", "compute_120"], "compute_120"),
    ])
    func ptxHighestFirst(major: Int, minor: Int, bundle: [String], expected: String) throws {
        let plan = try resolve(nvidia(major, minor), images(bundle))
        #expect(plan.target.name == expected)
        #expect(plan.path == .jit)
    }

    @Test("PTX above the device is rejected")
    func ptxAboveDevice() throws {
        let error = try resolutionError(nvidia(8, 0, canCompileSource: false), images(["compute_86", "compute_90"]))
        #expect(error.code == .noCompatibleImage)
        #expect(error.message.contains("PTX compute_86 needs compute capability at least 8.6"))
        #expect(error.message.contains("PTX compute_90 needs compute capability at least 9.0"))
    }

    @Test("compute_XYa serves only its exact compute capability")
    func archSpecificPTX() throws {
        #expect(try resolve(nvidia(9, 0), images(["compute_90a"])).target.name == "compute_90a")
        #expect(try resolve(nvidia(10, 0), images(["compute_90a", "compute_80"])).target.name == "compute_80")
        let error = try resolutionError(nvidia(10, 0, canCompileSource: false), images(["compute_90a"]))
        #expect(error.code == .noCompatibleImage)
        #expect(error.message.contains("PTX compute_90a needs compute capability exactly 9.0"))
    }

    @Test("PTX whose ISA the driver accepts is used; a newer ISA is rejected", arguments: [
        (12040, "8.4", true), (12040, "8.5", false), (12040, "9.0", false),
        (12080, "8.7", true), (12080, "8.8", false), (12090, "8.8", true),
        (13000, "9.0", true), (13000, "9.1", false), (99000, "9.9", true),
    ])
    func ptxISA(driver: Int, isa: String, accepted: Bool) throws {
        let bundle = [AvailableImage(target: .compute(90), ptxISAVersion: isa)]
        let device = nvidia(9, 0, driver: driver, canCompileSource: false)
        if accepted {
            let plan = try resolve(device, bundle)
            #expect(plan.target == .compute(90))
            #expect(plan.conditions.isEmpty)
        } else {
            let error = try resolutionError(device, bundle)
            #expect(error.code == .noCompatibleImage)
            #expect(error.message.contains("PTX compute_90 is ISA \(isa), newer than the driver"))
            #expect(error.message.contains("update the NVIDIA driver"))
        }
    }

    @Test("PTX too new for the driver falls through to older PTX, then to source")
    func ptxTooNewFallsThrough() throws {
        let device = nvidia(9, 0, driver: 12040)
        let older = [AvailableImage(target: .compute(90), ptxISAVersion: "9.0"),
                     AvailableImage(target: .compute(80), ptxISAVersion: "8.0"),
                     AvailableImage(target: .source, sourceLanguage: .cuda)]
        #expect(try resolve(device, older).target == .compute(80))
        let source = [older[0], older[2]]
        #expect(try resolve(device, source).target == .source)
    }

    @Test("with the driver not known, PTX carries the condition that the driver accepts its ISA")
    func unknownDriver() throws {
        let plan = try resolve(nvidia(9, 0, driver: nil), [AvailableImage(target: .compute(90), ptxISAVersion: "9.0")])
        #expect(plan.target == .compute(90))
        #expect(plan.path == .jit)
        #expect(plan.conditions == ["the driver accepts PTX ISA 9.0 (CUDA 13.0 or newer)"])
    }

    @Test("source is compiled by NVRTC when it is there or may be", arguments: [
        (true as Bool?, [String]()), (nil, ["NVRTC is installed at run time"]),
    ])
    func sourceThroughNVRTC(canCompileSource: Bool?, conditions: [String]) throws {
        let plan = try resolve(nvidia(9, 0, canCompileSource: canCompileSource),
                               [AvailableImage(target: .sm(80)), AvailableImage(target: .source, sourceLanguage: .cuda)])
        #expect(plan.target == .source)
        #expect(plan.path == .jit)
        #expect(plan.reason.contains("NVRTC"))
        #expect(plan.conditions == conditions)
    }

    @Test("OpenCL C source is not offered to NVRTC, which compiles CUDA only: the error says so")
    func openCLSourceNotThroughNVRTC() throws {
        let error = try resolutionError(nvidia(9, 0, canCompileSource: true),
                                        [AvailableImage(target: .sm(80)), AvailableImage(target: .source, sourceLanguage: .openCLC)])
        #expect(error.code == .noCompatibleImage)
        #expect(error.message.contains("its source is opencl-c, which NVRTC cannot compile"), "\(error.message)")
    }

    @Test("source is not used where NVRTC is missing")
    func sourceWithoutNVRTC() throws {
        let error = try resolutionError(nvidia(9, 0, canCompileSource: false), images(["sm_80", "source"], source: .cuda))
        #expect(error.code == .noCompatibleImage)
        #expect(error.message.contains("its source needs NVRTC, which is not installed here"))
    }

    @Test("the error names the module, the device, the bundle's targets and the fix")
    func nvidiaErrorMessage() throws {
        let error = try resolutionError(nvidia(9, 0, canCompileSource: false), images(["spirv", "pvc", "sm_80", "source"]))
        #expect(error.code == .noCompatibleImage)
        #expect(error.message.hasPrefix("module 'vector_add' on GPU 9.0 (compute capability 9.0): no image in the bundle serves it"))
        #expect(error.message.contains("(bundle holds sm_80, pvc, spirv, source)"))
        #expect(error.message.hasSuffix(" — add 'sm_90' to the device list and rebuild"))
    }

    @Test("an empty bundle is named as holding nothing")
    func emptyBundle() throws {
        let error = try resolutionError(nvidia(8, 9), [])
        #expect(error.code == .noCompatibleImage)
        #expect(error.message.contains("(bundle holds nothing)"))
        #expect(error.message.contains("add 'sm_89'"))
    }

    // MARK: Intel

    @Test("a zebin of the device's exact IP version is loaded as aot", arguments: [
        ("12.60.7", "pvc"), ("12.55.8", "acm-g10"), ("12.56.5", "acm-g11"), ("12.0.0", "tgllp"),
    ])
    func exactZebin(ip: String, expected: String) throws {
        let plan = try resolve(intel(ip), images(["tgllp", "acm-g10", "acm-g11", "pvc", "spirv", "source"]))
        #expect(plan.target.name == expected)
        #expect(plan.path == .aot)
    }

    @Test("a zebin of another IP version is rejected, even a neighbour")
    func otherIPRejected() throws {
        let error = try resolutionError(intel("12.56.5", canCompileSource: false), images(["acm-g10", "acm-g12", "pvc"]))
        #expect(error.code == .noCompatibleImage)
        #expect(error.message.contains("zebin acm-g10 is for IP version 12.55.8, not 12.56.5"))
        #expect(error.message.contains("zebin acm-g12 is for IP version 12.57.0, not 12.56.5"))
        #expect(error.message.contains("(bundle holds acm-g10, acm-g12, pvc)"))
        #expect(error.message.hasSuffix(" — add 'acm-g11' to the device list and rebuild"))
    }

    @Test("SPIR-V is compiled where the driver takes it, else source")
    func spirv() throws {
        let bundle = try images(["acm-g10", "spirv", "source"])
        let taken = try resolve(intel("12.60.7", acceptsSPIRV: true), bundle)
        #expect(taken.target == .spirv)
        #expect(taken.path == .jit)
        let refused = try resolve(intel("12.60.7", acceptsSPIRV: false), bundle)
        #expect(refused.target == .source)
        #expect(refused.path == .jit)
        let error = try resolutionError(intel("12.60.7", acceptsSPIRV: false), images(["spirv"]))
        #expect(error.message.contains("its driver does not take SPIR-V"))
        #expect(error.message.contains("add 'pvc'"))
    }

    @Test("Intel compiles OpenCL C source, never CUDA")
    func intelSourceLanguage() throws {
        let openCL = try resolve(intel("12.60.7", canCompileSource: nil),
                                 [AvailableImage(target: .source, sourceLanguage: .openCLC)])
        #expect(openCL.target == .source)
        #expect(openCL.conditions == ["the OpenCL driver is installed at run time"])
        let error = try resolutionError(intel("12.60.7"), [AvailableImage(target: .source, sourceLanguage: .cuda)])
        #expect(error.code == .noCompatibleImage)
        #expect(error.message.contains("its source is cuda, which the OpenCL driver cannot compile"))
    }

    @Test("Intel ignores NVIDIA images")
    func intelIgnoresNVIDIA() throws {
        let error = try resolutionError(intel("12.60.7"), images(["sm_90", "compute_90"]))
        #expect(error.code == .noCompatibleImage)
    }

    // MARK: CPU

    @Test("a PoCL binary whose host string matches is loaded as aot")
    func cpuMatch() throws {
        let bundle = [AvailableImage(target: .cpu, hostString: znver3), AvailableImage(target: .source, sourceLanguage: .openCLC)]
        let plan = try resolve(cpu(znver3), bundle)
        #expect(plan.target == .cpu)
        #expect(plan.path == .aot)
        #expect(plan.conditions.isEmpty)
    }

    @Test("a PoCL binary for another CPU falls back to source")
    func cpuMismatch() throws {
        let bundle = [AvailableImage(target: .cpu, hostString: znver3), AvailableImage(target: .source, sourceLanguage: .openCLC)]
        let plan = try resolve(cpu(skylake), bundle)
        #expect(plan.target == .source)
        #expect(plan.path == .jit)
        let error = try resolutionError(cpu(skylake), [bundle[0]])
        #expect(error.code == .noCompatibleImage)
        #expect(error.message.contains("the PoCL binary is for \(znver3), this CPU is \(skylake)"))
    }

    @Test("a CPU driver that takes SPIR-V (Intel's CPU runtime) compiles the SPIR-V before the source; PoCL 3.1 does not")
    func cpuSPIRV() throws {
        let bundle = [AvailableImage(target: .cpu, hostString: znver3), AvailableImage(target: .spirv),
                      AvailableImage(target: .source, sourceLanguage: .openCLC)]
        let intelCPU = try resolve(cpu("Intel(R) OpenCL: AMD EPYC", acceptsSPIRV: true), bundle)
        #expect(intelCPU.target == .spirv)
        #expect(intelCPU.path == .jit)
        #expect(try resolve(cpu(skylake), bundle).target == .source, "no IL: the source")
        #expect(try resolve(cpu(znver3, acceptsSPIRV: true), bundle).target == .cpu, "a matching binary still wins")
    }

    @Test("with the host string not known, the PoCL binary is aot on the condition that it matches")
    func cpuUnknownHost() throws {
        let plan = try resolve(cpu(nil), [AvailableImage(target: .cpu, hostString: znver3)])
        #expect(plan.target == .cpu)
        #expect(plan.path == .aot)
        #expect(plan.conditions == ["this CPU's PoCL device string is \(znver3)"])
    }

    @Test("PoCL does not compile CUDA source")
    func cpuCUDASource() throws {
        let error = try resolutionError(cpu(skylake), [AvailableImage(target: .source, sourceLanguage: .cuda)])
        #expect(error.message.contains("its source is cuda, which the OpenCL driver cannot compile"))
    }

    // MARK: Policies

    @Test("never forbids a JIT where only a JIT serves", arguments: [
        (nvidia(9, 0), [AvailableImage(target: .sm(80)), AvailableImage(target: .compute(80))]),
        (nvidia(9, 0), [AvailableImage(target: .source, sourceLanguage: .cuda)]),
        (cpu(skylake), [AvailableImage(target: .cpu, hostString: znver3), AvailableImage(target: .source, sourceLanguage: .openCLC)]),
        (DeviceIdentity(name: "pvc", kind: .intel(IntelIPVersion(12, 60, 7), acceptsSPIRV: true)),
         [AvailableImage(target: .spirv)]),
    ])
    func neverForbidsJIT(device: DeviceIdentity, bundle: [AvailableImage]) throws {
        #expect(try resolve(device, bundle, policy: .auto).path == .jit)
        let error = try resolutionError(device, bundle, policy: .never)
        #expect(error.code == .jitForbidden)
        #expect(error.message.contains("KILN_JIT=never forbids compiling"))
        #expect(error.message.contains("or allow JIT"))
    }

    @Test("never still loads device binaries, exact or compatible")
    func neverAllowsAOT() throws {
        let exact = try resolve(nvidia(9, 0), images(["compute_90", "sm_90", "source"]), policy: .never)
        #expect(exact.target.name == "sm_90")
        #expect(exact.path == .aot)
        let compatible = try resolve(nvidia(8, 6), images(["compute_86", "sm_80"]), policy: .never)
        #expect(compatible.target.name == "sm_80")
        #expect(compatible.path == .aotCompatible)
        #expect(try resolve(intel("12.60.7"), images(["spirv", "pvc"]), policy: .never).target.name == "pvc")
    }

    @Test("never with nothing that serves is a plain no-compatible-image error")
    func neverWithNothing() throws {
        let error = try resolutionError(nvidia(9, 0, canCompileSource: false), images(["sm_80"]), policy: .never)
        #expect(error.code == .noCompatibleImage)
    }

    @Test("always skips device binaries for a portable form")
    func alwaysSkipsAOT() throws {
        let ptx = try resolve(nvidia(9, 0), images(["sm_90", "compute_90", "source"]), policy: .always)
        #expect(ptx.target.name == "compute_90")
        #expect(ptx.path == .jit)
        #expect(try resolve(nvidia(9, 0), images(["sm_90", "source"], source: .cuda), policy: .always).target == .source)
        #expect(try resolve(intel("12.60.7"), images(["pvc", "spirv"]), policy: .always).target == .spirv)
        let cpuBundle = [AvailableImage(target: .cpu, hostString: znver3), AvailableImage(target: .source, sourceLanguage: .openCLC)]
        #expect(try resolve(cpu(znver3), cpuBundle, policy: .always).target == .source)
    }

    @Test("always is an error where the bundle has no portable form the device can compile", arguments: [
        (nvidia(9, 0), ["sm_90"]),
        (nvidia(9, 0, canCompileSource: false), ["sm_90", "source"]),
        (nvidia(8, 0), ["sm_80", "compute_90"]),
        (DeviceIdentity(name: "pvc", kind: .intel(IntelIPVersion(12, 60, 7), acceptsSPIRV: false)), ["pvc", "spirv"]),
    ])
    func alwaysWithoutPortable(device: DeviceIdentity, bundle: [String]) throws {
        let error = try resolutionError(device, images(bundle), policy: .always)
        #expect(error.code == .noCompatibleImage)
        #expect(error.message.contains("KILN_JIT=always needs a portable form"))
        #expect(error.message.contains("rebuild with portable forms switched on"))
    }

    // MARK: Invariants

    /// Every NVIDIA target of the registry: cubins, `a` cubins, PTX and `a` PTX.
    static let nvidiaTargets: [Target] = TargetRegistry.standard.nvidiaArchitectures.flatMap { arch -> [Target] in
        let n = arch.capability.number
        var targets: [Target] = [.sm(n), .compute(n)]
        if arch.hasArchSpecificVariant { targets += [.sm(n, archSpecific: true), .compute(n, archSpecific: true)] }
        return targets
    }

    @Test("over every registry compute capability and many bundles, the NVIDIA rules hold",
          arguments: TargetRegistry.standard.nvidiaArchitectures.map(\.capability))
    func nvidiaInvariants(cc: ComputeCapability) throws {
        let pool = Self.nvidiaTargets + [.source]
        var bundles: [[Target]] = [[]]
        for i in pool.indices {
            bundles.append([pool[i]])
            for j in pool.indices where j > i { bundles.append([pool[i], pool[j]]) }
        }
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(cc.number)  // a fixed seed: the same bundles every run
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        for _ in 0..<400 {
            bundles.append((0..<(3 + next(6))).map { _ in pool[next(pool.count)] })
        }
        for policy in JITPolicy.allCases {
            for canCompileSource in [true, false] {
                let device = DeviceIdentity(name: "GPU", kind: .nvidia(cc, driverVersion: nil), canCompileSource: canCompileSource)
                for bundle in bundles {
                    try check(cc, device, bundle, policy)
                }
            }
        }
    }

    private func check(_ cc: ComputeCapability, _ device: DeviceIdentity, _ bundle: [Target], _ policy: JITPolicy) throws {
        let images = bundle.map { AvailableImage(target: $0, sourceLanguage: $0.kind == .source ? .cuda : nil) }
        var exact: [Target] = [], compatible: [Target] = [], ptx: [Target] = []
        for target in bundle {
            switch target.kind {
            case .cubin(let c, _) where c == cc: exact.append(target)
            case .cubin(let c, false) where c.major == cc.major && c.minor < cc.minor: compatible.append(target)
            case .ptx(let c, let a) where a ? c == cc : c <= cc: ptx.append(target)
            default: break
            }
        }
        let source = bundle.contains(.source) && device.canCompileSource == true
        let context: Comment = "\(cc) \(policy) \(bundle.map(\.name)) source \(device.canCompileSource ?? false)"

        let plan: ResolutionPlan
        do {
            plan = try resolve(device, images, policy: policy)
        } catch let error as KilnError {
            let aotPossible = !exact.isEmpty || !compatible.isEmpty
            let jitPossible = !ptx.isEmpty || source
            switch policy {
            case .auto: #expect(!aotPossible && !jitPossible && error.code == .noCompatibleImage, context)
            case .never: #expect(!aotPossible && error.code == (jitPossible ? .jitForbidden : .noCompatibleImage), context)
            case .always: #expect(!jitPossible && error.code == .noCompatibleImage, context)
            }
            return
        }
        switch (plan.path, plan.target.kind) {
        case (.aot, .cubin(let c, let a)):
            #expect(c == cc, context)
            #expect(policy != .always, context)
            // The a variant is preferred where both are there.
            #expect(a || !exact.contains(.sm(cc.number, archSpecific: true)), context)
        case (.aotCompatible, .cubin(let c, let a)):
            #expect(c.major == cc.major && c.minor < cc.minor && !a, context)
            #expect(policy != .always && exact.isEmpty, context)
            #expect(c == compatible.compactMap { if case .cubin(let c, _) = $0.kind { c } else { nil } }.max(), context)
        case (.jit, .ptx(let c, let a)):
            #expect(a ? c == cc : c <= cc, context)
            #expect(policy != .never, context)
            if policy == .auto { #expect(exact.isEmpty && compatible.isEmpty, context) }
            let best = ptx.compactMap { if case .ptx(let c, _) = $0.kind { c } else { nil } }.max()
            #expect(c == best, context)
        case (.jit, .source):
            #expect(source && ptx.isEmpty && policy != .never, context)
            if policy == .auto { #expect(exact.isEmpty && compatible.isEmpty, context) }
        default:
            Issue.record("path \(plan.path) with target \(plan.target.name): \(context)")
        }
    }
}
