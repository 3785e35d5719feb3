import KilnCore

/// Why coded image bytes do not decode.
struct ImageCodingFault: Error {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}

extension ImageTransform {
    /// The transform the writer tries on an image of a format, or nil where none applies.
    static func candidate(for format: ImageFormat) -> ImageTransform? {
        switch format {
        case .ptx: .ptxOperands
        case .cubin: .cubinTables
        case .zebin, .spirv, .poclBinary, .source: nil
        }
    }

    /// The coded bytes of a raw image, or nil where the transform does not apply to it or does
    /// not give the bytes back.
    func encode(_ raw: [UInt8]) -> [UInt8]? {
        switch self {
        case .none: raw
        case .ptxOperands: PTXOperandCoding.encode(raw)
        case .cubinTables: CubinTableCoding.encode(raw)
        }
    }

    /// What a frame of bytes coded by this transform is compressed against, given its reference's
    /// raw bytes: the reference coded the same way, or its raw bytes where the coding does not
    /// apply to it (format version 4). The writer and the reader both call this, so they agree;
    /// the coding is not checked to decode (a prefix is never decoded), which saves a reader a
    /// millisecond on a large cubin.
    func prefix(coding reference: [UInt8]) -> [UInt8] {
        let coded = switch self {
        case .none: reference
        case .ptxOperands: PTXOperandCoding.encode(reference)
        case .cubinTables: CubinTableCoding.coded(reference)
        }
        return coded ?? reference
    }

    /// Turns coded bytes into the raw image they stand for, exactly `rawSize` bytes (in place
    /// where the transform keeps the size, so a large cubin is not copied).
    ///
    /// - Throws: the fault, when the coded bytes do not decode or decode to another size.
    func decode(_ bytes: inout [UInt8], rawSize: UInt64) throws(ImageCodingFault) {
        switch self {
        case .none: break
        case .ptxOperands: bytes = try PTXOperandCoding.decode(bytes, limit: rawSize)
        case .cubinTables: try CubinTableCoding.decode(&bytes)
        }
        guard UInt64(bytes.count) == rawSize else {
            throw ImageCodingFault("it decodes to \(bytes.count) bytes, not the \(rawSize) its entry records")
        }
    }
}
