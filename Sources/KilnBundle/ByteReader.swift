import KilnCore

/// A bounds-checked little-endian reader over bytes read from a bundle: every read is
/// checked against the bytes' end and throws `KilnError.corruptBundle` when it would pass it.
struct ByteReader: Sendable {
    let bytes: [UInt8]
    /// What is being read, for messages: `bundle 'app.kiln'`.
    let subject: String

    /// Throws unless `offset..<offset+count` lies inside a region of `size` bytes.
    static func check(_ offset: UInt64, _ count: UInt64, within size: UInt64, _ subject: String, _ what: String) throws(KilnError) {
        let (end, overflow) = offset.addingReportingOverflow(count)
        guard !overflow, end <= size else {
            throw KilnError(.corruptBundle,
                "\(subject): \(what) (bytes \(offset)..<\(overflow ? "overflow" : String(end))) lies outside the file of \(size) bytes — the file is truncated or damaged; rebuild it or copy it again")
        }
    }

    /// Reads an unsigned integer at an offset.
    func integer<T: FixedWidthInteger & UnsignedInteger>(_: T.Type = T.self, at offset: Int, _ what: String) throws(KilnError) -> T {
        try Self.check(UInt64(offset), UInt64(MemoryLayout<T>.size), within: UInt64(bytes.count), subject, what)
        return bytes.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: T.self)) }
    }

    /// The bytes of a checked range.
    func slice(_ offset: UInt64, _ count: UInt64, _ what: String) throws(KilnError) -> ArraySlice<UInt8> {
        try Self.check(offset, count, within: UInt64(bytes.count), subject, what)
        return bytes[Int(offset)..<Int(offset + count)]
    }
}

/// A growing little-endian byte buffer for the writer.
struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func append(_ data: some Sequence<UInt8>) {
        bytes.append(contentsOf: data)
    }

    /// Pads with zeros to a multiple of `alignment`.
    mutating func pad(to alignment: Int) {
        let remainder = bytes.count % alignment
        if remainder != 0 { bytes.append(contentsOf: repeatElement(0, count: alignment - remainder)) }
    }

    /// Overwrites a little-endian integer at an offset already written.
    mutating func set<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        withUnsafeBytes(of: value.littleEndian) { raw in
            for (i, byte) in raw.enumerated() { bytes[offset + i] = byte }
        }
    }
}
