import KilnCore

/// Everything that can go wrong while finding, loading or driving NVRTC.
enum NVRTCError: Error, Sendable, CustomStringConvertible {
    /// No libnvrtc was found; `searched` lists every candidate path, in order.
    case libraryNotFound(searched: [String])
    /// `KILN_NVRTC` names a file that does not exist.
    case overrideNotFound(path: String)
    /// `dlopen` refused a file that exists.
    case loadFailed(path: String, reason: String)
    /// The library lacks an entry point Kiln needs.
    case missingSymbol(name: String, library: String)
    /// libnvrtc-builtins is not next to libnvrtc; `searched` lists the names tried.
    case builtinsNotFound(searched: [String])
    /// An API call failed outside compilation (e.g. `nvrtcCreateProgram`).
    case call(function: String, status: NVRTCStatus)
    /// `nvrtcCompileProgram` failed; `log` is NVRTC's program log (`name(line): error: ...`).
    case compilation(name: String, status: NVRTCStatus, log: String)

    /// The pip command that installs the supported NVRTC.
    static let installHint = "python3 -m pip install nvidia-cuda-nvrtc==13.0.88"

    var description: String {
        switch self {
        case .libraryNotFound(let searched):
            return """
                NVRTC (libnvrtc.so.13) was not found. Install it with:
                    \(Self.installHint)
                or into a project-local folder:
                    python3 -m pip install --target .toolchains/nvrtc nvidia-cuda-nvrtc==13.0.88   (what scripts/setup.sh does)
                or point KILN_NVRTC at a libnvrtc.so* file. Searched:
                \(searched.map { "    " + $0 }.joined(separator: "\n"))
                """
        case .overrideNotFound(let path):
            return "KILN_NVRTC=\(path) does not exist. Unset it, or install NVRTC with: \(Self.installHint)"
        case .loadFailed(let path, let reason):
            return "cannot load \(path): \(reason)"
        case .missingSymbol(let name, let library):
            return "\(library) has no symbol \(name); Kiln needs NVRTC 13 (\(Self.installHint))"
        case .builtinsNotFound(let searched):
            return "libnvrtc-builtins is missing next to libnvrtc (tried \(searched.joined(separator: ", "))); reinstall with: \(Self.installHint)"
        case .call(let function, let status):
            return "\(function) failed: \(status)"
        case .compilation(let name, let status, let log):
            return "\(name): NVRTC compile failed with \(status)\n\(log)"
        }
    }
}

extension NVRTCError {
    /// The error as Kiln reports it.
    var kilnError: KilnError {
        switch self {
        case .compilation:
            KilnError(.compilationFailed, description)
        case .call:
            KilnError(.compilationFailed, description, cause: self)
        case .libraryNotFound, .overrideNotFound, .loadFailed, .missingSymbol, .builtinsNotFound:
            KilnError(.toolchainUnavailable, description, cause: self)
        }
    }
}
