#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension OpenCLRuntime {
    /// The environment variable through which PoCL takes its work-group specialisation setting.
    public static let workGroupSpecializationVariable = "POCL_WORK_GROUP_SPECIALIZATION"

    /// Asks PoCL to run the generic work-group function a `cpu` binary carries, instead of
    /// compiling a specialised one at the first launch of each work-group size, by setting
    /// `POCL_WORK_GROUP_SPECIALIZATION=0` unless it is already set.
    ///
    /// PoCL takes this setting only from the environment, so this is a `setenv`, which is not safe
    /// while another thread reads the environment. Kiln never calls it on its own: a program
    /// that wants it calls it first thing in `main`, before it starts threads and before OpenCL is
    /// loaded. The `kiln` command does. Measured with PoCL 3.1 (DESIGN.md): the first launch
    /// of a `cpu` binary takes ≈11 ms with it, against 70–80 ms for each new work-group size
    /// without it; PoCL's specialised code may run faster, which is the trade. A value already set
    /// (`1` to keep specialising) is left alone.
    ///
    /// - Returns: Whether the variable was set; false where it was already set.
    @discardableResult
    public static func preferGenericWorkGroups() -> Bool {
        guard getenv(workGroupSpecializationVariable) == nil else { return false }
        return setenv(workGroupSpecializationVariable, "0", 0) == 0
    }

    /// The environment variable through which PoCL takes the folder of its kernel cache.
    public static let cacheFolderVariable = "POCL_CACHE_DIR"

    /// Gives PoCL a kernel cache folder that only builds use (`POCL_CACHE_DIR`), in place of the
    /// one set or PoCL's default (`~/.cache/pocl`).
    ///
    /// A PoCL `cpu` binary is the program's folder in PoCL's kernel cache, packed: besides the
    /// bitcode and the generic work-group functions it holds every specialised work-group function
    /// that any process sharing the cache compiled for the same program (at its launches). A build
    /// that shares the cache programs run from therefore writes images that depend on what ran
    /// before it. PoCL's compiles are not byte-reproducible on their own (a fresh folder gives new
    /// bytes), so builds share one folder of their own, where the first build's compile is reused
    /// and nothing is ever launched: `kiln build` calls this first thing with `CACHE_ROOT/pocl-build`.
    /// Like ``preferGenericWorkGroups()`` it is a `setenv`: call it before threads and before OpenCL is loaded.
    ///
    /// - Parameter folder: The builds' folder.
    /// - Returns: Whether the variable was set.
    @discardableResult
    public static func usePrivatePoCLCache(_ folder: String) -> Bool {
        setenv(cacheFolderVariable, folder, 1) == 0
    }
}
