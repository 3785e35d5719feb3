// OpenCL's C types, as cl.h declares them.
/// `cl_int`: a status code or a signed 32-bit value.
package typealias cl_int = Int32
/// `cl_uint`: an unsigned 32-bit value.
package typealias cl_uint = UInt32
/// `cl_bitfield`, `cl_device_type`, `cl_mem_flags`: 64-bit flags.
package typealias cl_bitfield = UInt64
/// `cl_platform_id`, `cl_device_id`, `cl_context`, `cl_command_queue`, `cl_mem`, `cl_program`,
/// `cl_kernel`, `cl_event`: opaque handles.
package typealias CLHandle = OpaquePointer
