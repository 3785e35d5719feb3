#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
@testable import KilnBundle
import KilnCore
import KilnTestSupport
import Testing

/// Damaged, truncated and hostile bundles: each must give a KilnError, never a crash,
/// and never hand out bytes that differ from what was written.
@Suite("Damaged bundles")
struct BundleCorruptionTests {
    static let modules = ["saxpy", "gemm"]
    static let devices = "pvc,sm_90,cpu"

    static func original() throws -> [UInt8] {
        try SyntheticBundle.bytes(modules: modules, deviceList: devices, imageSize: 2048)
    }

    /// A bundle whose NVIDIA images are stored against a reference (format version 2).
    static func referenced() throws -> [UInt8] {
        try SyntheticBundle.relatedWriter(modules: modules, deviceList: "pvc,sm_80,sm_90,cpu", imageSize: 2048).serialize()
    }

    /// Opens a bundle and reads everything in it; returns the images read, or the KilnError.
    static func readEverything(_ bytes: [UInt8]) -> Result<([String: [UInt8]], Manifest), KilnError> {
        do {
            let reader = try BundleReader(path: try SyntheticBundle.temporaryFile(bytes))
            let manifest = try reader.manifest()
            var images: [String: [UInt8]] = [:]
            for entry in try reader.entries() {
                images[entry.module + "/" + entry.target] = try reader.image(entry)
            }
            return .success((images, manifest))
        } catch let error as KilnError {
            return .failure(error)
        } catch {
            Issue.record("a non-Kiln error escaped: \(error)")
            return .failure(KilnError(.io, "\(error)"))
        }
    }

    @Test("a truncated bundle is refused at every length", arguments: [0, 1, 7, 8, 12, 100, 159, 160, 500, -1, -64, -2048])
    func truncated(_ cut: Int) throws {
        let bytes = try Self.original()
        let length = cut >= 0 ? cut : bytes.count + cut
        guard case .failure(let error) = Self.readEverything(Array(bytes.prefix(length))) else {
            Issue.record("a bundle cut to \(length) of \(bytes.count) bytes was accepted")
            return
        }
        #expect([.corruptBundle, .io].contains(error.code))
    }

    @Test("a file that is not a bundle is named as such")
    func notABundle() throws {
        guard case .failure(let error) = Self.readEverything(Array("#!/bin/sh\necho hello\n".utf8)) else {
            Issue.record("a shell script opened as a bundle")
            return
        }
        #expect(error.message.contains("is not a Kiln bundle"))
    }

    @Test("a newer format version names the Kiln that wrote it")
    func newerVersion() throws {
        var bytes = try Self.original()
        bytes[BundleHeader.Field.formatVersion] = 7
        guard case .failure(let error) = Self.readEverything(bytes) else {
            Issue.record("format version 7 was accepted")
            return
        }
        #expect(error.code == .unsupportedBundleVersion)
        #expect(error.message.contains("format version 7"))
        #expect(error.message.contains("written by Kiln \(KilnVersion.current)"))
    }

    @Test("a flipped byte in an image names that image")
    func flippedImageByte() throws {
        var bytes = try Self.original()
        let reader = try BundleReader(path: try SyntheticBundle.temporaryFile(bytes))
        let entry = try #require(try reader.entry(module: "gemm", target: "sm_90"))
        bytes[Int(entry.offset + entry.storedSize / 2)] ^= 0x10
        let damaged = try BundleReader(path: try SyntheticBundle.temporaryFile(bytes))
        let error = try #require(throws: KilnError.self) { try damaged.image(module: "gemm", target: "sm_90") }
        #expect(error.code == .corruptBundle)
        #expect(error.message.contains("gemm × sm_90"))
        // The other images are untouched and still read.
        #expect(try damaged.image(module: "saxpy", target: "sm_90").count == 2048)
    }

    @Test("hostile sizes are refused before anything is allocated")
    func hostileSizes() throws {
        let bytes = try Self.original()
        // The image count, set to 2^32-1: the table would lie far outside the file.
        var huge = bytes
        for i in 0..<4 { huge[BundleHeader.Field.imageCount + i] = 0xFF }
        guard case .failure = Self.readEverything(huge) else {
            Issue.record("an image count of 2^32-1 was accepted")
            return
        }
    }

    /// Thousands of mutated bundles: bit flips, byte overwrites, field-sized random values at
    /// aligned offsets, truncations and extensions. Each must either read back exactly what was
    /// written, or fail with a KilnError. A crash fails the whole test run.
    @Test("5,000 mutated bundles never crash and never yield wrong bytes", arguments: [false, true])
    func mutations(withReferences: Bool) throws {
        let original = withReferences ? try Self.referenced() : try Self.original()
        if withReferences { #expect(original[BundleHeader.Field.formatVersion] == 2, "the bundle holds no reference") }
        guard case .success(let (expected, expectedManifest)) = Self.readEverything(original) else {
            Issue.record("the original bundle does not read")
            return
        }
        var generator = SplitMix64(seed: 0x4B494C4E)
        var outcomes: [String: Int] = [:]
        let count = 5_000
        for round in 0..<count {
            var bytes = original
            let kind = round % 5
            switch kind {
            case 0: // one bit
                let i = Int(generator.next() % UInt64(bytes.count))
                bytes[i] ^= 1 << (generator.next() % 8)
            case 1: // a few random bytes
                for _ in 0..<(1 + generator.next() % 4) {
                    bytes[Int(generator.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: generator.next())
                }
            case 2: // a random 4- or 8-byte value at an aligned offset inside the metadata
                let width = generator.next() % 2 == 0 ? 4 : 8
                let limit = min(bytes.count, 1024) / width
                let at = Int(generator.next() % UInt64(limit)) * width
                var value = generator.next()
                for i in 0..<width { bytes[at + i] = UInt8(truncatingIfNeeded: value); value >>= 8 }
            case 3: // truncation
                bytes.removeLast(1 + Int(generator.next() % UInt64(bytes.count - 1)))
            default: // extension with garbage
                bytes += (0..<(1 + generator.next() % 100)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            }
            switch Self.readEverything(bytes) {
            case .success(let (images, manifest)):
                let intact = images == expected && manifest == expectedManifest
                #expect(intact, "mutation \(round) (kind \(kind)) changed what was read without an error: \(images.keys.sorted()) vs \(expected.keys.sorted())")
                outcomes["read back intact", default: 0] += 1
            case .failure(let error):
                outcomes["KilnError.\(error.code)", default: 0] += 1
            }
        }
        print("mutation test: \(count) bundles — " + outcomes.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", "))
        #expect(outcomes.values.reduce(0, +) == count)
        #expect((outcomes["KilnError.corruptBundle"] ?? 0) > count / 2)
    }
}
