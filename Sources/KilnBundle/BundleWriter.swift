import KilnCore

/// Writes a `.kiln` bundle: deterministic (the same inputs give the same bytes), identical
/// images stored once, each image compressed on its own or against one sibling (its reference;
/// see `BundleWriter+References.swift`), so that reading any image reads at most two.
public struct BundleWriter: Sendable {
    private var manifest: Manifest
    private var images: [String: PendingImage] = [:]
    /// The zstd level images are compressed with.
    public var compressionLevel: Int32
    /// Whether an image may be stored against a sibling (format version 2); false stores every
    /// image alone, as a shard part does, whose images are compressed again when merged.
    public var usesReferences = true

    struct PendingImage: Sendable {
        var module: String
        var target: String
        var toolchain: String
        var format: ImageFormat
        var bytes: [UInt8]
    }

    /// Creates a writer for a manifest.
    public init(manifest: Manifest, compressionLevel: Int32 = 19) {
        self.manifest = manifest
        self.compressionLevel = compressionLevel
    }

    /// Adds one module's image for one target; a second image for the same pair replaces the first.
    ///
    /// - Throws: `KilnError.invalidArgument` for an image larger than ``BundleFormat/maximumImageSize``
    ///   or names that are not in the manifest.
    public mutating func add(module: String, target: String, format: ImageFormat, toolchain: String,
                             bytes: [UInt8]) throws(KilnError) {
        guard manifest.module(named: module) != nil else {
            throw KilnError(.invalidArgument, "image for module '\(module)': the manifest has no such module")
        }
        guard manifest.target(named: target) != nil else {
            throw KilnError(.invalidArgument, "image for target '\(target)': the manifest has no such target")
        }
        guard UInt64(bytes.count) <= BundleFormat.maximumImageSize else {
            throw KilnError(.invalidArgument, "image \(module) × \(target) is \(bytes.count) bytes, over the format's limit of \(BundleFormat.maximumImageSize)")
        }
        guard !module.utf8.contains(0), !target.utf8.contains(0) else {
            throw KilnError(.invalidArgument, "image names may not contain NUL bytes")
        }
        images[module + "\u{0}" + target] = PendingImage(module: module, target: target, toolchain: toolchain,
                                                       format: format, bytes: bytes)
    }

