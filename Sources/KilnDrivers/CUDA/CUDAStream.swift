import KilnCore

/// A queue of work on one GPU: launches on it run in order; a different stream may overlap them.
public final class CUDAStream: Sendable {
    /// The device the stream belongs to.
    public let device: CUDADevice
    package let handle: CUDAHandle

    package init(device: CUDADevice) throws(KilnError) {
        self.device = device
        try device.makeCurrent()
        handle = CUDAHandle(try device.calls.get(device.calls.createStream(), "creating a stream on \(device.summary)"))
    }

    deinit {
        if (try? device.makeCurrent()) != nil {
            _ = device.calls.destroyStream(handle.raw)
        }
    }

    /// Waits until all work on the stream has finished.
    ///
    /// - Throws: `KilnError.driverError` carrying any fault of the stream's work.
    public func synchronize() throws(KilnError) {
        try device.makeCurrent()
        try device.calls.get(device.calls.synchronize(stream: handle.raw), "waiting for a stream on \(device.summary)")
    }
}
