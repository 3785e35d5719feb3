import KilnCore

/// A device's context and its in-order queue, released together.
package final class OpenCLSession: Sendable {
    package let calls: OpenCLCalls
    package let context: OpenCLHandle
    package let queue: OpenCLHandle

    package init(device: OpenCLDevice) throws(KilnError) {
        calls = device.calls
        let context = try calls.get(calls.createContext(device: device.handle.raw), "creating a context on \(device.summary)")
        switch calls.createQueue(context: context, device: device.handle.raw) {
        case .success(let queue):
            self.context = OpenCLHandle(context)
            self.queue = OpenCLHandle(queue)
        case .failure(let status):
            calls.releaseContext(context)
            throw calls.error(status, "creating a command queue on \(device.summary)")
        }
    }

    deinit {
        _ = calls.finish(queue.raw)
        calls.releaseQueue(queue.raw)
        calls.releaseContext(context.raw)
    }
}
