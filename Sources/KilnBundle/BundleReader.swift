import KilnCore
import Synchronization

/// Reads a `.kiln` bundle: checks the header on open, and reads the image table, the manifest
/// and images on demand with `pread` (never a mapping: see ``BundleFile``), checking every
/// offset, size and checksum first.
///
/// Opening reads only the header, whatever the number of images. The first lookup reads the
/// image table and string table once and checks that the table is sorted and has no
/// duplicate, so a binary search finds every entry and nothing is listed that it cannot find.
/// A truncated, damaged or hostile file gives a `KilnError`, never a crash or a signal.
public final class BundleReader: Sendable {
    /// The path the bundle was opened from.
    public let path: String
    /// The Kiln version that wrote the bundle.
    public var writerVersion: String { header.writerVersion }
    /// The format version of the file.
    public var formatVersion: UInt32 { header.formatVersion }
    /// The file's size in bytes.
    public var fileSize: UInt64 { header.fileSize }
    /// The number of images in the image table.
    public var imageCount: Int { Int(header.imageCount) }

    /// The signature block of a signed bundle, parsed but not checked (see
    /// ``requireSignature(trustedBy:)``); nil for an unsigned bundle.
    public let signature: BundleSignature?

    let file: BundleFile
    let subject: String
    /// The header as read and checked on open, which a signature check compares with what it hashes.
    let header: BundleHeader
    /// The image table and string table, read and checked on first use (or taken from the bytes
    /// a signature check hashed).
    let loadedTable = Mutex<ImageTable?>(nil)
    /// The key whose signature has been checked over the whole file, once.
    let verifiedSigner = Mutex<SigningPublicKey?>(nil)
    /// Reference images already read, by table position and the transform of the images stored
    /// against them: the bytes those images were compressed against (raw for none; see
    /// ``ImageTransform/prefix(coding:)``). The few most recent, at most
    /// ``referenceCacheBytes`` in all. A base read for itself is kept too when the table says
    /// another image is stored against it, so reading a module's images decodes each once.
    private let references = Mutex<[(index: Int, transform: ImageTransform, bytes: [UInt8])]>([])
    /// zstd's decompression contexts, kept from one image to the next.
    private let decompressionContexts = Zstd.DecompressionContexts()
    /// The most bytes of reference images a reader keeps.
    static let referenceCacheBytes = 32 << 20

    /// Opens a bundle and validates its header.
    ///
    /// - Throws: `KilnError.io` if the file cannot be read, `.corruptBundle` if it is not a
    ///   valid bundle, `.unsupportedBundleVersion` if a newer Kiln wrote it.
    public init(path: String) throws(KilnError) {
        let span = StartupTrace.begin("bundle.open", detail: path)
        defer { span?.end() }
        self.path = path
        subject = "bundle '\(path)'"
        file = try BundleFile(path: path)
        let size = file.size
        header = try BundleHeader(bytes: file.read(0, min(size, UInt64(BundleFormat.headerSize)), subject: subject, "the header"),
                                  fileSize: size, path: path)
        signature = try Self.signatureBlock(header: header, file: file, path: path)
    }

    /// The manifest, checked against the header's SHA-256 of it.
    ///
    /// - Throws: `KilnError.corruptBundle` if it is damaged.
    public func manifest() throws(KilnError) -> Manifest {
        let bytes = try StartupTrace.measure("manifest.read", bytes: Int(header.manifest.size)) { () throws(KilnError) in
            try file.read(header.manifest.offset, header.manifest.size, subject: subject, "the manifest")
        }
        let digest = StartupTrace.measure("manifest.sha256") { Digest.sha256(bytes) }
        guard digest == header.manifestSHA256 else {
            throw KilnError(.corruptBundle, "bundle '\(path)': the manifest's checksum does not match — the file is damaged; rebuild it")
        }
        let json: [UInt8] = switch header.manifestCodec {
        case .none, .zstdReferenced: bytes  // the header refuses a referenced manifest
        case .zstd: try StartupTrace.measure("manifest.decompress", bytes: Int(header.manifestRawSize)) { () throws(KilnError) in
            try Zstd.decompress(bytes, rawSize: header.manifestRawSize, limit: BundleFormat.maximumManifestSize, what: "bundle '\(path)': the manifest",
                                contexts: decompressionContexts)
        }
        }
        let containers = Self.countContainers(json, limit: BundleFormat.maximumManifestContainers)
        guard containers <= BundleFormat.maximumManifestContainers else {
            throw KilnError(.corruptBundle, "bundle '\(path)': its manifest holds more than \(BundleFormat.maximumManifestContainers) JSON objects and arrays — the file is damaged or hostile; rebuild it")
        }
        do {
            return try StartupTrace.measure("manifest.decode", bytes: json.count) { try Manifest(json: json) }
        } catch {
            throw KilnError(.corruptBundle, "bundle '\(path)': its manifest cannot be read — rebuild it with this Kiln", cause: error)
        }
    }

