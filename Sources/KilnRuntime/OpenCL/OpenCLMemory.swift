import KilnCore
import KilnDrivers

/// One `clCreateBuffer` allocation holding a buffer and its guards, with the sub-buffer a kernel
/// sees when it is guarded; released when the last reference goes.
final class OpenCLMemory: DeviceMemory {
    let device: OpenCLDevice
    let session: OpenCLSession
    /// The whole allocation, guards included.
    let allocation: OpenCLHandle
    /// What kernels see: a sub-buffer between the guards, or the allocation when unguarded.
    let visible: OpenCLHandle
    /// The guard on each side, in bytes.
    let guardBytes: Int

    init(device: OpenCLDevice, session: OpenCLSession, allocation: OpenCLHandle, visible: OpenCLHandle, guardBytes: Int) {
        self.device = device
        self.session = session
        self.allocation = allocation
        self.visible = visible
        self.guardBytes = guardBytes
    }

    deinit {
        // clReleaseMemObject defers the release until queued work that uses the buffer has finished.
        if visible != allocation { device.calls.releaseBuffer(visible.raw) }
        device.calls.releaseBuffer(allocation.raw)
    }

    func write<T: KernelScalar>(_ values: [T], at offset: Int, _ what: @autoclosure () -> String) throws(KilnError) {
        try device.calls.get(device.calls.write(values, to: allocation.raw, offset: guardBytes + offset, queue: session.queue.raw), what())
    }

    func read<T: KernelScalar>(_ count: Int, as type: T.Type, at offset: Int, _ what: @autoclosure () -> String) throws(KilnError) -> [T] {
        try device.calls.get(device.calls.read(allocation.raw, offset: guardBytes + offset, count: count, as: T.self, queue: session.queue.raw), what())
    }

    func fill(byte: UInt8, count: Int, _ what: @autoclosure () -> String) throws(KilnError) {
        try device.calls.get(device.calls.fill(visible.raw, byte: byte, count: count, queue: session.queue.raw), what())
    }
}