    /// The bundle's bytes.
    ///
    /// - Parameters:
    ///   - jobs: how many images are compressed at once.
    ///   - cache: compressed frames from earlier builds, used after each is checked to decompress
    ///     to the image; new frames are stored in it.
    /// - Complexity: compresses every distinct image once alone, and once against each
    ///   architecture neighbour of its module and format; none that `cache` holds.
    public func serialize(jobs: Int = 1, cache: (any CompressedImageCache)? = nil) throws(KilnError) -> [UInt8] {
        let sorted = images.values.sorted {
            imageKey($0.module, $0.target).lexicographicallyPrecedes(imageKey($1.module, $1.target))
        }
        let compressor = Compressor(level: compressionLevel, cache: cache)
        var canonical = manifest
        canonical.modules.sort { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        let manifestJSON: [UInt8]
        do { manifestJSON = try CanonicalJSONEncoder().encode(canonical) } catch {
            throw .wrapping(error, as: .invalidArgument, "the bundle's manifest cannot be written as JSON: \(error) — report this with the build's sources")
        }
        // The manifest is stored with zstd when that is smaller (kernel signatures compress well).
        let compressedManifest = compressor.frame(manifestJSON, digest: Digest.sha256(manifestJSON), reference: nil)
        let manifestCodec: ImageCodec = compressedManifest.count < manifestJSON.count ? .zstd : .none
        let manifestBytes = manifestCodec == .zstd ? compressedManifest : manifestJSON

        // Strings, deduplicated, in sorted order.
        let strings = Set(sorted.flatMap { [$0.module, $0.target, $0.toolchain] })
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var stringTable = ByteWriter()
        var stringRefs: [String: (UInt32, UInt32)] = [:]
        for string in strings {
            stringRefs[string] = (UInt32(stringTable.bytes.count), UInt32(string.utf8.count))
            stringTable.append(string.utf8)
        }

        let a = BundleFormat.alignment
        let tableOffset = align(BundleFormat.headerSize, a)
        let stringOffset = align(tableOffset + sorted.count * BundleFormat.entrySize, a)
        let manifestOffset = align(stringOffset + stringTable.bytes.count, a)
        let dataOffset = align(manifestOffset + manifestBytes.count, a)

        // Data: each distinct image once, alone or against its reference.
        let digests = sorted.map { Digest.sha256($0.bytes) }
        let storage = Self.store(sorted, digests: digests, compressor: compressor, jobs: jobs,
                                 references: usesReferences)
        var data = ByteWriter()
        var placed: [Int: Int] = [:]  // first index of a distinct image → its offset
        var rows: [(PendingImage, digest: [UInt8], offset: Int, stored: Stored)] = []
        for (index, image) in sorted.enumerated() {
            let first = storage.first[index]
            let stored = storage.stored[first]!
            if placed[first] == nil {
                data.pad(to: a)
                placed[first] = dataOffset + data.bytes.count
                data.append(stored.body)
            }
            rows.append((image, digests[index], placed[first]!, stored))
        }
        // The oldest version that holds every image as stored, so that older readers read what they can.
        let coded = rows.filter { $0.stored.transform != .none }
        let version = coded.contains { $0.stored.codec == .zstdReferenced } ? BundleFormat.codedReferencesVersion
            : !coded.isEmpty ? BundleFormat.transformsVersion
            : rows.contains { $0.stored.codec == .zstdReferenced } ? BundleFormat.referencesVersion : 1
        let fileSize = dataOffset + data.bytes.count

        let header = BundleHeader(
            formatVersion: version, writerVersion: KilnVersion.current, fileSize: UInt64(fileSize),
            tableOffset: UInt64(tableOffset), imageCount: UInt32(sorted.count),
            strings: .init(offset: UInt64(stringOffset), size: UInt64(stringTable.bytes.count)),
            manifest: .init(offset: UInt64(manifestOffset), size: UInt64(manifestBytes.count)),
            data: .init(offset: UInt64(dataOffset), size: UInt64(data.bytes.count)),
            manifestSHA256: Digest.sha256(manifestBytes), manifestCodec: manifestCodec, flags: [],
            manifestRawSize: UInt64(manifestJSON.count))
        var out = ByteWriter(bytes: header.bytes)
        out.pad(to: a)
        for row in rows {
            func name(_ string: String) -> ImageEntry.Layout.Name {
                let (offset, length) = stringRefs[string]!
                return .init(offset: offset, length: length)
            }
            let entry = ImageEntry.Layout(
                module: name(row.0.module), target: name(row.0.target), toolchain: name(row.0.toolchain),
                format: row.0.format.code, codec: row.stored.codec.rawValue, transform: row.stored.transform.rawValue,
                offset: UInt64(row.offset), storedSize: UInt64(row.stored.body.count), rawSize: UInt64(row.0.bytes.count),
                sha256: row.digest, reference: UInt32(row.stored.reference ?? 0), codedSize: UInt64(row.stored.transformedSize ?? 0),
                check: 0)
            // The check covers the entry and the strings it names.
            out.append(entry.bytes(names: Array(row.0.module.utf8) + Array(row.0.target.utf8) + Array(row.0.toolchain.utf8)))
        }
        out.pad(to: a)
        out.append(stringTable.bytes)
        out.pad(to: a)
        out.append(manifestBytes)
        out.pad(to: a)
        out.append(data.bytes)
        assert(out.bytes.count == fileSize)
        return out.bytes
    }

    /// Writes the bundle to a file: to a temporary file beside it, then renamed into place,
    /// so a reader never sees half a bundle (``OutputFile``).
    ///
    /// - Throws: `KilnError.invalidArgument` for a path that is not a regular file or absent;
    ///   `.io` naming the path, the reason and the fix.
    public func write(to path: String) throws(KilnError) {
        try OutputFile.write(try serialize(), to: path, inputs: [], what: "bundle")
    }

    /// Compresses through a cache of frames, checking every frame the cache gives back.
    struct Compressor: Sendable {
        let level: Int32
        let cache: (any CompressedImageCache)?

        /// The zstd frame of `raw` (whose SHA-256 is `digest`) at the level, against a reference's raw bytes or none.
        func frame(_ raw: [UInt8], digest: [UInt8], reference: (bytes: [UInt8], digest: [UInt8])?) -> [UInt8] {
            let key = CompressionKey(rawSHA256: digest, level: level, referenceSHA256: reference?.digest)
            if let cached = cache?.frame(for: key),
               let back = try? Zstd.decompress(cached, rawSize: UInt64(raw.count), limit: BundleFormat.maximumImageSize,
                                               what: "a cached frame", prefix: reference?.bytes),
               back == raw {
                return cached
            }
            let frame = Zstd.compress(raw, level: level, prefix: reference?.bytes)
            cache?.store(frame, for: key)
            return frame
        }
    }

}

func align(_ value: Int, _ alignment: Int) -> Int {
    (value + alignment - 1) / alignment * alignment
}

/// The order of the image table: module, then target, by UTF-8 bytes.
func imageKey(_ module: String, _ target: String) -> [UInt8] {
    Array(module.utf8) + [0] + Array(target.utf8)
}
