#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
@testable import KilnBundle
import KilnCore
import KilnTestSupport
import Testing

/// A bundle's bytes with the fields a hostile writer would edit, and the checks re-sealed so
/// that only the attack, not a checksum, can give it away.
struct BundleBytes {
    var bytes: [UInt8]

    func integer<T: FixedWidthInteger>(_: T.Type, at offset: Int) -> T {
        bytes.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: T.self)) }
    }

    mutating func set<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        withUnsafeBytes(of: value.littleEndian) { for (i, byte) in $0.enumerated() { bytes[offset + i] = byte } }
    }

    var count: Int { Int(integer(UInt32.self, at: BundleHeader.Field.imageCount)) }
    func entryBase(_ index: Int) -> Int { Int(integer(UInt64.self, at: BundleHeader.Field.tableOffset)) + index * BundleFormat.entrySize }

    /// Recomputes the header check over the bytes before it.
    mutating func resealHeader() {
        set(BundleHeader.check(bytes), at: BundleHeader.Field.check)
    }

    /// Recomputes an entry's check over its bytes and the strings it names.
    mutating func resealEntry(_ index: Int) {
        let base = entryBase(index), strings = Int(integer(UInt64.self, at: BundleHeader.Field.stringsOffset))
        let entry = try! ImageEntry.Layout(ByteReader(bytes: bytes, subject: "test"), at: base, "entry")
        let names = [entry.module, entry.target, entry.toolchain].flatMap {
            bytes[(strings + Int($0.offset))..<(strings + Int($0.offset + $0.length))]
        }
        set(ImageEntry.Layout.check(bytes[base...], names: names), at: base + ImageEntry.Layout.Field.check)
    }

    /// Appends a region at the next 64-byte boundary, grows the header's file size, and returns its offset.
    mutating func append(_ region: [UInt8]) -> Int {
        while bytes.count % 64 != 0 { bytes.append(0) }
        let offset = bytes.count
        bytes += region
        set(UInt64(bytes.count), at: BundleHeader.Field.fileSize)
        return offset
    }
}

/// The attacks of the trust issue, each built here as a file and each refused with a KilnError.
@Suite("Hostile bundles")
struct HostileBundleTests {
    static func bundle(_ modules: [String] = ["gemm", "saxpy"]) throws -> BundleBytes {
        BundleBytes(bytes: try SyntheticBundle.bytes(modules: modules, deviceList: "pvc,sm_90,cpu", imageSize: 2048))
    }

    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = ContinuousClock.now
        try body()
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    static func folder(of path: String) -> String {
        URL(fileURLWithPath: path).deletingLastPathComponent().path
    }

