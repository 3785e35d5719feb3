#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import KilnBundle
import KilnCore

/// The checked mode: with `KILN_CHECKED=1`, every buffer is allocated with guard bytes before
/// and after the part a kernel sees, filled with a known pattern, and every launch that takes a
/// guarded buffer waits for the kernel and compares the guards: a kernel that wrote outside its
/// buffer is a `KilnError.bufferOverrun` naming the kernel, the parameter, the side and the
/// offsets it changed, instead of memory corrupted in silence.
///
/// A write that skips over the guard (more than ``minimumBytes`` past the end) is not seen;
/// nor is a write of exactly the pattern's byte. The mode costs a synchronisation and two small
/// copies per buffer per launch, so it is for development and tests.
enum GuardRegions {
    /// The environment variable that turns the mode on for buffers allocated after it is set.
    static let variable = "KILN_CHECKED"
    /// The guard on each side, in bytes, at least (more where the device aligns sub-buffers wider).
    static let minimumBytes = 4096

    /// Whether a value of `KILN_CHECKED` asks for guards: `1` yes; unset, empty or `0` no.
    ///
    /// - Throws: `KilnError.invalidArgument` for any other value, naming it.
    static func enabled(by value: String?) throws(KilnError) -> Bool {
        switch value {
        case nil, "", "0": return false
        case "1": return true
        case let other?:
            throw KilnError(.invalidArgument,
                "\(variable)='\(other.terminalSafe())' is not a setting — use \(variable)=1 to guard every buffer and check it after each launch, or leave it unset")
        }
    }

    /// Whether a buffer allocated now gets guards: as `requested`, or else as the environment says.
    static func enabled(_ requested: Bool?) throws(KilnError) -> Bool {
        if let requested { return requested }
        return try enabled(by: getenv(variable).map { String(cString: $0) })
    }

    /// The guard size for a device that aligns buffers to `alignment` bytes.
    static func size(alignment: Int) -> Int {
        let step = max(alignment, 1)
        return (minimumBytes + step - 1) / step * step
    }

    /// The pattern a guard of `count` bytes holds: position-dependent, so a shifted copy of it differs.
    static func pattern(count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: 0xA5 ^ ($0 &* 29)) }
    }

    /// Offsets, relative to the buffer's first byte, of the guard bytes that differ from the pattern:
    /// negative before the buffer, `byteCount` and up after it.
    static func changedOffsets(before: [UInt8], after: [UInt8], byteCount: Int) -> (before: ClosedRange<Int>?, after: ClosedRange<Int>?, count: (Int, Int)) {
        let expectedBefore = pattern(count: before.count), expectedAfter = pattern(count: after.count)
        let badBefore = before.indices.filter { before[$0] != expectedBefore[$0] }.map { $0 - before.count }
        let badAfter = after.indices.filter { after[$0] != expectedAfter[$0] }.map { $0 + byteCount }
        func range(_ offsets: [Int]) -> ClosedRange<Int>? { offsets.first.map { $0...offsets[offsets.count - 1] } }
        return (range(badBefore), range(badAfter), (badBefore.count, badAfter.count))
    }

    /// After a launch: waits for it, then checks the guards of every guarded buffer it was given,
    /// and restores them before throwing, so the next launch is checked afresh.
    ///
    /// - Throws: `KilnError.bufferOverrun` for the first buffer whose guards changed, naming the
    ///   kernel, the parameter, the buffer, each side and the offsets changed.
    static func check(_ values: [LaunchValue], of kernel: KernelRecord,
                      synchronize: () throws(KilnError) -> Void) throws(KilnError) {
        var guarded: [(index: Int, buffer: DeviceBuffer)] = []
        for (index, value) in values.enumerated() {
            if case .buffer(let buffer) = value, let buffer = buffer as? DeviceBuffer, buffer.guardBytes > 0,
               !guarded.contains(where: { $0.buffer === buffer }) {
                guarded.append((index, buffer))
            }
        }
        guard !guarded.isEmpty else { return }
        try synchronize()
        for (index, buffer) in guarded {
            let (before, after) = try buffer.readGuards()
            let changed = changedOffsets(before: before, after: after, byteCount: buffer.byteCount)
            guard changed.before != nil || changed.after != nil else { continue }
            try buffer.writeGuards()
            let parameter = kernel.parameters[index]
            var sides: [String] = []
            if let range = changed.before {
                sides.append("before its start (\(changed.count.0) byte\(changed.count.0 == 1 ? "" : "s") changed at offsets \(range.lowerBound)…\(range.upperBound))")
            }
            if let range = changed.after {
                sides.append("past its end (\(changed.count.1) byte\(changed.count.1 == 1 ? "" : "s") changed at offsets \(range.lowerBound)…\(range.upperBound))")
            }
            let first = changed.before?.lowerBound ?? changed.after!.lowerBound
            throw KilnError(.bufferOverrun,
                "kernel '\(kernel.name)' wrote outside the buffer of parameter '\(parameter.name)' (index \(index), \(parameter.type)): \(sides.joined(separator: " and ")); the buffer is bytes 0…\(buffer.byteCount - 1) (\(buffer.summary)), first changed byte at offset \(first) — check the kernel's index arithmetic and bounds test against the sizes passed at launch")
        }
    }
}
