import KilnBundle
import KilnCore
@testable import KilnRuntime
import Testing

@Suite("Checked mode: KILN_CHECKED and the guard pattern")
struct GuardRegionsSettingTests {
    @Test("KILN_CHECKED=1 turns guards on; unset, empty or 0 leaves them off")
    func settings() throws {
        #expect(try GuardRegions.enabled(by: "1"))
        for off in [nil, "", "0"] as [String?] { #expect(try !GuardRegions.enabled(by: off)) }
        #expect(try GuardRegions.enabled(false) == false)
        #expect(try GuardRegions.enabled(true))
    }

    @Test("any other value of KILN_CHECKED is an error naming it and the fix", arguments: ["yes", "true", "2", "\u{1B}[31m"])
    func badSetting(_ value: String) throws {
        let error = try #require(throws: KilnError.self) { try GuardRegions.enabled(by: value) }
        #expect(error.code == .invalidArgument)
        #expect(error.message.contains("KILN_CHECKED='\(value.terminalSafe())'") && error.message.contains("KILN_CHECKED=1"), "\(error.message)")
    }

    @Test("guards are at least 4 KiB and a whole number of the device's alignment", arguments: [1, 128, 256, 3000, 8192])
    func size(_ alignment: Int) {
        let size = GuardRegions.size(alignment: alignment)
        #expect(size >= GuardRegions.minimumBytes && size % alignment == 0 && size < GuardRegions.minimumBytes + alignment)
    }

    @Test("changed guard bytes are reported as offsets from the buffer's first byte, on each side")
    func offsets() {
        var before = GuardRegions.pattern(count: 16), after = GuardRegions.pattern(count: 16)
        #expect(GuardRegions.changedOffsets(before: before, after: after, byteCount: 40).before == nil)
        before[13] ^= 1; before[15] ^= 0xFF
        after[0] ^= 0x80; after[3] ^= 1
        let changed = GuardRegions.changedOffsets(before: before, after: after, byteCount: 40)
        #expect(changed.before == -3 ... -1)
        #expect(changed.after == 40...43)
        #expect(changed.count == (2, 2))
    }
}

@Suite("Checked mode on PoCL: guard regions catch writes outside a buffer",
       .enabled(if: OpenCLFixtures.pocl != nil, "PoCL (pocl-opencl-icd) is not installed"))
struct GuardRegionsPoCLTests {
    let device = OpenCLFixtures.pocl!

    static let source = """
        __kernel void past_end(__global float* y, int n) { int i = get_global_id(0); if (i <= n) y[i] = 7.0f; }
        __kernel void before_start(__global float* y, int n) { int i = get_global_id(0); if (i < n) y[i - 1] = 7.0f; }
        __kernel void in_bounds(__global float* y, int n) { int i = get_global_id(0); if (i < n) y[i] = 7.0f; }
        """

    func kernel(_ name: String) throws -> DeviceKernel {
        let program = try OpenCLProgram(source: Array(Self.source.utf8), name: "guards", device: device)
        return try program.kernel(KernelRecord(name: name, parameters: [
            ParameterRecord(name: "y", type: "float*", addressSpace: "global"), ParameterRecord(name: "n", type: "int"),
        ]))
    }

    /// A guarded buffer of `count` floats, each 1.
    func buffer(_ count: Int) throws -> DeviceBuffer {
        let buffer = try DeviceBuffer(device: .openCL(device), byteCount: count * 4, elementType: .float32, guarded: true)
        try buffer.upload([Float](repeating: 1, count: count))
        return buffer
    }

    @Test("a kernel that writes one element past the end is an error naming the kernel, the buffer, the side and the offsets")
    func pastEnd() throws {
        let y = try buffer(15)
        let error = try #require(throws: KilnError.self) {
            try kernel("past_end").launch(grid: Dim3(1), block: Dim3(16), arguments: [.buffer(y), .int(15)])
        }
        #expect(error.code == .bufferOverrun)
        #expect(error.message.contains("kernel 'past_end' wrote outside the buffer of parameter 'y' (index 0, float*)"), "\(error.message)")
        #expect(error.message.contains("past its end (4 bytes changed at offsets 60…63)"), "\(error.message)")
        #expect(error.message.contains("first changed byte at offset 60") && !error.message.contains("before its start"), "\(error.message)")
        #expect(try y.download(as: Float.self) == [Float](repeating: 7, count: 15))
    }

    @Test("a kernel that writes one element before the start is an error naming that side")
    func beforeStart() throws {
        let y = try buffer(16)
        let error = try #require(throws: KilnError.self) {
            try kernel("before_start").launch(grid: Dim3(1), block: Dim3(16), arguments: [.buffer(y), .int(16)])
        }
        #expect(error.code == .bufferOverrun)
        #expect(error.message.contains("kernel 'before_start'") && error.message.contains("parameter 'y'"), "\(error.message)")
        #expect(error.message.contains("before its start (4 bytes changed at offsets -4…-1)"), "\(error.message)")
        #expect(error.message.contains("first changed byte at offset -4") && !error.message.contains("past its end"), "\(error.message)")
    }

    @Test("a kernel that stays inside its buffer passes, and guards are restored after an overrun")
    func inBounds() throws {
        let y = try buffer(15)
        try kernel("in_bounds").launch(grid: Dim3(1), block: Dim3(16), arguments: [.buffer(y), .int(15)])
        #expect(try y.download(as: Float.self) == [Float](repeating: 7, count: 15))
        #expect(throws: KilnError.self) { try kernel("past_end").launch(grid: Dim3(1), block: Dim3(16), arguments: [.buffer(y), .int(15)]) }
        try kernel("in_bounds").launch(grid: Dim3(1), block: Dim3(16), arguments: [.buffer(y), .int(15)])
        let (before, after) = try y.readGuards()
        #expect(before == GuardRegions.pattern(count: y.guardBytes) && after == before)
    }

    @Test("an unguarded buffer carries no guards and is not checked")
    func unguarded() throws {
        let y = try DeviceBuffer(device: .openCL(device), byteCount: 64, elementType: .float32, guarded: false)
        #expect(y.guardBytes == 0 && (y.memory as? OpenCLMemory)?.visible == (y.memory as? OpenCLMemory)?.allocation)
        try kernel("in_bounds").launch(grid: Dim3(1), block: Dim3(16), arguments: [.buffer(y), .int(16)])
        #expect(try y.download(as: Float.self) == [Float](repeating: 7, count: 16))
    }
}
