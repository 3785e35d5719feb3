import KilnCore

/// The structure of a PoCL program binary (`CL_PROGRAM_BINARIES` of PoCL 3.x, versions 9 to 11),
/// checked before PoCL unpacks it.
///
/// PoCL writes each file a binary carries into its cache folder under the file's recorded
/// name, joined to the folder unchecked, and trusts every size it reads; a name such as
/// `/../../tmp/x` writes outside the cache, and a size past the end reads past the buffer. So
/// every record is parsed here first: names are `/` followed by components of letters, digits,
/// `.`, `_`, `+` and `-` (never empty, `.` or `..`), kernel files lie under `/<kernel>/`, kernel
/// names are identifiers, and every size lies inside the image and adds up exactly.
///
/// Layout (little-endian): `poclbin\0`, device id (8), version (4), kernel count (4), flags (8),
/// root entry count (4), build hash (41), [program-scope bytes (8) when flags bit 1, version 10+];
/// root entries, each a size (8) and file records filling it; then per kernel: record size (8),
/// files size (8), argument-info size (4), name (4 + n), argument count (4), local count (4),
/// required work-group size (3 × 8), local sizes (count × 8), attributes (4 + n), metadata flags
/// (8; version 11 adds 8 or 20 bytes by flag), arguments (4 + 4 + 8 + 4 + 4 + name + type name),
/// then file records filling the files size. A file record is a name (4 + n) and content (4 + n).
public struct PoCLBinary: Sendable {
    /// A file the binary carries: its recorded name and its size.
    public struct File: Sendable, Equatable {
        public var name: String
        public var size: Int
    }

    /// The binary format version (PoCL 3.1 writes 9).
    public let version: UInt32
    /// The kernels' names, in order.
    public let kernels: [String]
    /// Every file the binary carries, in order.
    public let files: [File]

    /// The versions checked: 9 (PoCL 3.1, 4.0) to 11.
    public static let versions: ClosedRange<UInt32> = 9...11
    static let magic: [UInt8] = Array("poclbin".utf8) + [0]
    /// The longest file name taken; PoCL's own are under 200 bytes.
    static let maximumNameLength = 1024

    /// Parses and checks a binary.
    ///
    /// - Parameter what: The image, for messages: `bundle 'app.kiln': image vector × cpu`.
    /// - Throws: `KilnError.corruptBundle` naming the image, the record and what is wrong.
    public init(validating bytes: [UInt8], what: String) throws(KilnError) {
        var r = Cursor(bytes: bytes, what: what)
        guard bytes.count >= 8, Array(bytes[0..<8]) == Self.magic else {
            throw r.fail("it does not start with 'poclbin'")
        }
        r.at = 8
        _ = try r.u64("the device id")
        version = try r.u32("the version")
        guard Self.versions.contains(version) else {
            throw r.fail("it is PoCL binary version \(version); Kiln checks versions \(Self.versions.lowerBound)–\(Self.versions.upperBound)")
        }
        let kernelCount = try r.u32("the kernel count")
        let flags = try r.u64("the flags")
        let rootEntries = try r.u32("the root entry count")
        _ = try r.bytes(41, "the build hash")
        if version >= 10, flags & 2 != 0 { _ = try r.u64("the program-scope variable size") }
        guard (1...2).contains(rootEntries) else {
            throw r.fail("it has \(rootEntries) root entries; PoCL unpacks 1 or 2")
        }
        var files: [File] = []
        for index in 0..<Int(rootEntries) {
            let size = try r.u64("the size of root entry \(index)")
            let end = try r.end(after: size, "root entry \(index)")
            files += try r.files(until: end, under: nil)
        }
        guard kernelCount >= 1, UInt64(kernelCount) <= UInt64(bytes.count - r.at) / 60 else {
            throw r.fail("it claims \(kernelCount) kernels, which its \(bytes.count - r.at) remaining bytes cannot hold")
        }
        var kernels: [String] = []
        for index in 0..<Int(kernelCount) {
            let start = r.at
            let recordSize = try r.u64("the size of kernel record \(index)")
            let filesSize = try r.u64("the files size of kernel record \(index)")
            let argumentInfoSize = try r.u32("the argument-info size of kernel record \(index)")
            let end = try Cursor.offset(start, plus: recordSize, within: bytes.count, r, "kernel record \(index)")
            guard filesSize <= recordSize, end - Int(filesSize) >= r.at else {
                throw r.fail("kernel record \(index) says its files take \(filesSize) of its \(recordSize) bytes, more than it holds")
            }
            let filesStart = end - Int(filesSize)
            let nameBytes = try r.string("the name of kernel \(index)")
            guard let name = String(validating: nameBytes, as: UTF8.self), Self.isIdentifier(nameBytes) else {
                throw r.fail("kernel \(index) is named '\(String(decoding: nameBytes, as: UTF8.self))', not an identifier")
            }
            let argumentCount = try r.u32("the argument count of '\(name)'")
            let localCount = try r.u32("the local count of '\(name)'")
            _ = try r.bytes(24, "the work-group size of '\(name)'")
            _ = try r.bytes(Int(min(UInt64(localCount) * 8, UInt64(Int32.max))), "the local sizes of '\(name)'")
            _ = try r.string("the attributes of '\(name)'")
            let metadata = try r.u64("the metadata flags of '\(name)'")
            if version >= 11 {
                let kernelFlags = metadata >> 32
                if kernelFlags & 4 != 0 { _ = try r.bytes(8, "the subgroup sizes of '\(name)'") }
                if kernelFlags & 2 != 0 { _ = try r.bytes(20, "the work-group sizes of '\(name)'") }
            }
            let argumentsStart = r.at
            for argument in 0..<Int(argumentCount) {
                _ = try r.bytes(24, "argument \(argument) of '\(name)'")
                _ = try r.string("the name of argument \(argument) of '\(name)'")
                _ = try r.string("the type of argument \(argument) of '\(name)'")
                guard r.at <= filesStart else { throw r.fail("the arguments of '\(name)' run into its files") }
            }
            guard r.at - argumentsStart == Int(argumentInfoSize), r.at == filesStart else {
                throw r.fail("kernel '\(name)': its argument info takes \(r.at - argumentsStart) bytes, its record says \(argumentInfoSize), and its files start at \(filesStart), not \(r.at)")
            }
            files += try r.files(until: end, under: name)
            kernels.append(name)
        }
        guard r.at == bytes.count else {
            throw r.fail("\(bytes.count - r.at) bytes follow its last kernel")
        }
        self.kernels = kernels
        self.files = files
    }

