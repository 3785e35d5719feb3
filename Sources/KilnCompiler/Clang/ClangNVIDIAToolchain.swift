import KilnBundle
import KilnCore
import Synchronization
import KilnDrivers

/// OpenCL C (`.cl`) for NVIDIA targets: clang + libclc make PTX (``ClangOpenCL``), and nvJitLink
/// links that PTX into a cubin for each `sm_XY` — also for architectures newer than clang knows.
///
/// `compute_XY` gets the PTX itself, at `sm_XY` or clang's newest architecture if lower. Local
/// pointer parameters are rebased on dynamic shared memory (``PTXLocalParameters``).
public struct ClangNVIDIAToolchain: Toolchain {
    /// The OpenCL C compiler.
    public let clang: ClangOpenCL
    let linker: NVJitLink
    /// The checked, rewritten PTX of each module at each architecture clang writes, made once per
    /// build: `sm_80` and `compute_80` share one PTX, and so do `sm_90`, `sm_100` and `sm_120`
    /// (clang's newest architecture is sm_90).
    private let made = PTXMemo()

    /// Finds clang, libclc and nvJitLink.
    ///
    /// - Throws: `KilnError.toolchainUnavailable` naming what is missing and how to install it.
    public init(clang: ClangOpenCL) throws(KilnError) {
        self.clang = clang
        linker = try NVJitLink.shared()
    }

    /// `clang VERSION + nvjitlink MAJOR.MINOR`.
    public var identity: String { "\(clang.identity) + nvjitlink \(linker.version.major).\(linker.version.minor)" }

    public var languages: Set<SourceLanguage> { [.openCLC] }

    public func builds(_ target: Target) -> Bool {
        switch target.kind {
        case .cubin, .ptx: true
        default: false
        }
    }

    public func invocation(for module: SourceModule, target: Target) -> String {
        guard let capability = target.computeCapability else { return "" }
        let ptx = clang.ptxInvocation(file: module.path, capability: capability)
        if case .cubin = target.kind { return ptx + " | nvJitLink -arch=\(target.name) -O3" }
        return ptx
    }

    /// The PTX architecture: `sm_80` and `compute_80` share one PTX, and so do `sm_90` and newer.
    public func sharedWork(for module: SourceModule, target: Target) -> String? {
        target.computeCapability.map { "clang ptx sm_\(clang.architecture(for: $0))" }
    }

    public func compile(_ module: SourceModule, for target: Target) async throws(KilnError) -> CompiledImage {
        guard let capability = target.computeCapability, module.language == .openCLC else {
            throw KilnError(.toolchainUnavailable, "\(identity) builds OpenCL C for NVIDIA targets, not \(module.path) for \(target.name)")
        }
        let ptx = try await made.ptx(module: module, architecture: clang.architecture(for: capability)) { () async throws(KilnError) in
            let text = String(decoding: try await clang.ptx(module, capability: capability, target: target.name), as: UTF8.self)
            try Self.checkResolved(text, module: module, target: target)
            return try PTXLocalParameters.rewrite(text, kernels: module.kernels)
        }
        let isa = ptx.split(separator: "\n").first { $0.hasPrefix(".version ") }
            .map { String($0.dropFirst(".version ".count)).trimmingWhitespace() }
        guard case .cubin = target.kind else {
            return CompiledImage(bytes: Array(ptx.utf8), ptxISAVersion: isa)
        }
        let linker = linker
        return CompiledImage(bytes: try await runBlocking { () throws(KilnError) in
            try linker.cubin(ptx: Array(ptx.utf8), name: module.path, architecture: target.name)
        })
    }

    /// Refuses PTX that calls a function nothing defines: a builtin libclc has no NVIDIA version of
    /// (`read_imagef`, samplers), which nvJitLink would only report as an undefined mangled name.
    ///
    /// - Throws: `KilnError.compilationFailed` naming the kernel and the builtin.
    static func checkResolved(_ ptx: String, module: SourceModule, target: Target) throws(KilnError) {
        let lines = ptx.split(separator: "\n")
        let undefined = lines.filter { $0.hasPrefix(".extern .func") }.compactMap { $0.split(separator: " ").last.map(String.init) }
        guard let symbol = undefined.first else { return }
        var kernel = "a kernel"
        var entry: String?
        for (index, line) in lines.enumerated() {
            if let range = line.firstRange(of: ".entry ") { entry = String(line[range.upperBound...].prefix { $0 != "(" && !$0.isWhitespace }) }
            if line.contains("call"), lines[index...].prefix(3).contains(where: { $0.contains(symbol) }), let entry {
                kernel = "kernel '\(entry)'"
                break
            }
        }
        throw KilnError(.compilationFailed,
            "\(module.path) for \(target.name): \(kernel) uses '\(Self.demangled(symbol))', which has no NVIDIA implementation (libclc has none: OpenCL images and samplers do not exist on NVIDIA GPUs) — keep that kernel out of NVIDIA builds with #ifndef __NVPTX__ … #endif, or leave NVIDIA targets out")
    }

    /// The function name in an Itanium-mangled symbol (`_Z11read_imagef…` → `read_imagef`), or the symbol.
    static func demangled(_ symbol: String) -> String {
        guard symbol.hasPrefix("_Z") else { return symbol }
        let rest = symbol.dropFirst(2)
        let digits = rest.prefix { $0.isNumber }
        guard let length = Int(digits) else { return symbol }
        return String(rest.dropFirst(digits.count).prefix(length))
    }
}

/// PTX already made, by module text and architecture; two jobs that need the same PTX at once
/// wait for one compile.
private final class PTXMemo: Sendable {
    private let made = Mutex<[String: Task<String, any Error>]>([:])

    /// The PTX under a key, made by `make` the first time (a failure is not kept: it is made, and
    /// reported, again for the next target).
    func ptx(module: SourceModule, architecture: Int, make: @escaping @Sendable () async throws(KilnError) -> String) async throws(KilnError) -> String {
        let key = "\(module.sha256) sm_\(architecture)"
        let task = made.withLock { made in
            if let task = made[key] { return task }
            let task = Task { try await make() }
            made[key] = task
            return task
        }
        do {
            return try await task.value
        } catch {
            made.withLock { made in
                if made[key] == task { made[key] = nil }
            }
            throw .wrapping(error, as: .compilationFailed, "making PTX for sm_\(architecture)")
        }
    }
}

extension Target {
    /// The compute capability of an NVIDIA target; nil for other families.
    var computeCapability: ComputeCapability? {
        switch kind {
        case .cubin(let capability, _), .ptx(let capability, _): capability
        default: nil
        }
    }
}
