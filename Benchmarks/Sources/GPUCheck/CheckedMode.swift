import KilnCore
import KilnRuntime

/// `GPUCheck checked BUNDLE` under `KILN_CHECKED=1`: on every device here, the kernels of
/// bench/gpu/kernels/overrun.cl — one element past the end and one before the start must each be
/// a `bufferOverrun` naming the kernel, `y` and the side; the kernel that stays inside must pass
/// and leave the buffer right.
func checkedMode(_ path: String) throws {
    check(ProcessInfoShim.environment["KILN_CHECKED"] == "1", "KILN_CHECKED=1 is set")
    let found = ComputeDevice.all()
    check(!found.devices.isEmpty, "a device to run on")
    for device in found.devices {
        let session = try BundleSession(bundle: path, device: device)
        let n = 1000
        for (kernel, side) in [("past_end", "past its end"), ("before_start", "before its start")] {
            let y = try device.makeBuffer([Float](repeating: 1, count: n))
            let launched = try session.kernel(kernel)
            do {
                try launched.launch(grid: (n + 127) / 128 + 1, block: 128, arguments: [y.argument, .int(n)])
                check(false, "\(device.summary): \(kernel) is caught")
            } catch {
                check(error.code == .bufferOverrun && error.message.contains("kernel '\(kernel)'") && error.message.contains(side),
                      "\(device.summary): \(kernel) is caught: \(error.message)")
            }
        }
        let y = try device.makeBuffer([Float](repeating: 1, count: n))
        try session.kernel("in_bounds").launch(grid: (n + 127) / 128, block: 128, arguments: [y.argument, .int(n)])
        let values: [Float] = try y.download()
        check(values == [Float](repeating: 7, count: n), "\(device.summary): in_bounds passes and writes every element")
    }
}
