import KilnCore
import KilnDrivers
import Synchronization

/// A kernel object (`clCreateKernel`) of a built program; released when the last reference goes.
final class OpenCLFunction: Sendable {
    let device: OpenCLDevice
    let handle: OpenCLHandle
    /// Held from the first `clSetKernelArg` to the enqueue: a kernel's arguments are shared state.
    let launching = Mutex<Void>(())

    init(device: OpenCLDevice, handle: OpenCLHandle) {
        self.device = device
        self.handle = handle
    }

    deinit {
        device.calls.releaseKernel(handle.raw)
    }
}
