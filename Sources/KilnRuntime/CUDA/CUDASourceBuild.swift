import KilnCore

/// What a run-time NVRTC compile of a module's CUDA source leaves in the JIT cache: the cubin,
/// and the symbols NVRTC lowered the kernels' names to (`gemm<128,64>` → `_Z4gemmILi128ELi64EEvPf`),
/// which a bundle built without an NVIDIA target does not record.
///
/// The bytes are `KILN-NVRTC 1\n`, one `NAME\tSYMBOL\n` line per lowered kernel, an empty line,
/// then the cubin.
struct CUDASourceBuild: Equatable, Sendable {
    /// The compiled cubin.
    var cubin: [UInt8]
    /// Kernel name → symbol, for kernels whose symbol differs from their name.
    var symbols: [String: String]

    static let magic = Array("KILN-NVRTC 1\n".utf8)

    /// The bytes the JIT cache keeps.
    func encoded() -> [UInt8] {
        let table = symbols.sorted { $0.key < $1.key }.map { "\($0.key)\t\($0.value)\n" }.joined()
        return Self.magic + Array(table.utf8) + [0x0A] + cubin
    }

    /// Reads what ``encoded()`` wrote.
    ///
    /// - Parameter bytes: The cached bytes.
    /// - Throws: `KilnError.io` for bytes that are not such a record (the JIT then compiles again).
    init(decoding bytes: [UInt8]) throws(KilnError) {
        let damaged = KilnError(.io, "a cached NVRTC build is damaged (\(bytes.count) bytes) — it is compiled again")
        guard bytes.starts(with: Self.magic) else { throw damaged }
        var symbols: [String: String] = [:]
        var start = Self.magic.count
        while true {
            guard let end = bytes[start...].firstIndex(of: 0x0A) else { throw damaged }
            if end == start { break }
            let line = bytes[start..<end].split(separator: 0x09, omittingEmptySubsequences: false)
            guard line.count == 2, !line[0].isEmpty, !line[1].isEmpty else { throw damaged }
            symbols[String(decoding: line[0], as: UTF8.self)] = String(decoding: line[1], as: UTF8.self)
            start = end + 1
        }
        self.cubin = Array(bytes[(start + 1)...])
        self.symbols = symbols
    }

    /// Creates a build.
    init(cubin: [UInt8], symbols: [String: String]) {
        self.cubin = cubin
        self.symbols = symbols
    }
}
