#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import KilnCore

/// Writes a `.kiln` bundle: deterministic (the same inputs give the same bytes), each
/// image compressed on its own, identical images stored once.
public struct BundleWriter: Sendable {
    private var manifest: Manifest
    private var images: [String: PendingImage] = [:]
    /// The zstd level images are compressed with.
    public var compressionLevel: Int32

    private struct PendingImage: Sendable {
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
                             bytes: [UInt8]) throws {
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
    /// - Complexity: compresses every distinct image once.
    public func serialize() throws -> [UInt8] {
        let sorted = images.values.sorted {
            imageKey($0.module, $0.target).lexicographicallyPrecedes(imageKey($1.module, $1.target))
        }
        var canonical = manifest
        canonical.modules.sort { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        let manifestJSON = try Array(Self.encoder.encode(canonical))
        // The manifest is stored with zstd when that is smaller (kernel signatures compress well).
        let compressedManifest = Zstd.compress(manifestJSON, level: compressionLevel)
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

        // Data: each distinct image once, compressed where that helps.
        var data = ByteWriter()
        var stored: [[UInt8]: (offset: Int, codec: ImageCodec, size: Int)] = [:]
        var rows: [(PendingImage, digest: [UInt8], offset: Int, codec: ImageCodec, size: Int)] = []
        for image in sorted {
            let digest = Digest.sha256(image.bytes)
            if stored[digest] == nil {
                let compressed = Zstd.compress(image.bytes, level: compressionLevel)
                let (codec, body) = compressed.count < image.bytes.count ? (ImageCodec.zstd, compressed) : (.none, image.bytes)
                data.pad(to: a)
                stored[digest] = (dataOffset + data.bytes.count, codec, body.count)
                data.append(body)
            }
            let s = stored[digest]!
            rows.append((image, digest, s.offset, s.codec, s.size))
        }
        let fileSize = dataOffset + data.bytes.count

        var out = ByteWriter()
        out.append(BundleFormat.magic)
        out.append(BundleFormat.version)
        out.append(UInt32(BundleFormat.headerSize))
        let writer = Array(KilnVersion.current.utf8.prefix(16))
        out.append(writer + [UInt8](repeating: 0, count: 16 - writer.count))
        out.append(UInt64(fileSize))
        out.append(UInt64(tableOffset))
        out.append(UInt32(sorted.count))
        out.append(UInt32(BundleFormat.entrySize))
        out.append(UInt64(stringOffset))
        out.append(UInt64(stringTable.bytes.count))
        out.append(UInt64(manifestOffset))
        out.append(UInt64(manifestBytes.count))
        out.append(UInt64(dataOffset))
        out.append(UInt64(data.bytes.count))
        out.append(Digest.sha256(manifestBytes))
        out.append(manifestCodec.rawValue)
        out.append(repeatElement(0, count: 7))
        out.append(UInt64(manifestJSON.count))
        out.append(out.bytes.withUnsafeBytes { Digest.check($0) })
        assert(out.bytes.count == BundleFormat.headerSize)

        out.pad(to: a)
        for row in rows {
            var entry = ByteWriter()
            for string in [row.0.module, row.0.target, row.0.toolchain] {
                let (offset, length) = stringRefs[string]!
                entry.append(offset)
                entry.append(length)
            }
            entry.append(row.0.format.code)
            entry.append(row.codec.rawValue)
            entry.append(UInt16(0))
            entry.append(UInt32(0))
            entry.append(UInt64(row.offset))
            entry.append(UInt64(row.size))
            entry.append(UInt64(row.0.bytes.count))
            entry.append(row.digest)
            entry.append(repeatElement(0, count: 32))
            // The check covers the entry and the strings it names.
            let checked = entry.bytes + Array(row.0.module.utf8) + Array(row.0.target.utf8) + Array(row.0.toolchain.utf8)
            entry.append(checked.withUnsafeBytes { Digest.check($0) })
            out.append(entry.bytes)
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
    public func write(to path: String) throws {
        try OutputFile.write(try serialize(), to: path, inputs: [], what: "bundle")
    }

    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}

func align(_ value: Int, _ alignment: Int) -> Int {
    (value + alignment - 1) / alignment * alignment
}

/// The order of the image table: module, then target, by UTF-8 bytes.
func imageKey(_ module: String, _ target: String) -> [UInt8] {
    Array(module.utf8) + [0] + Array(target.utf8)
}
