import KilnCore
import KilnDrivers

/// One `cuMemAlloc` allocation holding a buffer and its guards; freed when the last reference goes.
final class CUDAMemory: DeviceMemory {
    let device: CUDADevice
    /// The allocation's first byte: the guard before the buffer, or the buffer when unguarded.
    let base: CUdeviceptr
    /// The guard on each side, in bytes.
    let guardBytes: Int

    init(device: CUDADevice, base: CUdeviceptr, guardBytes: Int) {
        self.device = device
        self.base = base
        self.guardBytes = guardBytes
    }

    deinit {
        // cuMemFree waits for work that may still use the memory.
        if (try? device.makeCurrent()) != nil {
            _ = device.calls.free(base)
        }
    }

    /// The device address kernels and copies see: the buffer's first byte.
    var address: CUdeviceptr { base + CUdeviceptr(guardBytes) }

    /// The device address `offset` bytes from the buffer's first byte.
    private func address(_ offset: Int) -> CUdeviceptr { address &+ CUdeviceptr(bitPattern: Int64(offset)) }

    func write<T: KernelScalar>(_ values: [T], at offset: Int, _ what: @autoclosure () -> String) throws(KilnError) {
        try device.makeCurrent()
        try device.calls.get(device.calls.copy(values, to: address(offset)), what())
    }

    func read<T: KernelScalar>(_ count: Int, as type: T.Type, at offset: Int, _ what: @autoclosure () -> String) throws(KilnError) -> [T] {
        try device.makeCurrent()
        return try device.calls.get(device.calls.copy(from: address(offset), count: count, as: T.self), what())
    }

    func fill(byte: UInt8, count: Int, _ what: @autoclosure () -> String) throws(KilnError) {
        try device.makeCurrent()
        try device.calls.get(device.calls.fill(address, byte: byte, count: count), what())
    }
}
