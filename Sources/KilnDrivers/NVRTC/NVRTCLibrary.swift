#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import KilnCore

/// Where to look for one of NVIDIA's pip-installable libraries (libnvrtc, libnvJitLink), in
/// Kiln's search order: an override variable, CUDA_HOME, /usr/local/cuda, a project-local
/// `.toolchains/NAME`, then pip site-packages.
package struct NVRTCLocator: Sendable {
    /// File names tried in each directory, newest first.
    package var libraryNames = ["libnvrtc.so.13", "libnvrtc.so"]
    /// pip wheel layouts under a site-packages (or `--target`) folder: CUDA 13, then CUDA 12.
    package var pipLayouts = ["nvidia/cu13/lib", "nvidia/cuda_nvrtc/lib"]
    /// The variable that names the library file directly.
    package var overrideVariable = "KILN_NVRTC"
    /// The library as errors name it.
    package var displayName = "NVRTC (libnvrtc.so.13), which compiles CUDA C++ (.cu),"
    /// How to install it, for errors.
    package var install = NVRTCLocator.nvrtcInstall

    /// How to install NVRTC and nvJitLink, as scripts/setup.sh does.
    package static let nvrtcInstall = "python3 -m pip install --target .toolchains/nvrtc nvidia-cuda-nvrtc==13.0.88 (what scripts/setup.sh does)"
    package static let nvJitLinkInstall = "python3 -m pip install --target .toolchains/nvjitlink nvidia-nvjitlink==13.0.88 (what scripts/setup.sh does)"

    /// The environment to read (`KILN_NVRTC`, `CUDA_HOME`, `VIRTUAL_ENV`, `HOME`, ...).
    package var environment: [String: String]
    /// Project-local toolchain roots that `pip install --target` filled, e.g. `.toolchains/nvrtc`.
    package var toolchainRoots: [String]

    /// A locator reading the process environment and `.toolchains/nvrtc` in the current folder or
    /// beside the running executable (`kiln` built in a Kiln checkout finds what setup.sh installed there).
    package init(environment: [String: String] = ProcessEnvironment.current,
         toolchainRoots: [String] = NVRTCLocator.toolchainRoots("nvrtc")) {
        self.environment = environment
        self.toolchainRoots = toolchainRoots
    }

    /// `.toolchains/NAME` in the current folder, then in each folder above the running executable.
    package static func toolchainRoots(_ name: String) -> [String] {
        var roots = [".toolchains/\(name)"]
        guard var folder = ProcessEnvironment.executable else { return roots }
        while let slash = folder.lastIndex(of: "/"), slash != folder.startIndex {
            folder = String(folder[..<slash])
            if access(folder + "/.toolchains/\(name)", F_OK) == 0 {
                roots.append(folder + "/.toolchains/\(name)")
                break
            }
        }
        return roots
    }

    /// A locator for libnvJitLink (`KILN_NVJITLINK`, `.toolchains/nvjitlink`, pip's nvidia-nvjitlink).
    package static func nvJitLink(environment: [String: String] = ProcessEnvironment.current) -> NVRTCLocator {
        var locator = NVRTCLocator(environment: environment, toolchainRoots: toolchainRoots("nvjitlink"))
        locator.libraryNames = ["libnvJitLink.so.13", "libnvJitLink.so"]
        locator.pipLayouts = ["nvidia/cu13/lib", "nvidia/nvjitlink/lib"]
        locator.overrideVariable = "KILN_NVJITLINK"
        locator.displayName = "nvJitLink (libnvJitLink.so.13), which makes cubins from OpenCL C,"
        locator.install = nvJitLinkInstall
        return locator
    }

    /// The candidate directories, in order, after the `KILN_NVRTC` override.
    package func candidateDirectories() -> [String] {
        var dirs: [String] = []
        if let cudaHome = environment["CUDA_HOME"], !cudaHome.isEmpty { dirs.append(cudaHome + "/lib64") }
        dirs.append("/usr/local/cuda/lib64")
        var pipRoots = toolchainRoots.map(Self.absolute)
        if let venv = environment["VIRTUAL_ENV"] { pipRoots += Self.glob(venv + "/lib/python3*/site-packages") }
        if let home = environment["HOME"] {
            pipRoots += Self.glob(home + "/.local/lib/python3*/site-packages")
            let pyenv = environment["PYENV_ROOT"] ?? home + "/.pyenv"
            pipRoots += Self.glob(pyenv + "/versions/*/lib/python3*/site-packages")
        }
        pipRoots += Self.glob("/usr/local/lib/python3*/site-packages")
        pipRoots += Self.glob("/usr/local/lib/python3*/dist-packages") + ["/usr/lib/python3/dist-packages"]
        for root in pipRoots { dirs += pipLayouts.map { root + "/" + $0 } }
        return dirs
    }

    /// Finds the library, or throws saying where it looked and how to install it.
    ///
    /// - Throws: `KilnError.toolchainUnavailable`.
    package func locate() throws(KilnError) -> String {
        if let override = environment[overrideVariable], !override.isEmpty {
            guard Self.isFile(override) else {
                throw KilnError(.toolchainUnavailable, "\(overrideVariable)=\(override) does not exist — unset it, or install \(displayName.prefix { $0 != " " }): \(install)")
            }
            return Self.absolute(override)
        }
        var searched: [String] = []
        for dir in candidateDirectories() {
            for name in libraryNames {
                let path = dir + "/" + name
                if Self.isFile(path) { return path }
                searched.append(path)
            }
        }
        throw KilnError(.toolchainUnavailable,
            "\(displayName) was not found in \(searched.count) places (first: \(searched.first ?? "none")) — install it: \(install), or point \(overrideVariable) at the file")
    }

    /// True when `path` exists and is not a directory (symlinks are followed).
    package static func isFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) != S_IFDIR
    }

    /// `path` made absolute against the current directory.
    package static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        guard let cwd = getcwd(nil, 0) else { return path }
        defer { free(cwd) }
        return String(cString: cwd) + "/" + path
    }

    /// Paths matching a shell `pattern`, sorted descending so newer pythons come first.
    package static func glob(_ pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard Glibc.glob(pattern, 0, nil, &result) == 0 else { return [] }
        return (0..<Int(result.gl_pathc)).compactMap { result.gl_pathv[$0].map { String(cString: $0) } }
            .sorted(by: >)
    }
}

