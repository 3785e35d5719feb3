import KilnBundle
import KilnCore
import KilnRuntime

/// A check of one of Kiln's own kernels on a device: fresh random inputs, outputs poisoned
/// first, every element compared with a float64 reference computed here.
public struct ReferenceCheck: Sendable {
    /// The module and kernel it checks.
    public var module: String
    public var kernel: String
    /// The parameter types the kernel must have for the check to apply (so a user's kernel of
    /// the same name is never run with Kiln's arguments).
    public var parameterTypes: [String]
    /// Runs the kernel and compares; returns the worst error found.
    let run: @Sendable (DeviceKernel, ComputeDevice) throws -> Double
    /// The largest error that passes.
    public var tolerance: Double

    /// Whether the check applies to a kernel record.
    public func applies(to record: KernelRecord, in module: String) -> Bool {
        module == self.module && record.name == kernel && record.parameters.map(\.type) == parameterTypes
    }
}

/// What comparing an output with its reference found.
enum Compare {
    /// ‖out − ref‖ / ‖ref‖; infinity if an element is NaN (unwritten, since outputs are poisoned) or the counts differ.
    static func relative(_ out: [Float], _ ref: [Double]) -> Double {
        guard out.count == ref.count else { return .infinity }
        var num = 0.0, den = 0.0
        for (o, r) in zip(out, ref) {
            guard !o.isNaN else { return .infinity }
            num += (Double(o) - r) * (Double(o) - r)
            den += r * r
        }
        return (num / max(den, 1e-300)).squareRoot()
    }

    /// The largest |out − ref|; infinity on a NaN or a count mismatch.
    static func absolute(_ out: [Float], _ ref: [Double]) -> Double {
        guard out.count == ref.count else { return .infinity }
        var worst = 0.0
        for (o, r) in zip(out, ref) {
            guard !o.isNaN else { return .infinity }
            worst = max(worst, abs(Double(o) - r))
        }
        return worst
    }

    /// 0 when equal, else 1.
    static func exact<T: Equatable>(_ out: [T], _ ref: [T]) -> Double { out == ref ? 0 : 1 }
}

/// Random inputs in [-1, 1].
func randomFloats(_ count: Int) -> [Float] {
    (0..<count).map { _ in Float.random(in: -1...1) }
}

/// A buffer of `count` NaNs: an output that a kernel must overwrite.
func poisoned(_ device: ComputeDevice, _ count: Int) throws(KilnError) -> DeviceBuffer {
    try device.makeBuffer([Float](repeating: .nan, count: count))
}

func groups(_ n: Int, _ size: Int) -> Int { (n + size - 1) / size }
