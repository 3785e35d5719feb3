/// The parts of a cubin's ELF header that identify it as CUDA code for one SM.
struct CUBINHeader: Sendable, Equatable {
    /// `EM_CUDA`, the ELF machine number of NVIDIA GPUs.
    static let emCUDA: UInt16 = 190
    /// `ELFOSABI_CUDA` as written by NVRTC 13.0 (0x41); LLVM also accepts 0x33 for older cubins.
    static let osABICUDA: UInt8 = 0x41

    /// `e_ident[EI_OSABI]` (0x41 for NVRTC 13.0).
    var osABI: UInt8
    /// `e_ident[EI_ABIVERSION]`: 8 for NVRTC 13.0 cubins of every SM, 7 for older toolkits.
    var abiVersion: UInt8
    /// `e_machine` (190 for CUDA).
    var machine: UInt16
    /// `e_flags` (e.g. `0x06005a04` for sm_90 from NVRTC 13.0).
    var flags: UInt32

    /// Parses a 64-bit little-endian ELF header; nil when `bytes` is not one.
    init?(_ bytes: [UInt8]) {
        guard bytes.count >= 64, bytes[0] == 0x7f, bytes[1] == 0x45, bytes[2] == 0x4c, bytes[3] == 0x46,
              bytes[4] == 2 /* ELFCLASS64 */, bytes[5] == 1 /* ELFDATA2LSB */ else { return nil }
        func u16(_ at: Int) -> UInt16 { UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8 }
        func u32(_ at: Int) -> UInt32 { UInt32(u16(at)) | UInt32(u16(at + 2)) << 16 }
        osABI = bytes[7]
        abiVersion = bytes[8]
        machine = u16(18)
        flags = u32(48)
    }

    /// True for a CUDA cubin.
    var isCUDA: Bool { machine == Self.emCUDA }

    /// The SM number, e.g. 90 for sm_90 and sm_90a (the `a`/`f` suffix is not in `e_flags`).
    ///
    /// ABI version 8 keeps it in bits 8–15 (`EF_CUDA_SM_MASK = 0xff00`); ABI 7 in bits 0–7.
    var smArchitecture: Int {
        abiVersion >= 8 ? Int((flags >> 8) & 0xff) : Int(flags & 0xff)
    }
}