    /// True for a C identifier: a letter or `_`, then letters, digits and `_`.
    static func isIdentifier(_ bytes: some Collection<UInt8>) -> Bool {
        guard let first = bytes.first, !(0x30...0x39).contains(first), bytes.count <= 1024 else { return false }
        return bytes.allSatisfy { $0 == 0x5F || (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }
    }

    /// Why a file name may not be unpacked, or nil when it may: it must be `/` and components of
    /// `[A-Za-z0-9._+-]`, none empty, `.` or `..`; under `/<kernel>/` for a kernel's files.
    static func problem(withName name: [UInt8], kernel: String?) -> String? {
        guard !name.isEmpty, name.count <= maximumNameLength else { return "its length is \(name.count)" }
        guard name.first == 0x2F else { return "it does not start with '/'" }
        let components = name.dropFirst().split(separator: 0x2F, omittingEmptySubsequences: false)
        for component in components {
            if component.isEmpty { return "it has an empty component" }
            if component.elementsEqual([0x2E]) || component.elementsEqual([0x2E, 0x2E]) { return "it has a '.' or '..' component" }
            let allowed = component.allSatisfy {
                $0 == 0x2E || $0 == 0x5F || $0 == 0x2B || $0 == 0x2D || (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0)
            }
            if !allowed { return "it has a byte outside letters, digits and '._+-'" }
        }
        if let kernel, components.count < 2 || !components[0].elementsEqual(kernel.utf8) {
            return "it is not under '/\(kernel)/'"
        }
        return nil
    }

    /// A bounds-checked little-endian cursor over the binary.
    struct Cursor {
        let bytes: [UInt8]
        let what: String
        var at = 0

        func fail(_ why: String) -> KilnError {
            KilnError(.corruptBundle, "\(what) is not a PoCL binary Kiln will hand to PoCL: \(why) — the bundle is damaged or hostile; rebuild it")
        }

        static func offset(_ start: Int, plus size: UInt64, within count: Int, _ r: Cursor, _ name: String) throws(KilnError) -> Int {
            guard size <= UInt64(count - start) else {
                throw r.fail("\(name) claims \(size) bytes at offset \(start), past the end (\(count) bytes)")
            }
            return start + Int(size)
        }

        func end(after size: UInt64, _ name: String) throws(KilnError) -> Int {
            try Self.offset(at, plus: size, within: bytes.count, self, name)
        }

        mutating func bytes(_ count: Int, _ name: String) throws(KilnError) -> ArraySlice<UInt8> {
            let end = try end(after: UInt64(count), name)
            defer { at = end }
            return bytes[at..<end]
        }

        mutating func u32(_ name: String) throws(KilnError) -> UInt32 {
            try bytes(4, name).reversed().reduce(0) { $0 << 8 | UInt32($1) }
        }

        mutating func u64(_ name: String) throws(KilnError) -> UInt64 {
            try bytes(8, name).reversed().reduce(0) { $0 << 8 | UInt64($1) }
        }

        mutating func string(_ name: String) throws(KilnError) -> ArraySlice<UInt8> {
            let count = try u32(name)
            return try bytes(Int(count), name)
        }

        /// File records filling exactly `at..<end`, each name checked.
        mutating func files(until end: Int, under kernel: String?) throws(KilnError) -> [File] {
            var files: [File] = []
            while at < end {
                let name = try string("a file name")
                guard at <= end else { throw fail("a file name runs past its record") }
                if let why = PoCLBinary.problem(withName: Array(name), kernel: kernel) {
                    throw fail("it carries a file named '\(String(decoding: name, as: UTF8.self).terminalSafe())', which PoCL would write outside its cache folder or where it does not belong: \(why)")
                }
                let content = try string("the content of '\(String(decoding: name, as: UTF8.self).terminalSafe())'")
                guard at <= end else { throw fail("the file '\(String(decoding: name, as: UTF8.self).terminalSafe())' runs past its record") }
                files.append(File(name: String(decoding: name, as: UTF8.self), size: content.count))
            }
            return files
        }
    }
}