    /// The number of JSON objects and arrays in some bytes (braces and brackets outside
    /// strings), counting no further than one past `limit`.
    /// - Complexity: O(n) in the bytes, no allocation.
    static func countContainers(_ json: [UInt8], limit: Int) -> Int {
        json.withUnsafeBufferPointer { bytes in
            var count = 0, index = 0
            let end = bytes.count
            while index < end {
                let byte = bytes[index]
                if byte == 0x22 {  // a string: skip to its closing quote, past escapes
                    index += 1
                    while index < end, bytes[index] != 0x22 { index += bytes[index] == 0x5C ? 2 : 1 }
                } else if byte == 0x7B || byte == 0x5B {  // { [
                    count += 1
                    if count > limit { return count }
                }
                index += 1
            }
            return count
        }
    }

    /// The entry at a position of the image table (sorted by module, then target).
    ///
    /// - Throws: `KilnError.corruptBundle` if the entry is damaged or points outside the data
    ///   region, or the table is not strictly sorted.
    public func entry(at index: Int) throws(KilnError) -> ImageEntry {
        guard (0..<imageCount).contains(index) else {
            throw KilnError(.invalidArgument, "image index \(index) is outside 0..<\(imageCount)")
        }
        return try table().entry(at: index)
    }

    /// Every entry of the image table, in table order.
    public func entries() throws(KilnError) -> [ImageEntry] {
        let table = try table()
        return try (0..<imageCount).map(table.entry(at:))
    }

    /// The entry for one module and target, found by binary search; nil if the bundle has none.
    ///
    /// The search runs over the names of the table, which was checked to be strictly sorted;
    /// the entry it lands on is then checked in full.
    /// - Complexity: O(log n) names compared, one entry checked (after the table is read once).
    public func entry(module: String, target: String) throws(KilnError) -> ImageEntry? {
        let table = try table()
        return try table.position(module, target).map(table.entry(at:))
    }

    /// The image table, read and checked on first use.
    private func table() throws(KilnError) -> ImageTable {
        if let table = loadedTable.withLock({ $0 }) { return table }
        let span = StartupTrace.begin("bundle.table")
        defer { span?.end() }
        let table = try ImageTable(
            entries: file.read(header.tableOffset, header.tableSize, subject: subject, "the image table"),
            strings: file.read(header.strings.offset, header.strings.size, subject: subject, "the string table"),
            count: imageCount, data: header.data, path: path, formatVersion: formatVersion)
        loadedTable.withLock { $0 = table }
        return table
    }

    /// The raw bytes of an image, decompressed and checked against its SHA-256.
    ///
    /// An image stored against a reference (``ImageCodec/zstdReferenced``) is decompressed
    /// against bytes taken from the reference's frame (itself stored without one), so one image
    /// costs at most two reads and two decompressions. The reference is not checked on the way:
    /// bytes decompressed against a wrong one cannot pass the image's own SHA-256 check. Only
    /// when the image fails is the reference checked, to say which of the two is damaged.
    /// - Throws: `KilnError.corruptBundle` naming the image if its bytes are damaged, and naming
    ///   both if its reference is damaged or is itself stored against a reference.
    public func image(_ entry: ImageEntry) throws(KilnError) -> [UInt8] {
        let what = "bundle '\(path)': image \(entry.module) × \(entry.target)"
        // A base is kept when it is this file's entry, as the table has it (a caller may pass any
        // entry) and another image is stored against it: raw, and when coded also as its frame
        // holds it, what the images coded the same way are compressed against.
        guard entry.codec != .zstdReferenced, let table = try? table(), let index = table.position(entry.module, entry.target),
              table.referenced.contains(index), (try? table.entry(at: index)) == entry else {
            return try read(entry, what, checked: true)
        }
        let content = try storedImage(entry, what, prefix: nil, decoding: false)
        let bytes = try decoded(content, entry, what, checked: true)
        keepReference(index, .none, bytes)
        if entry.transform != .none { keepReference(index, entry.transform, content) }
        return bytes
    }

