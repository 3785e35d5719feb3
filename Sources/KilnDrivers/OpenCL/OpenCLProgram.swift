import KilnCore

/// A built OpenCL program on one device — Kiln's module — made from a device binary, SPIR-V or source.
public final class OpenCLProgram: Sendable {
    /// The module's name, for messages.
    public let name: String
    /// The device it is built for.
    public let device: OpenCLDevice
    /// The build log (warnings; empty when clean).
    public let log: String
    package let handle: OpenCLHandle
    package let session: OpenCLSession

    /// How a program's code is given.
    package enum Input {
        case binary([UInt8]), il([UInt8]), source([UInt8])
    }

    /// Builds a program from a device binary (a zebin, a PoCL binary).
    ///
    /// - Throws: `KilnError.driverError` if the device refuses the binary (`CL_INVALID_BINARY`).
    public convenience init(binary: [UInt8], name: String, device: OpenCLDevice) throws(KilnError) {
        try self.init(.binary(binary), name: name, device: device)
    }

    /// Compiles SPIR-V with the driver (`clCreateProgramWithIL`).
    ///
    /// - Throws: `KilnError.unsupported` where the device takes no IL; `.compilationFailed` with the build log.
    public convenience init(spirv: [UInt8], name: String, device: OpenCLDevice) throws(KilnError) {
        guard device.takesSPIRV else {
            throw KilnError(.unsupported,
                "\(device.summary) takes no SPIR-V (its IL versions: \(device.ilVersions.isEmpty ? "none" : device.ilVersions.joined(separator: " "))) — use the source form, or a device binary")
        }
        try self.init(.il(spirv), name: name, device: device)
    }

    /// Compiles OpenCL C source with the driver (`clCreateProgramWithSource`).
    ///
    /// - Throws: `KilnError.compilationFailed` with the build log.
    public convenience init(source: [UInt8], name: String, device: OpenCLDevice) throws(KilnError) {
        try self.init(.source(source), name: name, device: device)
    }

    package init(_ input: Input, name: String, device: OpenCLDevice) throws(KilnError) {
        self.name = name
        self.device = device
        let session = try device.session()
        self.session = session
        let calls = device.calls
        let context = session.context.raw
        let created: Result<CLHandle, OpenCLStatus>
        let what: String
        switch input {
        case .binary(let bytes):
            created = calls.programWithBinary(context: context, device: device.handle.raw, bytes)
            what = "loading the device binary of module '\(name)' on \(device.summary)"
        case .il(let bytes):
            created = calls.programWithIL(context: context, bytes)
            what = "loading the SPIR-V of module '\(name)' on \(device.summary)"
        case .source(let bytes):
            created = calls.programWithSource(context: context, bytes)
            what = "loading the source of module '\(name)' on \(device.summary)"
        }
        var fix: String?
        if case .binary = input { fix = "the binary was built for another device or driver; rebuild the bundle with '\(device.target.name)' in the device list" }
        let program = try calls.get(created, what, fix: fix)
        switch calls.build(program, device: device.handle.raw, options: "") {
        case .success:
            log = calls.buildLog(program, device: device.handle.raw).trimmingWhitespace()
            handle = OpenCLHandle(program)
        case .failure(let status):
            let log = calls.buildLog(program, device: device.handle.raw).trimmingWhitespace()
            calls.releaseProgram(program)
            if case .binary = input {
                throw calls.error(status, "building module '\(name)' from its device binary on \(device.summary)\(log.isEmpty ? "" : ":\n" + log)",
                                  fix: "rebuild the bundle with '\(device.target.name)' in the device list")
            }
            throw KilnError(.compilationFailed,
                "module '\(name)' did not compile on \(device.summary) (\(status)):\n\(log.isEmpty ? "(the driver gave no log)" : log)",
                cause: status)
        }
    }

    deinit {
        device.calls.releaseProgram(handle.raw)
    }

    /// The program's device binary (`CL_PROGRAM_BINARIES`), which ``init(binary:name:device:)`` loads.
    ///
    /// - Throws: `KilnError.driverError` if the driver cannot give it.
    public func binary() throws(KilnError) -> [UInt8] {
        try device.calls.get(device.calls.binary(of: handle.raw), "reading the binary of module '\(name)' on \(device.summary)")
    }

    /// The names of the kernels the built program holds, as the driver reports them.
    ///
    /// - Throws: `KilnError.driverError` if the driver cannot give them.
    public func kernelNames() throws(KilnError) -> [String] {
        try device.calls.get(device.calls.kernelNames(of: handle.raw), "reading the kernel names of module '\(name)' on \(device.summary)")
    }
}
