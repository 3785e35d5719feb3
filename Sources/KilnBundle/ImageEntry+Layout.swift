import KilnCore

extension ImageEntry {
    /// One 128-byte image-table entry as it is stored (docs/FORMAT.md, "Image table entry"):
    /// names as references into the string table, codes as numbers, nothing checked. One decoder,
    /// ``init(_:at:_:)``, and one encoder, ``bytes(names:)``; the byte offsets live only in
    /// ``Field``, so the reader and the writer cannot disagree on one. ``ImageTable`` checks a
    /// layout and turns it into an ``ImageEntry``.
    struct Layout: Sendable, Equatable {
        /// A string in the string table: its offset and length in bytes.
        struct Name: Sendable, Equatable {
            var offset: UInt32
            var length: UInt32
        }

        var module: Name
        var target: Name
        var toolchain: Name
        /// The ``ImageFormat`` code.
        var format: UInt8
        /// The ``ImageCodec`` code.
        var codec: UInt8
        /// The ``ImageTransform`` code (version 3).
        var transform: UInt8
        /// The absolute offset of the stored bytes.
        var offset: UInt64
        var storedSize: UInt64
        var rawSize: UInt64
        /// The SHA-256 of the raw bytes.
        var sha256: [UInt8]
        /// With codec 2, the table position of the reference (version 2); else 0.
        var reference: UInt32
        /// With a transform, the coded size (version 3); else 0.
        var codedSize: UInt64
        /// The entry check as stored.
        var check: UInt64

        /// Where each field lies in an entry: the only place that names an entry offset.
        enum Field {
            static let module = 0
            static let target = 8
            static let toolchain = 16
            static let format = 24
            static let codec = 25
            static let transform = 26
            /// Zero in every version so far.
            static let reserved = 27..<32
            static let offset = 32
            static let storedSize = 40
            static let rawSize = 48
            static let sha256 = 56..<88
            static let reference = 88
            static let codedSize = 92
            /// Zero in every version so far.
            static let reservedTail = 100..<120
            /// The first 8 bytes of SHA-256(bytes 0..<120 ‖ module ‖ target ‖ toolchain), little-endian.
            static let check = 120
        }

        /// The entry's 128 bytes with its check as stored.
        var bytes: [UInt8] {
            var out = ByteWriter(bytes: [UInt8](repeating: 0, count: BundleFormat.entrySize))
            for (at, name) in [(Field.module, module), (Field.target, target), (Field.toolchain, toolchain)] {
                out.set(name.offset, at: at)
                out.set(name.length, at: at + 4)
            }
            out.set(format, at: Field.format)
            out.set(codec, at: Field.codec)
            out.set(transform, at: Field.transform)
            out.set(offset, at: Field.offset)
            out.set(storedSize, at: Field.storedSize)
            out.set(rawSize, at: Field.rawSize)
            out.bytes.replaceSubrange(Field.sha256, with: sha256.prefix(Field.sha256.count))
            out.set(reference, at: Field.reference)
            out.set(codedSize, at: Field.codedSize)
            out.set(check, at: Field.check)
            return out.bytes
        }

        /// The entry's bytes with the check computed over them and the strings they name.
        ///
        /// - Parameter names: The module, target and toolchain names' UTF-8 bytes, in that order.
        func bytes(names: [UInt8]) -> [UInt8] {
            var sealed = self
            sealed.check = Self.check(bytes, names: names)
            return sealed.bytes
        }

        /// The check of an entry's bytes (every byte before ``Field/check``) and the strings it names.
        ///
        /// - Parameters:
        ///   - entry: The entry's bytes, at least its first 120.
        ///   - names: The module, target and toolchain names' UTF-8 bytes, in that order.
        static func check(_ entry: some Collection<UInt8>, names: [UInt8]) -> UInt64 {
            (Array(entry.prefix(Field.check)) + names).withUnsafeBytes { Digest.check($0) }
        }
    }
}

extension ImageEntry.Layout {
    /// Decodes the entry that starts at `base` in a table's bytes.
    ///
    /// - Parameters:
    ///   - table: The image table's bytes.
    ///   - base: Where the entry starts.
    ///   - what: The entry, for messages (`image table entry 3`).
    /// - Throws: `KilnError.corruptBundle` if the entry passes the end of the table.
    init(_ table: ByteReader, at base: Int, _ what: String) throws(KilnError) {
        func name(_ at: Int) throws(KilnError) -> Name {
            Name(offset: try table.integer(at: base + at, what), length: try table.integer(at: base + at + 4, what))
        }
        module = try name(Field.module)
        target = try name(Field.target)
        toolchain = try name(Field.toolchain)
        format = try table.integer(at: base + Field.format, what)
        codec = try table.integer(at: base + Field.codec, what)
        transform = try table.integer(at: base + Field.transform, what)
        offset = try table.integer(at: base + Field.offset, what)
        storedSize = try table.integer(at: base + Field.storedSize, what)
        rawSize = try table.integer(at: base + Field.rawSize, what)
        sha256 = Array(try table.slice(UInt64(base + Field.sha256.lowerBound), UInt64(Field.sha256.count), what))
        reference = try table.integer(at: base + Field.reference, what)
        codedSize = try table.integer(at: base + Field.codedSize, what)
        check = try table.integer(at: base + Field.check, what)
    }
}
