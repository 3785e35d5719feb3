import KilnCore

extension BundleHeader {
    /// Decodes and checks a header: the magic, the format version, the header and entry sizes,
    /// the header check, the file size, that every region lies inside the file, the manifest's
    /// codec and size limits, the writer's version, and the flags.
    ///
    /// What a reader decodes it encodes again byte for byte (``bytes``).
    /// - Parameters:
    ///   - bytes: The file's first bytes: 160, or all of a shorter file.
    ///   - fileSize: The file's actual size, which the header's must equal.
    ///   - path: The file, for messages.
    /// - Throws: `KilnError.corruptBundle` naming the field; `.unsupportedBundleVersion` for a
    ///   newer format version or flags this Kiln does not know.
    init(bytes: [UInt8], fileSize size: UInt64, path: String) throws(KilnError) {
        let subject = "bundle '\(path)'"
        let r = ByteReader(bytes: bytes, subject: subject)
        guard bytes.count >= Field.magic.upperBound, Array(bytes[Field.magic]) == BundleFormat.magic else {
            throw KilnError(.corruptBundle,
                "'\(path)' is not a Kiln bundle (it does not start with 'KILNBNDL') — give a file that `kiln build` wrote")
        }
        formatVersion = try r.integer(at: Field.formatVersion, "the format version")
        let written = try r.slice(UInt64(Field.writerVersion.lowerBound), UInt64(Field.writerVersion.count), "the writer's version")
        let writer = written.prefix { $0 != 0 }
        writerVersion = String(decoding: writer, as: UTF8.self)
        guard BundleFormat.readableVersions.contains(formatVersion) else {
            throw KilnError(.unsupportedBundleVersion,
                "bundle '\(path)' is format version \(formatVersion), written by Kiln \(writerVersion); this Kiln (\(KilnVersion.current)) reads format version \(BundleFormat.readableVersions.upperBound) and older — read it with Kiln \(writerVersion) or newer")
        }
        let headerSize = try r.integer(UInt32.self, at: Field.headerSize, "the header size")
        guard headerSize == BundleFormat.headerSize else {
            throw KilnError(.corruptBundle, "bundle '\(path)': header size \(headerSize), expected \(BundleFormat.headerSize) — the file is damaged; rebuild it")
        }
        let header = Array(try r.slice(0, UInt64(BundleFormat.headerSize), "the header"))
        let check = try r.integer(UInt64.self, at: Field.check, "the header check")
        guard Self.check(header) == check else {
            throw KilnError(.corruptBundle, "bundle '\(path)': the header's checksum does not match — the file is damaged; rebuild it or copy it again")
        }
        fileSize = try r.integer(at: Field.fileSize, "the file size")
        guard fileSize == size else {
            throw KilnError(.corruptBundle, "bundle '\(path)' is \(size) bytes but its header says \(fileSize) — the file is truncated or was appended to; copy it again")
        }
        tableOffset = try r.integer(at: Field.tableOffset, "the image table offset")
        imageCount = try r.integer(at: Field.imageCount, "the image count")
        let entrySize = try r.integer(UInt32.self, at: Field.entrySize, "the entry size")
        guard entrySize == BundleFormat.entrySize else {
            throw KilnError(.corruptBundle, "bundle '\(path)': entry size \(entrySize), expected \(BundleFormat.entrySize) — the file is damaged; rebuild it")
        }
        func inFile(_ region: Region, _ what: String) throws(KilnError) -> Region {
            try ByteReader.check(region.offset, region.size, within: size, subject, what)
            return region
        }
        _ = try inFile(Region(offset: tableOffset, size: UInt64(imageCount) * UInt64(entrySize)), "the image table")
        strings = try inFile(Region(offset: r.integer(at: Field.stringsOffset, "the string table offset"),
                                    size: r.integer(at: Field.stringsSize, "the string table size")), "the string table")
        manifest = try inFile(Region(offset: r.integer(at: Field.manifestOffset, "the manifest offset"),
                                     size: r.integer(at: Field.manifestSize, "the manifest size")), "the manifest")
        data = try inFile(Region(offset: r.integer(at: Field.dataOffset, "the data offset"),
                                 size: r.integer(at: Field.dataSize, "the data size")), "the data region")
        manifestSHA256 = Array(try r.slice(UInt64(Field.manifestSHA256.lowerBound), UInt64(Field.manifestSHA256.count), "the manifest checksum"))
        let codec = try r.integer(UInt8.self, at: Field.manifestCodec, "the manifest codec")
        guard let manifestCodec = ImageCodec(rawValue: codec), manifestCodec != .zstdReferenced else {
            throw KilnError(.corruptBundle, "bundle '\(path)': manifest codec \(codec) is unknown — the file is damaged; rebuild it")
        }
        self.manifestCodec = manifestCodec
        manifestRawSize = try r.integer(at: Field.manifestRawSize, "the manifest's raw size")
        let manifestJSONSize = manifestCodec == .none ? manifest.size : manifestRawSize
        guard manifestJSONSize <= BundleFormat.maximumManifestSize, manifest.size <= BundleFormat.maximumManifestSize else {
            throw KilnError(.corruptBundle, "bundle '\(path)': its manifest claims \(max(manifestJSONSize, manifest.size)) bytes, over the limit of \(BundleFormat.maximumManifestSize) — the file is damaged or hostile; rebuild it")
        }
        // NUL padding only, and UTF-8, so that the header encodes back to the same bytes.
        guard written.dropFirst(writer.count).allSatisfy({ $0 == 0 }), String(validating: writer, as: UTF8.self) != nil else {
            throw KilnError(.corruptBundle, "bundle '\(path)': the writer's version (bytes \(Field.writerVersion)) is not UTF-8 padded with NULs — the file is damaged; rebuild it")
        }
        flags = BundleFlags(rawValue: try r.integer(at: Field.flags, "the flags"))
        guard BundleFlags.known.isSuperset(of: flags), header[Field.reserved].allSatisfy({ $0 == 0 }) else {
            throw KilnError(.unsupportedBundleVersion,
                "bundle '\(path)' sets header flags (\(flags.rawValue)) that this Kiln (\(KilnVersion.current)) does not know — it was damaged, or written by a newer Kiln; read it with that Kiln")
        }
    }
}