    static func peakResidentBytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss * 1024
    }

    @Test("entries that declare 1 GiB over a truncated zstd frame cost what the frame holds, not 1 GiB each")
    func allocationBomb() throws {
        var file = try Self.bundle()
        // A zstd frame header that declares 1 GiB (single segment, 8-byte content size), then a
        // raw block that promises 100,000 bytes and holds 16.
        var frame: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD, 0xE0]
        withUnsafeBytes(of: UInt64(1 << 30).littleEndian) { frame += $0 }
        let block = UInt32(100_000) << 3 | 1
        frame += [UInt8(block & 0xFF), UInt8(block >> 8 & 0xFF), UInt8(block >> 16)] + Array(repeating: 0x41, count: 16)
        var bombs = 0
        for index in 0..<file.count where file.bytes[file.entryBase(index) + ImageEntry.Layout.Field.codec] == ImageCodec.zstd.rawValue {
            let base = file.entryBase(index), offset = Int(file.integer(UInt64.self, at: base + ImageEntry.Layout.Field.offset))
            file.bytes.replaceSubrange(offset..<(offset + frame.count), with: frame)
            file.set(UInt64(frame.count), at: base + ImageEntry.Layout.Field.storedSize)
            file.set(UInt64(1 << 30), at: base + ImageEntry.Layout.Field.rawSize)
            file.resealEntry(index)
            bombs += 1
        }
        #expect(bombs >= 8)
        let reader = try BundleReader(path: try SyntheticBundle.temporaryFile(file.bytes))
        let peakBefore = Self.peakResidentBytes()
        var refused = 0
        let elapsed = try Self.seconds {
            for entry in try reader.entries() where entry.rawSize == 1 << 30 {
                let error = try #require(throws: KilnError.self) { try reader.image(entry) }
                #expect(error.code == .corruptBundle)
                #expect(error.message.contains("\(entry.module) × \(entry.target)"))
                refused += 1
            }
        }
        #expect(refused == bombs)
        #expect(elapsed < 1, "\(bombs) bombs took \(elapsed) s")
        #expect(Self.peakResidentBytes() - peakBefore < 256 << 20, "the peak resident size grew by \((Self.peakResidentBytes() - peakBefore) >> 20) MiB")
    }

    @Test("a small manifest that expands to 300,000 modules is refused before it is decoded")
    func manifestBomb() throws {
        var file = try Self.bundle()
        let module = #"{"kernels":[],"language":"cuda","name":"m","sourceSHA256":""}"#
        let json = Array((#"{"deviceList":"pvc","modules":["# + Array(repeating: module, count: 300_000).joined(separator: ",")
            + #"],"targets":[],"toolchains":{}}"#).utf8)
        let stored = Zstd.compress(json, level: 3)
        #expect(stored.count < 64 << 10, "the bomb is small: \(stored.count) bytes")
        let offset = file.append(stored)
        file.set(UInt64(offset), at: BundleHeader.Field.manifestOffset)
        file.set(UInt64(stored.count), at: BundleHeader.Field.manifestSize)
        file.bytes.replaceSubrange(BundleHeader.Field.manifestSHA256, with: Digest.sha256(stored))
        file.bytes[BundleHeader.Field.manifestCodec] = ImageCodec.zstd.rawValue
        file.set(UInt64(json.count), at: BundleHeader.Field.manifestRawSize)
        file.resealHeader()
        let reader = try BundleReader(path: try SyntheticBundle.temporaryFile(file.bytes))
        var thrown: KilnError?
        let elapsed = Self.seconds {
            do { _ = try reader.manifest() } catch let error as KilnError { thrown = error } catch {}
        }
        let error = try #require(thrown, "the manifest of 300,000 modules was decoded")
        #expect(error.code == .corruptBundle)
        #expect(error.message.contains("JSON objects"))
        #expect(elapsed < 2, "refusing it took \(elapsed) s")
    }

    @Test("a manifest declared larger than 64 MiB is refused on open")
    func manifestTooLarge() throws {
        var file = try Self.bundle()
        file.bytes[BundleHeader.Field.manifestCodec] = ImageCodec.zstd.rawValue
        file.set(UInt64(65 << 20), at: BundleHeader.Field.manifestRawSize)
        file.resealHeader()
        let error = try #require(throws: KilnError.self) { try BundleReader(path: try SyntheticBundle.temporaryFile(file.bytes)) }
        #expect(error.code == .corruptBundle)
    }

    @Test("entries moved or duplicated in the table (each entry's check still valid) refuse the bundle",
          arguments: ["swap", "duplicate", "reverse"])
    func tableOrder(_ edit: String) throws {
        var file = try Self.bundle()
        func entry(_ i: Int) -> [UInt8] { Array(file.bytes[file.entryBase(i)..<(file.entryBase(i) + BundleFormat.entrySize)]) }
        func put(_ bytes: [UInt8], _ i: Int) { file.bytes.replaceSubrange(file.entryBase(i)..<(file.entryBase(i) + BundleFormat.entrySize), with: bytes) }
        switch edit {
        case "swap": let (a, b) = (entry(1), entry(2)); put(b, 1); put(a, 2)
        case "duplicate": put(entry(1), 2)
        default: let all = (0..<file.count).map(entry); for (i, bytes) in all.reversed().enumerated() { put(bytes, i) }
        }
        let reader = try BundleReader(path: try SyntheticBundle.temporaryFile(file.bytes))
        for attempt in [{ _ = try reader.entries() }, { _ = try reader.entry(module: "saxpy", target: "sm_90") }, { _ = try reader.entry(at: 0) }] {
            let error = try #require(throws: KilnError.self) { try attempt() }
            #expect(error.code == .corruptBundle)
            #expect(error.message.contains(edit == "duplicate" ? "duplicate" : "out of order"))
        }
    }

    @Test("a flipped bit in any entry's name fields never hides another, intact entry")
    func flippedNameBits() throws {
        let original = try Self.bundle()
        let path = try SyntheticBundle.temporaryFile(original.bytes)
        defer { try? FileManager.default.removeItem(atPath: Self.folder(of: path)) }
        let all = try BundleReader(path: path).entries().map { ($0.module, $0.target) }
        var refused = 0, found = 0
        for index in 0..<original.count {
            for byte in 0..<16 {
                for bit in 0..<8 {
                    var file = original
                    file.bytes[file.entryBase(index) + byte] ^= 1 << bit
                    try Data(file.bytes).write(to: URL(fileURLWithPath: path))
                    let damaged = try BundleReader(path: path)
                    do {
                        for (other, pair) in all.enumerated() where other != index {
                            let entry = try damaged.entry(module: pair.0, target: pair.1)
                            #expect(entry != nil, "flipping bit \(bit) of byte \(byte) of entry \(index) hid \(pair.0) × \(pair.1)")
                        }
                        found += 1
                    } catch {
                        #expect(error.code == .corruptBundle)
                        refused += 1
                    }
                }
            }
        }
        #expect(refused > 0 && found > 0)
    }

    @Test("a bundle truncated in place while open is a KilnError, not SIGBUS")
    func truncatedWhileOpen() throws {
        let bytes = try SyntheticBundle.bytes(modules: ["gemm", "saxpy"], deviceList: "pvc,sm_90,cpu", imageSize: 64 << 10)
        let path = try SyntheticBundle.temporaryFile(bytes)
        let reader = try BundleReader(path: path)
        let entries = try reader.entries()
        #expect(truncate(path, off_t(bytes.count / 3)) == 0)
        var failed = 0
        for entry in entries {
            do { _ = try reader.image(entry) } catch {
                #expect(error.code == .corruptBundle)
                #expect(error.message.contains("truncated"))
                failed += 1
            }
        }
        #expect(failed > 0, "images past the new end of the file must fail")
        try? FileManager.default.removeItem(atPath: Self.folder(of: path))
    }

    @Test("a FIFO, a device or a folder is refused at open, before any read", arguments: ["fifo", "device", "folder"])
    func notARegularFile(_ kind: String) throws {
        let folder = Self.folder(of: try SyntheticBundle.temporaryFile([]))
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path: String
        switch kind {
        case "fifo": path = folder + "/app.kiln"; #expect(mkfifo(path, 0o600) == 0)
        case "device": path = "/dev/null"
        default: path = folder
        }
        // Without O_NONBLOCK, opening a FIFO that has no writer blocks forever.
        let error = try #require(throws: KilnError.self) { try BundleReader(path: path) }
        #expect(error.code == .io)
        #expect(error.message.contains("not a regular file"))
    }
}
