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
}
