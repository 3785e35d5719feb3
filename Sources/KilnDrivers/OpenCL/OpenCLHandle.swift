/// An OpenCL object handle that may cross threads: OpenCL's API is thread-safe for every
/// call Kiln makes except `clSetKernelArg`, which the runtime serialises per kernel (a `DeviceKernel`'s
/// arguments are set and enqueued under one lock).
package struct OpenCLHandle: @unchecked Sendable, Hashable {
    /// The driver's pointer.
    package let raw: CLHandle

    package init(_ raw: CLHandle) {
        self.raw = raw
    }
}