    /// An image's bytes decompressed but not checked against its SHA-256: for benchmarks that
    /// time decompression alone. Never hand these bytes to a driver.
    @_spi(Benchmarks)
    public func imageSkippingChecksum(_ entry: ImageEntry) throws(KilnError) -> [UInt8] {
        try read(entry, "bundle '\(path)': image \(entry.module) × \(entry.target)", checked: false)
    }

    /// An image's raw bytes, checked unless `checked` is false; for an image stored against a
    /// reference, the reference is checked when the image fails (see ``image(_:)``).
    private func read(_ entry: ImageEntry, _ what: String, checked: Bool) throws(KilnError) -> [UInt8] {
        guard entry.codec == .zstdReferenced else { return try storedImage(entry, what, prefix: nil, checked: checked) }
        guard let index = entry.reference else {
            throw KilnError(.corruptBundle, "\(what) is stored against a reference it does not name — the file is damaged; rebuild it")
        }
        let prefix = try prefix(index, for: entry, what)
        do throws(KilnError) {
            return try storedImage(entry, what, prefix: prefix, checked: checked)
        } catch {
            try checkReference(index, for: what)
            throw error
        }
    }

    /// What an image's frame was compressed against: its reference's raw bytes, or for a coded
    /// image the reference coded the same way (``ImageTransform/prefix(coding:)``). A reference
    /// stored coded by that transform holds exactly that coding as its frame's content
    /// (docs/FORMAT.md), which is taken as it decompresses; kept from an earlier read where it can be.
    private func prefix(_ index: Int, for entry: ImageEntry, _ what: String) throws(KilnError) -> [UInt8] {
        let transform = entry.transform
        if let kept = references.withLock({ $0.first { $0.index == index && $0.transform == transform } }) { return kept.bytes }
        let prefix: [UInt8]
        do throws(KilnError) {
            let reference = try referenceEntry(index)
            let name = "image \(reference.module) × \(reference.target)"
            if transform != .none, reference.transform == transform {
                prefix = try storedImage(reference, name, prefix: nil, checked: false, decoding: false)
            } else {
                let raw = try storedImage(reference, name, prefix: nil, checked: false)
                prefix = transform == .none ? raw
                    : StartupTrace.measure("image.prefix", detail: "\(entry.module) × \(entry.target)", bytes: raw.count) { transform.prefix(coding: raw) }
            }
        } catch {
            throw blame(index, error, what)
        }
        keepReference(index, transform, prefix)
        return prefix
    }

    /// The entry of the reference at a table position, which may not itself have one.
    private func referenceEntry(_ index: Int) throws(KilnError) -> ImageEntry {
        let reference = try entry(at: index)
        guard reference.codec != .zstdReferenced else {
            throw KilnError(.corruptBundle, "it is itself stored against a reference, and a bundle holds one level of references at most")
        }
        return reference
    }

    /// Reads the reference at a table position and checks it against its SHA-256; when it fails,
    /// forgets what was kept of it and throws an error that names both images.
    private func checkReference(_ index: Int, for what: String) throws(KilnError) {
        do throws(KilnError) {
            let reference = try referenceEntry(index)
            _ = try storedImage(reference, "image \(reference.module) × \(reference.target)", prefix: nil)
        } catch {
            references.withLock { kept in kept.removeAll { $0.index == index } }
            throw blame(index, error, what)
        }
    }

    /// The error for an image whose reference cannot be used.
    private func blame(_ index: Int, _ error: KilnError, _ what: String) -> KilnError {
        let name = (try? table().name(at: index)) ?? "table entry \(index)"
        return KilnError(.corruptBundle, "\(what) is stored against image \(name) (table entry \(index)), which cannot be used: \(error.message)", cause: error)
    }

