import KilnCore

/// A bundle's image table and string table, read once and checked to be strictly sorted by
/// (module, target) with no duplicate, so that a binary search finds every entry and a
/// listing holds nothing that resolution cannot find.
///
/// Moving or duplicating whole entries keeps each entry's own check valid; only the order
/// shows it. A flipped bit in a name field changes that entry's key: either the order
/// breaks and the bundle is refused, or the key stays in order, the entry fails its own
/// check when it is read, and every other entry is still found.
struct ImageTable: Sendable {
    /// The table's bytes: count × 128.
    let table: ByteReader
    /// The string table's bytes.
    let strings: [UInt8]
    /// Each entry's search key, as ``imageKey(_:_:)`` builds it, in table order.
    let keys: [[UInt8]]
    let data: (offset: UInt64, size: UInt64)
    let path: String
    /// The positions that some entry names as its reference — read without the entries' checks,
    /// so only a hint of what to keep once read (what is kept has passed its SHA-256).
    let referenced: Set<Int>
    /// The bundle's format version: ``ImageCodec/zstdReferenced`` is refused before version 2.
    let formatVersion: UInt32

    /// Reads the keys of every entry and checks their order.
    ///
    /// - Throws: `KilnError.corruptBundle` if a name lies outside the string table, or the keys
    ///   are not strictly increasing.
    init(entries: [UInt8], strings: [UInt8], count: Int,
         data: (offset: UInt64, size: UInt64), path: String, formatVersion: UInt32) throws(KilnError) {
        table = ByteReader(bytes: entries, subject: "bundle '\(path)'")
        self.formatVersion = formatVersion
        self.strings = strings
        self.data = data
        self.path = path
        var keys: [[UInt8]] = []
        keys.reserveCapacity(count)
        for index in 0..<count {
            let base = index * BundleFormat.entrySize
            let key = Array(try Self.name(table, strings, base, 0, index, "module", path)) + [0]
                + Array(try Self.name(table, strings, base, 8, index, "target", path))
            if let previous = keys.last, !previous.lexicographicallyPrecedes(key) {
                throw KilnError(.corruptBundle,
                    "bundle '\(path)': image table entry \(index) is \(previous == key ? "a duplicate of" : "out of order after") entry \(index - 1) — the file is damaged or was edited; rebuild it")
            }
            keys.append(key)
        }
        self.keys = keys
        var referenced = Set<Int>()
        for index in 0..<count where (try? table.integer(UInt8.self, at: index * BundleFormat.entrySize + 25, "")) == ImageCodec.zstdReferenced.rawValue {
            if let reference = try? table.integer(UInt32.self, at: index * BundleFormat.entrySize + 88, ""), Int(reference) < count {
                referenced.insert(Int(reference))
            }
        }
        self.referenced = referenced
    }

    /// The position of the entry for a module and target, by binary search over the checked-sorted keys.
    func position(_ module: String, _ target: String) -> Int? {
        let key = imageKey(module, target)
        var low = 0, high = keys.count
        while low < high {
            let mid = (low + high) / 2
            if keys[mid].elementsEqual(key) { return mid }
            if keys[mid].lexicographicallyPrecedes(key) { low = mid + 1 } else { high = mid }
        }
        return nil
    }

    /// "module × target" of the entry at a position, from its key, before (or without) its check:
    /// for messages only.
    func name(at index: Int) -> String {
        let parts = keys[index].split(separator: 0, maxSplits: 1, omittingEmptySubsequences: false)
        return parts.map { String(decoding: $0, as: UTF8.self) }.joined(separator: " × ")
    }

    /// The bytes of one name field of an entry, in bounds but not yet checked against the entry's check.
    private static func name(_ table: ByteReader, _ strings: [UInt8], _ base: Int, _ at: Int, _ index: Int,
                             _ name: String, _ path: String) throws(KilnError) -> ArraySlice<UInt8> {
        let what = "image table entry \(index)"
        let offset: UInt32 = try table.integer(at: base + at, what)
        let length: UInt32 = try table.integer(at: base + at + 4, what)
        guard UInt64(offset) + UInt64(length) <= UInt64(strings.count) else {
            throw KilnError(.corruptBundle, "bundle '\(path)': \(what) names a \(name) outside the string table — the file is damaged; rebuild it")
        }
        return strings[Int(offset)..<Int(offset + length)]
    }

