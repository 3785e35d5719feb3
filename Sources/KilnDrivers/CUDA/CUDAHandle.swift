/// A driver handle (context, module, function, stream) held by a Kiln object.
///
/// The CUDA driver API is thread-safe and its handles may be used from any thread once the
/// owning context is current, so a handle may cross threads.
package struct CUDAHandle: @unchecked Sendable, Hashable {
    /// The driver's pointer.
    package let raw: CUhandle

    package init(_ raw: CUhandle) {
        self.raw = raw
    }
}