/// A loaded libnvrtc plus its builtins library; loading happens once per process.
package final class NVRTCLibrary: Sendable {
    /// The libnvrtc file that was opened.
    package let path: String
    /// The libnvrtc-builtins file that was opened first-class, next to `path`.
    package let builtinsPath: String
    /// `nvrtcVersion()` as (major, minor).
    package let version: (major: Int, minor: Int)
    /// The entry points.
    package let symbols: NVRTCSymbols

    /// The process-wide library found by the default `NVRTCLocator`.
    package static func shared() throws(KilnError) -> NVRTCLibrary {
        try sharedResult.get()
    }

    /// Loaded lazily and thread-safely on first use (Swift globals are `dispatch_once`d).
    private static let sharedResult: Result<NVRTCLibrary, KilnError> = Result {
        () throws(KilnError) -> NVRTCLibrary in try NVRTCLibrary(path: NVRTCLocator().locate())
    }

    /// Opens libnvrtc at `path`, resolves its symbols, then opens libnvrtc-builtins from the same folder.
    ///
    /// libnvrtc opens `libnvrtc-builtins.so.<major>.<minor>` by bare name only when compiling, so it
    /// fails with `NVRTC_ERROR_BUILTIN_OPERATION_FAILURE` unless that file is on the loader path;
    /// opening it here by absolute path registers its soname, and the later lookup finds it.
    package init(path: String) throws(KilnError) {
        let install = "Kiln needs NVRTC 13: \(NVRTCLocator.nvrtcInstall)"
        let library = try SharedLibrary.open([path], code: .toolchainUnavailable, install: install)
        let symbols = try NVRTCSymbols(from: library)
        var major: Int32 = 0, minor: Int32 = 0
        let status = NVRTCStatus(rawValue: symbols.nvrtcVersion(&major, &minor))
        guard status == .success else {
            throw KilnError(.toolchainUnavailable, "nvrtcVersion failed in \(path) (\(status)) — \(install)", cause: status)
        }

        let directories = Self.directories(of: path)
        let isAlt = path.contains("libnvrtc.alt.")
        let names = [isAlt ? "libnvrtc-builtins.alt.so.\(major).\(minor)" : "libnvrtc-builtins.so.\(major).\(minor)",
                     "libnvrtc-builtins.so"]
        var tried: [String] = []
        var found: String?
        search: for dir in directories {
            for name in names {
                let candidate = dir + "/" + name
                tried.append(candidate)
                if NVRTCLocator.isFile(candidate) { found = candidate; break search }
            }
        }
        guard let builtins = found else {
            throw KilnError(.toolchainUnavailable, "libnvrtc-builtins is missing next to libnvrtc (tried \(tried.joined(separator: ", "))) — reinstall: \(install)")
        }
        _ = try SharedLibrary.open([builtins], global: true, code: .toolchainUnavailable, install: install)

        self.path = path
        self.builtinsPath = builtins
        self.version = (Int(major), Int(minor))
        self.symbols = symbols
    }

    /// The GPU architectures this NVRTC accepts, e.g. `[75, 80, 86, ..., 120, 121]` for 13.0.
    package func supportedArchitectures() -> [Int] {
        var count: Int32 = 0
        guard symbols.nvrtcGetNumSupportedArchs(&count) == 0, count > 0 else { return [] }
        var archs = [Int32](repeating: 0, count: Int(count))
        guard symbols.nvrtcGetSupportedArchs(&archs) == 0 else { return [] }
        return archs.map(Int.init)
    }

    /// The folder holding `path`, then the folder of its resolved symlink target if different.
    private static func directories(of path: String) -> [String] {
        func parent(_ p: String) -> String {
            guard let slash = p.lastIndex(of: "/") else { return "." }
            return String(p[..<slash])
        }
        var result = [parent(path)]
        if let real = realpath(path, nil) {
            defer { free(real) }
            let resolved = parent(String(cString: real))
            if resolved != result[0] { result.append(resolved) }
        }
        return result
    }
}
