import KilnCore
import KilnRuntime

/// `KilnStartupProbe launch-limits BUNDLE [FAMILY,…]`: on every device here (of the families), launches over a kernel's own
/// limits are refused by Kiln before the driver sees them, and launches within them run.
///
/// BUNDLE holds bench/gpu/kernels/local_limits.cl (every device) and, for NVIDIA,
/// bench/gpu/kernels/launch_bounds.cu. Prints one `PASS:` or `FAIL:` line per check and returns
/// the number of failures.
func launchLimits(bundle: String, families: Set<Family>) throws -> Int {
    var failures = 0
    func check(_ passed: Bool, _ what: String) {
        print("\(passed ? "PASS" : "FAIL"): \(what)")
        if !passed { failures += 1 }
    }
    /// The error a launch threw, or nil if it ran.
    func refusal(_ launch: () throws -> Void) -> KilnError? {
        do {
            try launch()
            return nil
        } catch let error as KilnError {
            return error
        } catch {
            return KilnError(.driverError, "\(error)")
        }
    }
    let found = ComputeDevice.all(families)
    check(!found.devices.isEmpty, found.devices.isEmpty
          ? "a device to run on: " + found.unavailable.map { "\($0.family): \($0.reason)" }.joined(separator: "; ")
          : "a device to run on: \(found.devices.map(\.summary).joined(separator: ", "))")
    for device in found.devices {
        let session = try BundleSession(bundle: bundle, device: device)
        let n = 64
        if device.target.family == .nvidia {
            // __launch_bounds__(64): the driver reports at most 64 threads per block for the kernel.
            let bounded = try session.kernel("bounded", in: "launch_bounds")
            check(bounded.limits.maxThreadsPerBlock <= 64 && bounded.limits.maxThreadsPerBlock < bounded.limits.deviceMaxThreadsPerBlock,
                  "\(device.summary): bounded reports \(bounded.limits.maxThreadsPerBlock) threads per block (__launch_bounds__(64)), under the device's \(bounded.limits.deviceMaxThreadsPerBlock)")
            let out = try device.makeBuffer([Int32](repeating: 0, count: 2 * n))
            let error = refusal { try bounded.launch(grid: 1, block: 2 * n, arguments: [out.argument, .int(3)]) }
            check(error?.code == .invalidLaunch && error?.message.contains("kernel 'bounded' allows at most \(bounded.limits.maxThreadsPerBlock) work-items per work-group") == true,
                  "\(device.summary): block 128 is refused by Kiln: \(error?.message ?? "it ran")")
            check(try out.download(as: Int32.self) == [Int32](repeating: 0, count: 2 * n), "\(device.summary): the refused launch wrote nothing")
            try bounded.launch(grid: 2, block: n, arguments: [out.argument, .int(3)])
            check(try out.download(as: Int32.self) == [Int32](repeating: 3, count: 2 * n), "\(device.summary): block 64 runs")
        }
        // 1 KiB declared in the kernel, the rest asked for at launch.
        let staged = try session.kernel("staged", in: "local_limits")
        let limits = staged.limits
        check(limits.staticLocalBytes >= 1024 && limits.deviceLocalBytes > limits.staticLocalBytes,
              "\(device.summary): staged declares \(limits.staticLocalBytes) bytes of local memory, of the device's \(limits.deviceLocalBytes)")
        let out = try device.makeBuffer([Int32](repeating: -1, count: n))
        let over = limits.deviceLocalBytes - limits.staticLocalBytes + 4
        let error = refusal { try staged.launch(grid: 1, block: n, arguments: [out.argument, .local(bytes: over)]) }
        check(error?.code == .invalidLaunch && error?.message.contains("kernel 'staged' needs") == true
                && error?.message.contains("over this device's \(limits.deviceLocalBytes)") == true,
              "\(device.summary): .local(bytes: \(over)) is refused by Kiln: \(error?.message ?? "it ran")")
        check(try out.download(as: Int32.self) == [Int32](repeating: -1, count: n), "\(device.summary): the refused launch wrote nothing")
        try staged.launch(grid: 1, block: n, arguments: [out.argument, .local(bytes: 4 * n)])
        check(try out.download(as: Int32.self) == (0..<Int32(n)).map { 3 * $0 }, "\(device.summary): staged within the limit runs")
    }
    print(failures == 0 ? "launch-limits: all checks passed" : "launch-limits: \(failures) checks failed")
    return failures
}
