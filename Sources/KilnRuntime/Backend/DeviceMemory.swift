import KilnCore

/// The memory of one buffer on one device, guard regions included; freed when the last reference goes.
///
/// Offsets count from the first byte a kernel sees: negative offsets reach into the guard
/// before it, offsets from the buffer's size on into the guard after it.
protocol DeviceMemory: AnyObject, Sendable {
    /// Copies values into the memory at a byte offset.
    func write<T: KernelScalar>(_ values: [T], at offset: Int, _ what: @autoclosure () -> String) throws(KilnError)
    /// Copies `count` values out of the memory from a byte offset; waits for earlier work.
    func read<T: KernelScalar>(_ count: Int, as type: T.Type, at offset: Int, _ what: @autoclosure () -> String) throws(KilnError) -> [T]
    /// Sets the first `count` bytes a kernel sees to one value.
    func fill(byte: UInt8, count: Int, _ what: @autoclosure () -> String) throws(KilnError)
}
