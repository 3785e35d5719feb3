import KilnBundle
import KilnCompiler
import KilnCore
@testable import KilnRuntime
import Testing

/// Launch checks on a real driver, with kernel records as clang lists them for a build: the
/// work-group size a kernel requires, the kernel's own limits as PoCL reports them, and integer
/// arguments narrowed to each parameter's width.
@Suite("Launch checks on PoCL, with records from clang",
       .enabled("needs PoCL and clang-16 with libclc") { let clang = await OpenCLFixtures.clang; return OpenCLFixtures.pocl != nil && clang != nil })
struct OpenCLLaunchChecksTests {
    let device = OpenCLFixtures.pocl!

    static let source = """
        __attribute__((reqd_work_group_size(8, 1, 1))) kernel void fixed(global int* x) { x[get_global_id(0)] = 5; }
        kernel void widths(global long* out, long a, uint b, int c, ulong d) {
            if (get_global_id(0) == 0) { out[0] = a; out[1] = b; out[2] = c; out[3] = (long)d; }
        }
        kernel void staged(global int* out, local int* scratch) {
            local int tile[256];
            int i = get_local_id(0);
            tile[i] = i; scratch[i] = 2 * i;
            barrier(CLK_LOCAL_MEM_FENCE);
            out[get_global_id(0)] = tile[i] + scratch[i];
        }
        kernel void oversized(global int* out) {
            local int huge[1048576];
            huge[get_local_id(0)] = 1;
            barrier(CLK_LOCAL_MEM_FENCE);
            out[get_global_id(0)] = huge[0];
        }
        """

    /// A kernel of the source, compiled by PoCL, with the record clang made for it.
    func kernel(_ name: String) async throws -> DeviceKernel {
        var module = try SourceModule(name: "checks", path: "checks.cl", language: .openCLC, text: Self.source)
        module.kernels = try await #require(await OpenCLFixtures.clang).kernels(of: module)
        let record = try #require(module.kernels.first { $0.name == name })
        return try OpenCLProgram(source: Array(Self.source.utf8), name: "checks", device: device).kernel(record)
    }

    @Test("a block other than reqd_work_group_size is refused before PoCL sees it; the required block runs")
    func requiredSize() async throws {
        let fixed = try await kernel("fixed")
        #expect(fixed.record.requiredWorkGroupSize == [8, 1, 1])
        let x = try device.makeBuffer([Int32](repeating: 0, count: 16))
        let error = try #require(throws: KilnError.self) { try fixed.launch(grid: Dim3(1), block: Dim3(16), arguments: [.buffer(x)]) }
        #expect(error.code == .invalidLaunch, "the driver, not Kiln, refused it: \(error.message)")
        #expect(error.message.contains("kernel 'fixed' requires work-groups of 8×1×1 (reqd_work_group_size)"), "\(error.message)")
        #expect(try x.download(as: Int32.self) == [Int32](repeating: 0, count: 16))
        try fixed.launch(grid: Dim3(2), block: Dim3(8), arguments: [.buffer(x)])
        #expect(try x.download(as: Int32.self) == [Int32](repeating: 5, count: 16))
    }

