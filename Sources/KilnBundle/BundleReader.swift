#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import KilnCore

/// Reads a `.kiln` bundle: maps the file, checks the header on open, and reads entries,
/// the manifest and images on demand, checking every offset, size and checksum first.
///
/// Opening costs the same whatever the number of images: the image table is searched,
/// not loaded. A truncated, damaged or hostile file gives a `KilnError`, never a crash.
public final class BundleReader: Sendable {
    /// The path the bundle was opened from.
    public let path: String
    /// The Kiln version that wrote the bundle.
    public let writerVersion: String
    /// The format version of the file.
    public let formatVersion: UInt32
    /// The file's size in bytes.
    public let fileSize: UInt64
    /// The number of images in the image table.
    public let imageCount: Int

    private let file: MappedFile
    private let reader: ByteReader
    private let tableOffset: UInt64
    private let strings: (offset: UInt64, size: UInt64)
    private let manifestRange: (offset: UInt64, size: UInt64)
    private let manifestDigest: [UInt8]
    private let manifestCodec: ImageCodec
    private let manifestRawSize: UInt64
    private let data: (offset: UInt64, size: UInt64)

    /// Opens a bundle and validates its header.
    ///
    /// - Throws: `KilnError.io` if the file cannot be read, `.corruptBundle` if it is not a
    ///   valid bundle, `.unsupportedBundleVersion` if a newer Kiln wrote it.
    public init(path: String) throws {
        self.path = path
        file = try MappedFile(path: path)
        let r = ByteReader(bytes: file.bytes, subject: "bundle '\(path)'")
        reader = r
        let size = file.bytes.count
        guard size >= BundleFormat.magic.count,
              Array(file.bytes[0..<BundleFormat.magic.count]) == BundleFormat.magic else {
            throw KilnError(.corruptBundle,
                "'\(path)' is not a Kiln bundle (it does not start with 'KILNBNDL') — give a file that `kiln build` wrote")
        }
        formatVersion = try r.integer(UInt32.self, at: 8, "the format version")
        let written = try r.slice(UInt64(BundleFormat.writerVersionRange.lowerBound),
                                  UInt64(BundleFormat.writerVersionRange.count), "the writer's version")
        writerVersion = String(decoding: written.prefix { $0 != 0 }, as: UTF8.self)
        guard BundleFormat.readableVersions.contains(formatVersion) else {
            throw KilnError(.unsupportedBundleVersion,
                "bundle '\(path)' is format version \(formatVersion), written by Kiln \(writerVersion); this Kiln (\(KilnVersion.current)) reads format version \(BundleFormat.readableVersions.upperBound) and older — read it with Kiln \(writerVersion) or newer")
        }
        let headerSize = try r.integer(UInt32.self, at: 12, "the header size")
        guard headerSize == BundleFormat.headerSize else {
            throw KilnError(.corruptBundle, "bundle '\(path)': header size \(headerSize), expected \(BundleFormat.headerSize) — the file is damaged; rebuild it")
        }
        let header = try r.slice(0, UInt64(BundleFormat.headerSize), "the header")
        let check = try r.integer(UInt64.self, at: BundleFormat.headerSize - 8, "the header check")
        guard Digest.check(UnsafeRawBufferPointer(rebasing: header[0..<(BundleFormat.headerSize - 8)])) == check else {
            throw KilnError(.corruptBundle, "bundle '\(path)': the header's checksum does not match — the file is damaged; rebuild it or copy it again")
        }
        fileSize = try r.integer(UInt64.self, at: 32, "the file size")
        guard fileSize == UInt64(size) else {
            throw KilnError(.corruptBundle, "bundle '\(path)' is \(size) bytes but its header says \(fileSize) — the file is truncated or was appended to; copy it again")
        }
        tableOffset = try r.integer(UInt64.self, at: 40, "the image table offset")
        let count = try r.integer(UInt32.self, at: 48, "the image count")
        let entrySize = try r.integer(UInt32.self, at: 52, "the entry size")
        guard entrySize == BundleFormat.entrySize else {
            throw KilnError(.corruptBundle, "bundle '\(path)': entry size \(entrySize), expected \(BundleFormat.entrySize) — the file is damaged; rebuild it")
        }
        try r.check(tableOffset, UInt64(count) * UInt64(entrySize), "the image table")
        imageCount = Int(count)
        strings = (try r.integer(at: 56, "the string table offset"), try r.integer(at: 64, "the string table size"))
        try r.check(strings.offset, strings.size, "the string table")
        manifestRange = (try r.integer(at: 72, "the manifest offset"), try r.integer(at: 80, "the manifest size"))
        try r.check(manifestRange.offset, manifestRange.size, "the manifest")
        data = (try r.integer(at: 88, "the data offset"), try r.integer(at: 96, "the data size"))
        try r.check(data.offset, data.size, "the data region")
        manifestDigest = Array(try r.slice(104, 32, "the manifest checksum"))
        let codec: UInt8 = try r.integer(at: 136, "the manifest codec")
        guard let manifestCodec = ImageCodec(rawValue: codec) else {
            throw KilnError(.corruptBundle, "bundle '\(path)': manifest codec \(codec) is unknown — the file is damaged; rebuild it")
        }
        self.manifestCodec = manifestCodec
        manifestRawSize = manifestCodec == .none ? manifestRange.size : try r.integer(at: 144, "the manifest's raw size")
        guard manifestRawSize <= BundleFormat.maximumImageSize else {
            throw KilnError(.corruptBundle, "bundle '\(path)': its manifest claims \(manifestRawSize) bytes — the file is damaged; rebuild it")
        }
    }