    /// The entry at a position, with its check, its strings, its codes and its ranges verified.
    ///
    /// - Throws: `KilnError.corruptBundle` if the entry is damaged or points outside the data region.
    func entry(at index: Int) throws(KilnError) -> ImageEntry {
        let base = index * BundleFormat.entrySize
        let what = "image table entry \(index)"
        let raw = try table.slice(UInt64(base), UInt64(BundleFormat.entrySize), what)
        func string(_ at: Int, _ name: String) throws(KilnError) -> String {
            let bytes = try Self.name(table, strings, base, at, index, name, path)
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw KilnError(.corruptBundle, "bundle '\(path)': \(what) has a \(name) that is not UTF-8 — the file is damaged; rebuild it")
            }
            return text
        }
        let formatCode: UInt8 = try table.integer(at: base + 24, what)
        let codecCode: UInt8 = try table.integer(at: base + 25, what)
        guard let format = ImageFormat(code: formatCode), let codec = ImageCodec(rawValue: codecCode),
              codec != .zstdReferenced || formatVersion >= BundleFormat.referencesVersion else {
            throw KilnError(.corruptBundle, "bundle '\(path)': \(what) has format \(formatCode) / codec \(codecCode), which this Kiln does not know — rebuild it, or read it with a newer Kiln")
        }
        let module = try string(0, "module"), target = try string(8, "target"), toolchain = try string(16, "toolchain")
        // The check covers the entry and the strings it names.
        let check = try table.integer(UInt64.self, at: base + BundleFormat.entrySize - 8, what)
        let checked = Array(raw.prefix(BundleFormat.entrySize - 8)) + Array(module.utf8) + Array(target.utf8) + Array(toolchain.utf8)
        guard checked.withUnsafeBytes({ Digest.check($0) }) == check else {
            throw KilnError(.corruptBundle, "bundle '\(path)': \(what) fails its checksum — the file is damaged; rebuild it")
        }
        var entry = ImageEntry(
            module: module, target: target, toolchain: toolchain,
            format: format, codec: codec,
            offset: try table.integer(at: base + 32, what), storedSize: try table.integer(at: base + 40, what),
            rawSize: try table.integer(at: base + 48, what),
            sha256: Array(try table.slice(UInt64(base + 56), 32, what)))
        // Version 2: the reference's position in the table, zero unless the codec uses one.
        let reference: UInt32 = try table.integer(at: base + 88, what)
        if codec == .zstdReferenced {
            guard Int(reference) < keys.count, Int(reference) != index else {
                throw KilnError(.corruptBundle, "bundle '\(path)': the image \(entry.module) × \(entry.target) names image table entry \(reference) as its reference, which \(Int(reference) == index ? "is itself" : "does not exist") — the file is damaged; rebuild it")
            }
            entry.reference = Int(reference)
        } else if reference != 0 {
            throw KilnError(.corruptBundle, "bundle '\(path)': the image \(entry.module) × \(entry.target) is stored without a reference but names one — the file is damaged; rebuild it")
        }
        // Version 3: how the raw bytes were rewritten, and the rewritten size.
        let transformCode: UInt8 = try table.integer(at: base + 26, what)
        let transformedSize: UInt64 = try table.integer(at: base + 92, what)
        guard let transform = ImageTransform(rawValue: transformCode),
              transform == .none || (formatVersion >= BundleFormat.transformsVersion && codec == .zstd
                                     && ImageTransform.candidate(for: format) == transform) else {
            throw KilnError(.corruptBundle, "bundle '\(path)': \(what) has transform \(transformCode) with codec \(codecCode) and format \(format) in format version \(formatVersion), which this Kiln does not know — rebuild it, or read it with a newer Kiln")
        }
        if transform != .none {
            guard transformedSize <= BundleFormat.maximumImageSize else {
                throw KilnError(.corruptBundle, "bundle '\(path)': the image \(entry.module) × \(entry.target) claims \(transformedSize) coded bytes, over the limit — the file is damaged; rebuild it")
            }
            entry.transform = transform
            entry.transformedSize = transformedSize
        } else if transformedSize != 0 {
            throw KilnError(.corruptBundle, "bundle '\(path)': the image \(entry.module) × \(entry.target) is stored without a transform but records a coded size — the file is damaged; rebuild it")
        }
        let (end, overflow) = entry.offset.addingReportingOverflow(entry.storedSize)
        guard !overflow, entry.offset >= data.offset, end <= data.offset + data.size else {
            throw KilnError(.corruptBundle, "bundle '\(path)': the image \(entry.module) × \(entry.target) lies outside the data region — the file is damaged; rebuild it")
        }
        guard entry.rawSize <= BundleFormat.maximumImageSize,
              entry.codec != .none || entry.rawSize == entry.storedSize else {
            throw KilnError(.corruptBundle, "bundle '\(path)': the image \(entry.module) × \(entry.target) claims \(entry.rawSize) bytes, which its entry cannot hold — the file is damaged; rebuild it")
        }
        return entry
    }
}