    /// Keeps the bytes images are compressed against, dropping the oldest past eight or ``referenceCacheBytes``.
    private func keepReference(_ index: Int, _ transform: ImageTransform, _ bytes: [UInt8]) {
        guard bytes.count <= Self.referenceCacheBytes else { return }
        references.withLock { kept in
            kept.removeAll { $0.index == index && $0.transform == transform }
            kept.insert((index, transform, bytes), at: 0)
            while kept.count > 8 || kept.reduce(0, { $0 + $1.bytes.count }) > Self.referenceCacheBytes { kept.removeLast() }
        }
    }

    /// The raw bytes of an entry whose frame was compressed against `prefix` (if it has one),
    /// checked against its SHA-256 unless `checked` is false; without `decoding`, what the frame
    /// holds, its transform not undone and unchecked.
    private func storedImage(_ entry: ImageEntry, _ what: String, prefix: [UInt8]?, checked: Bool = true,
                             decoding: Bool = true) throws(KilnError) -> [UInt8] {
        try ByteReader.check(entry.offset, entry.storedSize, within: header.data.offset + header.data.size, subject, "\(entry.module) × \(entry.target)")
        guard entry.storedSize <= BundleFormat.maximumImageSize else {
            throw KilnError(.corruptBundle, "\(what) is stored in \(entry.storedSize) bytes, over the limit of \(BundleFormat.maximumImageSize) — the file is damaged; rebuild it")
        }
        let name = StartupTrace.isEnabled ? "\(entry.module) × \(entry.target)" : ""
        let stored = try StartupTrace.measure("image.read", detail: name, bytes: Int(entry.storedSize)) { () throws(KilnError) in
            try file.read(entry.offset, entry.storedSize, subject: subject, "\(entry.module) × \(entry.target)")
        }
        let bytes: [UInt8] = switch entry.codec {
        case .none: stored
        case .zstd, .zstdReferenced:
            try StartupTrace.measure("image.decompress", detail: name, bytes: Int(entry.rawSize)) { () throws(KilnError) in
                try Zstd.decompress(stored, rawSize: entry.transformedSize ?? entry.rawSize, limit: BundleFormat.maximumImageSize,
                                    what: what, prefix: prefix, contexts: decompressionContexts)
            }
        }
        guard decoding else { return bytes }
        return try decoded(consume bytes, entry, what, checked: checked)
    }

    /// The raw bytes of an image from what its frame holds: its transform undone (in place, so
    /// a caller that gives up the bytes spares a copy of the image), and checked against its
    /// SHA-256 unless `checked` is false.
    private func decoded(_ bytes: consuming [UInt8], _ entry: ImageEntry, _ what: String, checked: Bool) throws(KilnError) -> [UInt8] {
        let name = StartupTrace.isEnabled ? "\(entry.module) × \(entry.target)" : ""
        if entry.transform != .none {
            try StartupTrace.measure("image.decode", detail: name, bytes: Int(entry.rawSize)) { () throws(KilnError) in try decode(&bytes, entry, what) }
        }
        guard !checked || StartupTrace.measure("image.sha256", detail: name, bytes: bytes.count, { Digest.sha256(bytes) }) == entry.sha256 else {
            throw KilnError(.corruptBundle, "\(what) fails its SHA-256 check — the file is damaged; rebuild it or copy it again")
        }
        return bytes
    }

    /// Undoes an image's transform on its decompressed bytes.
    private func decode(_ bytes: inout [UInt8], _ entry: ImageEntry, _ what: String) throws(KilnError) {
        do {
            try entry.transform.decode(&bytes, rawSize: entry.rawSize)
        } catch {
            throw KilnError(.corruptBundle, "\(what) does not decode from its \(entry.transform) coding: \(error.reason) — the file is damaged; rebuild it", cause: error)
        }
    }

    /// The raw bytes of one module's image for one target.
    ///
    /// - Throws: `KilnError.imageNotFound` if the bundle has no such image.
    public func image(module: String, target: String) throws(KilnError) -> [UInt8] {
        guard let entry = try entry(module: module, target: target) else {
            throw KilnError(.imageNotFound, "bundle '\(path)' has no image of module '\(module)' for target '\(target)' — `kiln inspect \(path)` lists what it holds")
        }
        return try image(entry)
    }
}