    /// The manifest, checked against the header's SHA-256 of it.
    ///
    /// - Throws: `KilnError.corruptBundle` if it is damaged.
    public func manifest() throws -> Manifest {
        let bytes = try reader.slice(manifestRange.offset, manifestRange.size, "the manifest")
        guard Digest.sha256(bytes) == manifestDigest else {
            throw KilnError(.corruptBundle, "bundle '\(path)': the manifest's checksum does not match — the file is damaged; rebuild it")
        }
        let json: [UInt8] = switch manifestCodec {
        case .none: Array(bytes)
        case .zstd: try Zstd.decompress(bytes, rawSize: Int(manifestRawSize), what: "bundle '\(path)': the manifest")
        }
        do {
            return try JSONDecoder().decode(Manifest.self, from: Data(json))
        } catch {
            throw KilnError(.corruptBundle, "bundle '\(path)': its manifest cannot be read — rebuild it with this Kiln", cause: error)
        }
    }

    /// The entry at a position of the image table (sorted by module, then target).
    ///
    /// - Throws: `KilnError.corruptBundle` if the entry is damaged or points outside the data region.
    public func entry(at index: Int) throws -> ImageEntry {
        guard (0..<imageCount).contains(index) else {
            throw KilnError(.invalidArgument, "image index \(index) is outside 0..<\(imageCount)")
        }
        let base = Int(tableOffset) + index * BundleFormat.entrySize
        let what = "image table entry \(index)"
        let raw = try reader.slice(UInt64(base), UInt64(BundleFormat.entrySize), what)
        func string(_ at: Int, _ name: String) throws -> String {
            let offset: UInt32 = try reader.integer(at: base + at, what)
            let length: UInt32 = try reader.integer(at: base + at + 4, what)
            guard UInt64(offset) + UInt64(length) <= strings.size else {
                throw KilnError(.corruptBundle, "bundle '\(path)': \(what) names a \(name) outside the string table — the file is damaged; rebuild it")
            }
            let bytes = try reader.slice(strings.offset + UInt64(offset), UInt64(length), what)
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw KilnError(.corruptBundle, "bundle '\(path)': \(what) has a \(name) that is not UTF-8 — the file is damaged; rebuild it")
            }
            return text
        }
        let formatCode: UInt8 = try reader.integer(at: base + 24, what)
        let codecCode: UInt8 = try reader.integer(at: base + 25, what)
        guard let format = ImageFormat(code: formatCode), let codec = ImageCodec(rawValue: codecCode) else {
            throw KilnError(.corruptBundle, "bundle '\(path)': \(what) has format \(formatCode) / codec \(codecCode), which this Kiln does not know — rebuild it, or read it with a newer Kiln")
        }
        let module = try string(0, "module"), target = try string(8, "target"), toolchain = try string(16, "toolchain")
        // The check covers the entry and the strings it names.
        let check = try reader.integer(UInt64.self, at: base + BundleFormat.entrySize - 8, what)
        let checked = Array(raw[0..<(BundleFormat.entrySize - 8)]) + Array(module.utf8) + Array(target.utf8) + Array(toolchain.utf8)
        guard checked.withUnsafeBytes({ Digest.check($0) }) == check else {
            throw KilnError(.corruptBundle, "bundle '\(path)': \(what) fails its checksum — the file is damaged; rebuild it")
        }
        let entry = ImageEntry(
            module: module, target: target, toolchain: toolchain,
            format: format, codec: codec,
            offset: try reader.integer(at: base + 32, what), storedSize: try reader.integer(at: base + 40, what),
            rawSize: try reader.integer(at: base + 48, what),
            sha256: Array(try reader.slice(UInt64(base + 56), 32, what)))
        let (end, overflow) = entry.offset.addingReportingOverflow(entry.storedSize)
        guard !overflow, entry.offset >= data.offset, end <= data.offset + data.size else {
            throw KilnError(.corruptBundle, "bundle '\(path)': the image \(entry.module) × \(entry.target) lies outside the data region — the file is damaged; rebuild it")
        }
        guard entry.rawSize <= BundleFormat.maximumImageSize,
              entry.codec == .zstd || entry.rawSize == entry.storedSize else {
            throw KilnError(.corruptBundle, "bundle '\(path)': the image \(entry.module) × \(entry.target) claims \(entry.rawSize) bytes, which its entry cannot hold — the file is damaged; rebuild it")
        }
        return entry
    }

    /// Every entry of the image table, in table order.
    public func entries() throws -> [ImageEntry] {
        try (0..<imageCount).map(entry(at:))
    }

    /// The entry for one module and target, found by binary search; nil if the bundle has none.
    ///
    /// The search compares names read with bounds checks only; the entry it lands on is then
    /// read and checked in full.
    /// - Complexity: O(log n) names compared, one entry checked.
    public func entry(module: String, target: String) throws -> ImageEntry? {
        let key = imageKey(module, target)
        var low = 0, high = imageCount
        while low < high {
            let mid = (low + high) / 2
            let candidate = try searchKey(at: mid)
            if candidate.elementsEqual(key) { return try entry(at: mid) }
            if candidate.lexicographicallyPrecedes(key) { low = mid + 1 } else { high = mid }
        }
        return nil
    }

    /// The (module, target) sort key of an entry, as ``imageKey(_:_:)`` builds it, unchecked but in bounds.
    private func searchKey(at index: Int) throws -> [UInt8] {
        let base = Int(tableOffset) + index * BundleFormat.entrySize
        func name(_ at: Int) throws -> UnsafeRawBufferPointer {
            let offset: UInt32 = try reader.integer(at: base + at, "image table entry \(index)")
            let length: UInt32 = try reader.integer(at: base + at + 4, "image table entry \(index)")
            guard UInt64(offset) + UInt64(length) <= strings.size else {
                throw KilnError(.corruptBundle, "bundle '\(path)': image table entry \(index) names a string outside the string table — the file is damaged; rebuild it")
            }
            return try reader.slice(strings.offset + UInt64(offset), UInt64(length), "image table entry \(index)")
        }
        return Array(try name(0)) + [0] + Array(try name(8))
    }

    /// The raw bytes of an image, decompressed and checked against its SHA-256.
    ///
    /// - Throws: `KilnError.corruptBundle` naming the image if its bytes are damaged.
    public func image(_ entry: ImageEntry) throws -> [UInt8] {
        let what = "bundle '\(path)': image \(entry.module) × \(entry.target)"
        let stored = try reader.slice(entry.offset, entry.storedSize, what)
        let bytes: [UInt8] = switch entry.codec {
        case .none: Array(stored)
        case .zstd: try Zstd.decompress(stored, rawSize: Int(entry.rawSize), what: what)
        }
        guard Digest.sha256(bytes) == entry.sha256 else {
            throw KilnError(.corruptBundle, "\(what) fails its SHA-256 check — the file is damaged; rebuild it or copy it again")
        }
        return bytes
    }

    /// The raw bytes of one module's image for one target.
    ///
    /// - Throws: `KilnError.imageNotFound` if the bundle has no such image.
    public func image(module: String, target: String) throws -> [UInt8] {
        guard let entry = try entry(module: module, target: target) else {
            throw KilnError(.imageNotFound, "bundle '\(path)' has no image of module '\(module)' for target '\(target)' — `kiln inspect \(path)` lists what it holds")
        }
        return try image(entry)
    }
}
