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
    /// Each entry as stored, decoded but not yet checked, in table order.
    let layouts: [ImageEntry.Layout]
    /// The string table's bytes.
    let strings: [UInt8]
    /// Each entry's search key, as ``imageKey(_:_:)`` builds it, in table order.
    let keys: [[UInt8]]
    let data: BundleHeader.Region
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
         data: BundleHeader.Region, path: String, formatVersion: UInt32) throws(KilnError) {
        table = ByteReader(bytes: entries, subject: "bundle '\(path)'")
        self.formatVersion = formatVersion
        self.strings = strings
        self.data = data
        self.path = path
        var layouts: [ImageEntry.Layout] = []
        var keys: [[UInt8]] = []
        layouts.reserveCapacity(count)
        keys.reserveCapacity(count)
        for index in 0..<count {
            let what = "image table entry \(index)"
            let layout = try ImageEntry.Layout(table, at: index * BundleFormat.entrySize, what)
            let key = Array(try Self.name(layout.module, strings, what, "module", path)) + [0]
                + Array(try Self.name(layout.target, strings, what, "target", path))
            if let previous = keys.last, !previous.lexicographicallyPrecedes(key) {
                throw KilnError(.corruptBundle,
                    "bundle '\(path)': image table entry \(index) is \(previous == key ? "a duplicate of" : "out of order after") entry \(index - 1) — the file is damaged or was edited; rebuild it")
            }
            layouts.append(layout)
            keys.append(key)
        }
        self.layouts = layouts
        self.keys = keys
        referenced = Set(layouts.lazy.filter { $0.codec == ImageCodec.zstdReferenced.rawValue && Int($0.reference) < count }
            .map { Int($0.reference) })
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

    /// The bytes of one name of an entry, in bounds but not yet checked against the entry's check.
    private static func name(_ name: ImageEntry.Layout.Name, _ strings: [UInt8], _ what: String,
                             _ field: String, _ path: String) throws(KilnError) -> ArraySlice<UInt8> {
        guard UInt64(name.offset) + UInt64(name.length) <= UInt64(strings.count) else {
            throw KilnError(.corruptBundle, "bundle '\(path)': \(what) names a \(field) outside the string table — the file is damaged; rebuild it")
        }
        return strings[Int(name.offset)..<Int(name.offset + name.length)]
    }

    /// The entry at a position, with its check, its strings, its codes and its ranges verified.
    ///
    /// - Throws: `KilnError.corruptBundle` if the entry is damaged or points outside the data region.
    func entry(at index: Int) throws(KilnError) -> ImageEntry {
        let layout = layouts[index]
        let what = "image table entry \(index)"
        func string(_ name: ImageEntry.Layout.Name, _ field: String) throws(KilnError) -> String {
            let bytes = try Self.name(name, strings, what, field, path)
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw KilnError(.corruptBundle, "bundle '\(path)': \(what) has a \(field) that is not UTF-8 — the file is damaged; rebuild it")
            }
            return text
        }
        let (formatCode, codecCode) = (layout.format, layout.codec)
        guard let format = ImageFormat(code: formatCode), let codec = ImageCodec(rawValue: codecCode),
              codec != .zstdReferenced || formatVersion >= BundleFormat.referencesVersion else {
            throw KilnError(.corruptBundle, "bundle '\(path)': \(what) has format \(formatCode) / codec \(codecCode), which this Kiln does not know — rebuild it, or read it with a newer Kiln")
        }
        let module = try string(layout.module, "module"), target = try string(layout.target, "target")
        let toolchain = try string(layout.toolchain, "toolchain")
        // The check covers the entry as stored and the strings it names.
        let raw = try table.slice(UInt64(index * BundleFormat.entrySize), UInt64(BundleFormat.entrySize), what)
        guard ImageEntry.Layout.check(raw, names: Array(module.utf8) + Array(target.utf8) + Array(toolchain.utf8)) == layout.check else {
            throw KilnError(.corruptBundle, "bundle '\(path)': \(what) fails its checksum — the file is damaged; rebuild it")
        }
        var entry = ImageEntry(
            module: module, target: target, toolchain: toolchain, format: format, codec: codec,
            offset: layout.offset, storedSize: layout.storedSize, rawSize: layout.rawSize, sha256: layout.sha256)
        // Version 2: the reference's position in the table, zero unless the codec uses one.
        let reference = layout.reference
        if codec == .zstdReferenced {
            guard Int(reference) < keys.count, Int(reference) != index else {
                throw KilnError(.corruptBundle, "bundle '\(path)': the image \(entry.module) × \(entry.target) names image table entry \(reference) as its reference, which \(Int(reference) == index ? "is itself" : "does not exist") — the file is damaged; rebuild it")
            }
            entry.reference = Int(reference)
        } else if reference != 0 {
            throw KilnError(.corruptBundle, "bundle '\(path)': the image \(entry.module) × \(entry.target) is stored without a reference but names one — the file is damaged; rebuild it")
        }
        // Version 3: how the raw bytes were rewritten, and the rewritten size.
        let (transformCode, transformedSize) = (layout.transform, layout.codedSize)
        guard let transform = ImageTransform(rawValue: transformCode),
              transform == .none || (ImageTransform.candidate(for: format) == transform
                                     && (codec == .zstd && formatVersion >= BundleFormat.transformsVersion
                                         || codec == .zstdReferenced && formatVersion >= BundleFormat.codedReferencesVersion)) else {
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