    @Test("a block over the device's work-group limit is refused before PoCL sees it")
    func deviceLimit() async throws {
        let fixed = try await kernel("widths")
        let out = try device.makeBuffer([Int64](repeating: 0, count: 4))
        let limit = device.launchLimits.maxThreadsPerBlock
        let error = try #require(throws: KilnError.self) {
            try fixed.launch(grid: Dim3(1), block: Dim3(limit + 1), arguments: [.buffer(out), .int(1), .int(2), .int(3), .int(4)])
        }
        #expect(error.code == .invalidLaunch && error.message.contains("over the device's limit"), "\(error.message)")
    }

    @Test("a kernel's limits are read when it is looked up: its work-group size and the local memory it declares")
    func limitsRead() async throws {
        let staged = try await kernel("staged").limits
        #expect(staged.staticLocalBytes == 1024, "local int tile[256]")
        #expect(staged.deviceLocalBytes == device.localMemory && device.localMemory > 1024)
        // PoCL 3.1 reports the device's work-group size for every kernel (measured: plain, with
        // reqd_work_group_size, with 16 KiB of private memory), so here the kernel's limit is the device's.
        #expect(staged.maxThreadsPerBlock >= 1 && staged.maxThreadsPerBlock <= device.launchLimits.maxThreadsPerBlock)
        #expect(staged.deviceMaxThreadsPerBlock == device.launchLimits.maxThreadsPerBlock)
        await #expect(try kernel("widths").limits.staticLocalBytes == 0)
    }

    @Test("local memory asked for at launch beyond what the kernel leaves of the device's is refused before PoCL sees it; within it runs")
    func localOverLimit() async throws {
        let staged = try await kernel("staged")
        let out = try device.makeBuffer([Int32](repeating: -1, count: 64))
        let over = device.localMemory - 1024 + 4
        let error = try #require(throws: KilnError.self) {
            try staged.launch(grid: Dim3(1), block: Dim3(64), arguments: [.buffer(out), .local(bytes: over)])
        }
        #expect(error.code == .invalidLaunch, "the driver, not Kiln, refused it: \(error.message)")
        #expect(error.message.contains("kernel 'staged' needs \(over + 1024) bytes of local memory per work-group (1024 declared in the kernel + \(over) asked for at launch), over this device's \(device.localMemory)"),
                "\(error.message)")
        #expect(try out.download(as: Int32.self) == [Int32](repeating: -1, count: 64), "nothing ran")
        try staged.launch(grid: Dim3(1), block: Dim3(64), arguments: [.buffer(out), .local(bytes: device.localMemory - 1024)])
        #expect(try out.download(as: Int32.self) == (0..<64).map { 3 * $0 })
    }

    @Test("a kernel whose own local arrays are over the device's local memory is refused at every launch, before PoCL sees it")
    func oversizedKernel() async throws {
        let oversized = try await kernel("oversized")
        #expect(oversized.limits.staticLocalBytes == 4 << 20)
        #expect(device.localMemory < 4 << 20, "PoCL's CPU device has less than 4 MiB of local memory")
        let out = try device.makeBuffer([Int32](repeating: -1, count: 4))
        let error = try #require(throws: KilnError.self) { try oversized.launch(grid: Dim3(1), block: Dim3(4), arguments: [.buffer(out)]) }
        #expect(error.code == .invalidLaunch && error.message.contains("make the kernel's __local (__shared__) arrays smaller"), "\(error.message)")
        #expect(try out.download(as: Int32.self) == [Int32](repeating: -1, count: 4), "nothing ran")
    }

    @Test("Int arguments arrive at each parameter's recorded width: long, uint, int and ulong")
    func narrowed() async throws {
        let widths = try await kernel("widths")
        let out = try device.makeBuffer([Int64](repeating: 0, count: 4))
        try widths.launch(grid: Dim3(1), block: Dim3(1),
                          arguments: [.buffer(out), .int(-5_000_000_000), .int(4_000_000_000), .int(-7), .int(1 << 40)])
        #expect(try out.download(as: Int64.self) == [-5_000_000_000, 4_000_000_000, -7, 1 << 40])
    }

    @Test("an Int that does not fit its parameter is refused, naming it, before PoCL sees it")
    func tooWide() async throws {
        let widths = try await kernel("widths")
        let out = try device.makeBuffer([Int64](repeating: 0, count: 4))
        for (arguments, parameter) in [([KernelArgument.int(1), .int(-1), .int(0), .int(0)], "'b' (index 2, uint)"),
                                       ([.int(1), .int(1), .int(3_000_000_000), .int(0)], "'c' (index 3, int)"),
                                       ([.int(1), .int(1), .int(0), .int(-1)], "'d' (index 4, ulong)")] {
            let error = try #require(throws: KilnError.self) {
                try widths.launch(grid: Dim3(1), block: Dim3(1), arguments: [.buffer(out)] + arguments)
            }
            #expect(error.code == .invalidLaunch && error.message.contains(parameter), "\(error.message)")
        }
    }
}
