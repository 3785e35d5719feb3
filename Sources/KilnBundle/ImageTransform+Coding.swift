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

    /// The raw image that coded bytes stand for, exactly `rawSize` bytes.
    ///
    /// - Throws: the fault, when the coded bytes do not decode or decode to another size.
    func decode(_ coded: [UInt8], rawSize: UInt64) throws(ImageCodingFault) -> [UInt8] {
        let raw: [UInt8] = switch self {
        case .none: coded
        case .ptxOperands: try PTXOperandCoding.decode(coded, limit: rawSize)
        case .cubinTables: try CubinTableCoding.decode(coded)
        }
        guard UInt64(raw.count) == rawSize else {
            throw ImageCodingFault("it decodes to \(raw.count) bytes, not the \(rawSize) its entry records")
        }
        return raw
    }
}
