// Runs the target's kernels on every device of this machine, from the bundle Kiln's plugin
// built, and says which path each module took: aot (a device binary as shipped), jit (the
// portable form compiled here), jit-cached (compiled on an earlier run).
import Foundation
import KilnRuntime

guard let bundle = Bundle.module.path(forResource: "Saxpy", ofType: "kiln") else {
    fatalError("the plugin's bundle is missing from the resources")
}
let (devices, unavailable) = ComputeDevice.all()
for family in unavailable { print("\(family.family): \(family.reason)") }
guard !devices.isEmpty else {
    print("no device to run on")
    exit(1)
}
var failed = false
for device in devices {
    do {
        let session = try BundleSession(bundle: bundle, device: device)
        let n = 1 << 20, a: Float = 2
        let x = (0..<n).map { _ in Float.random(in: -1...1) }, y = (0..<n).map { _ in Float.random(in: -1...1) }
        let bx = try device.makeBuffer(x), by = try device.makeBuffer(y)
        try session.kernel("saxpy").launch(grid: Dim3((n + 255) / 256), block: 256,
                                           arguments: [.float32(a), bx.argument, by.argument, .int32(Int32(n))])
        let out: [Float] = try by.download()
        let worst = zip(out, zip(x, y)).map { abs(Double($0) - (Double(a) * Double($1.0) + Double($1.1))) }.max() ?? .infinity
        let record = session.resolutions[0]
        let ok = worst < 1e-5
        failed = failed || !ok
        print("\(device.summary): saxpy via \(record.path.rawValue) (\(record.target)) in \(Int(record.seconds * 1000)) ms — \(ok ? "ok" : "WRONG, max error \(worst)")")
    } catch {
        failed = true
        print("\(device.summary): \(error)")
    }
}
exit(failed ? 1 : 0)
