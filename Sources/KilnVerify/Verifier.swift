import KilnBundle
import KilnCore
import KilnRuntime

/// `kiln verify`: on every device of this machine, loads the exact images a bundle would use —
/// AOT images as shipped — resolves every module and every kernel, and runs Kiln's own kernels
/// against float64 references. The seed's promise that "final code executing on the target
/// device can be tested as-is before delivery".
public enum Verifier {
    /// What verification found on one device.
    public struct DeviceReport: Sendable, Encodable {
        public var device: String
        public var target: String
        public var modules: [ModuleReport]
        /// Driver bugs known to change results here, with their workarounds.
        public var knownIssues: [String] = []
        public var passed: Bool { modules.allSatisfy(\.passed) }
        /// Kernels run against a reference (and not left out of this device's image).
        public var checked: Int { modules.reduce(0) { $0 + $1.kernels.filter { $0.absent == nil }.count } }
        /// Kernels that loaded but that no reference check covers.
        public var unchecked: Int { modules.reduce(0) { $0 + $1.unchecked.count } }

        private enum CodingKeys: String, CodingKey { case device, target, modules, passed, checked, unchecked }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(device, forKey: .device)
            try container.encode(target, forKey: .target)
            try container.encode(modules, forKey: .modules)
            try container.encode(passed, forKey: .passed)
            try container.encode(checked, forKey: .checked)
            try container.encode(unchecked, forKey: .unchecked)
        }
    }

    /// One module on one device.
    public struct ModuleReport: Sendable, Encodable {
        public var module: String
        public var resolution: ResolutionRecord?
        /// Kernels found in the loaded image.
        public var kernelsResolved: Int
        public var kernels: [KernelReport]
        /// Kernels that loaded but that no reference check covers: loaded, not checked.
        public var unchecked: [String] = []
        /// Why the module failed to load, or a kernel could not be found.
        public var error: String?
        public var passed: Bool { error == nil && kernels.allSatisfy(\.passed) }
    }

    /// One kernel run against its reference.
    public struct KernelReport: Sendable, Encodable {
        public var kernel: String
        public var error: Double?
        public var tolerance: Double
        public var failure: String?
        /// Why the kernel was not run, where that is no failure: compiled out of this device's image.
        public var absent: String?
        public var passed: Bool { failure == nil && (absent != nil || (error ?? .infinity) <= tolerance) }
    }

    /// Every image of the bundle, read and checked against its SHA-256 whether or not a device
    /// here uses it: a program checks only the images it loads, so damage in the others shows here.
    public struct ImagesReport: Sendable, Encodable {
        /// How many images were read.
        public var checked: Int
        /// The images that cannot be used, each with why.
        public var damaged: [String]
    }

    /// The whole run.
    public struct Report: Sendable, Encodable {
        public var bundle: String
        public var policy: JITPolicy
        public var images: ImagesReport
        public var devices: [DeviceReport]
        public var unavailable: [ComputeDevice.Unavailable]
        public var passed: Bool { !devices.isEmpty && devices.allSatisfy(\.passed) && images.damaged.isEmpty }
    }

    /// Reads every image of a bundle and checks it against its SHA-256, `jobs` images at once.
    static func checkImages(_ reader: BundleReader, jobs: Int) throws(KilnError) -> ImagesReport {
        let entries = try reader.entries()
        let damaged = reader.damagedImages(entries, jobs: jobs).map { "\($0.entry.module) × \($0.entry.target): \($0.error)" }
        return ImagesReport(checked: entries.count, damaged: damaged)
    }

    /// Verifies a bundle on the given devices (by default, every device of this machine).
    ///
    /// - Parameters:
    ///   - path: The bundle's path.
    ///   - policy: The JIT policy to resolve every module under.
    ///   - trustedKeys: The keys one of which must have signed the bundle; `TrustedKeys.none`
    ///     checks no signature.
    ///   - found: The devices to verify on, and the families found unavailable, as
    ///     ``ComputeDevice/all(_:)`` returns them.
    ///   - jobs: How many images to read and check at once (`kiln verify` gives one per processor).
    ///   - progress: Called with a line of progress as each device is started.
    /// - Throws: `KilnError` only when the bundle cannot be opened at all, or (`.untrustedBundle`)
    ///   trusted keys are given and none of them signed it as it is; everything else is a report.
    public static func verify(bundle path: String, policy: JITPolicy, trustedKeys: TrustedKeys = .none,
                              devices found: (devices: [ComputeDevice], unavailable: [ComputeDevice.Unavailable]) = ComputeDevice.all(),
                              jobs: Int = 1, progress: @Sendable (String) -> Void = { _ in }) throws(KilnError) -> Report {
        let reader = try BundleReader.checked(path: path)
        try reader.requireSignature(trustedBy: trustedKeys)
        let manifest = try reader.manifest()
        progress("checking every image against its SHA-256")
        let images = try checkImages(reader, jobs: jobs)
        var reports: [DeviceReport] = []
        for device in found.devices {
            progress("verifying on \(device.summary)")
            var modules: [ModuleReport] = []
            let session: BundleSession
            do {
                session = try BundleSession(reader: reader, device: device, policy: policy, trustedKeys: trustedKeys)
            } catch {
                reports.append(DeviceReport(device: device.summary, target: device.target.name, modules: [
                    ModuleReport(module: "*", resolution: nil, kernelsResolved: 0, kernels: [], error: "\(error)")]))
                continue
            }
            for module in manifest.modules {
                var report = ModuleReport(module: module.name, resolution: nil, kernelsResolved: 0, kernels: [], error: nil)
                do {
                    for record in module.kernels {
                        // A Result, not `catch … where`, which Swift 6.3.1 crashes on over a typed-throws body.
                        let found = Result { () throws(KilnError) in try session.kernel(record.name, in: module.name) }
                        if case .failure(let error) = found, error.code == .imageNotFound, let targets = record.targets {
                            report.kernels.append(KernelReport(kernel: record.name, error: nil, tolerance: 0, failure: nil,
                                                               absent: "compiled out of this device's image; the bundle has it for \(targets.joined(separator: ", "))"))
                            continue
                        }
                        let kernel = try found.get()
                        report.kernelsResolved += 1
                        guard let check = ReferenceChecks.all.first(where: { $0.applies(to: record, in: module.name) }) else {
                            report.unchecked.append(record.name)
                            continue
                        }
                        do {
                            let error = try check.run(kernel, device)
                            report.kernels.append(KernelReport(kernel: record.name, error: error, tolerance: check.tolerance,
                                                               failure: error <= check.tolerance ? nil : "error \(error) over \(check.tolerance)"))
                        } catch {
                            report.kernels.append(KernelReport(kernel: record.name, error: nil, tolerance: check.tolerance,
                                                               failure: "\(error)"))
                        }
                    }
                } catch {
                    report.error = "\(error)"
                }
                report.resolution = session.resolutions.first { $0.module == module.name }
                modules.append(report)
            }
            reports.append(DeviceReport(device: device.summary, target: device.target.name, modules: modules,
                                        knownIssues: device.knownIssues))
        }
        return Report(bundle: path, policy: policy, images: images, devices: reports, unavailable: found.unavailable)
    }
}
