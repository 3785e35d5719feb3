import Foundation
@testable import KilnBundle
import KilnCore
import Testing

/// The manifest reader that replaced Foundation's `JSONDecoder` on the start-up path: it must read
/// everything the writer writes exactly as `JSONDecoder` does, and refuse what is not strict JSON.
@Suite("Manifest JSON")
struct ManifestJSONTests {
    /// A manifest with every optional field set, strings that need escapes, and a shard record.
    static let full: Manifest = {
        let kernel = KernelRecord(
            name: "gemm<128,64>", parameters: [ParameterRecord(name: "a", type: "const float*", addressSpace: "global"),
                                               ParameterRecord(name: "n", type: "int")],
            symbol: "_Z4gemmILi128ELi64EEvPKfi", requiredWorkGroupSize: [16, 8, 1], targets: ["sm_90", "cpu"])
        let plain = KernelRecord(name: "copy \"quoted\" \\ é 😀 \u{1}", parameters: [])
        let targets = [TargetRecord(name: "sm_90", format: .cubin, toolchain: "clang 16 + nvjitlink 13.0.88"),
                       TargetRecord(name: "compute_80", format: .ptx, toolchain: "clang 16", ptxISAVersion: "9.0"),
                       TargetRecord(name: "pvc", format: .zebin, toolchain: "ocloc 22.43", ipVersion: "12.60.7"),
                       TargetRecord(name: "cpu", format: .poclBinary, toolchain: "pocl 3.1", hostString: "x86_64-pc-linux-gnu-znver3")]
        var manifest = Manifest(
            deviceList: "sm_90,pvc,cpu", modules: [ModuleRecord(name: "gemm", language: .openCLC, sourceSHA256: String(repeating: "a", count: 64),
                                                                 kernels: [kernel, plain])],
            targets: targets, toolchains: ["nvjitlink": "13.0.88", "ocloc": "22.43"])
        manifest.shard = ShardRecord(index: 1, count: 4, inputs: "x", compressionLevel: -7, plannedImages: 12, moduleOrder: ["gemm"],
                                     plannedTargets: targets, images: [ShardImageRecord(module: "gemm", target: "sm_90", toolchain: "t",
                                                                                         kernels: ["k"], symbols: ["k": "_Z1kv"],
                                                                                         ptxISAVersion: nil, hostString: "h")])
        return manifest
    }()

    @Test("reads what the bundle writer writes, every field, equal to JSONDecoder's reading")
    func roundTrip() throws {
        let json = try CanonicalJSONEncoder().encode(Self.full)
        let read = try Manifest(json: json)
        #expect(read == Self.full)
        #expect(read == (try JSONDecoder().decode(Manifest.self, from: Data(json))))
        var plain = Self.full
        plain.shard = nil
        #expect(try Manifest(json: try CanonicalJSONEncoder().encode(plain)) == plain)
    }

    @Test("the writer's JSON is JSONEncoder's with sorted keys, byte for byte")
    func sameAsJSONEncoder() throws {
        let foundation = JSONEncoder()
        foundation.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var withSlash = Self.full
        withSlash.deviceList = "sm_90/a,\r\t\u{1F}"
        for manifest in [Self.full, withSlash] {
            let ours = try CanonicalJSONEncoder().encode(manifest)
            #expect(String(decoding: ours, as: UTF8.self) == String(decoding: try foundation.encode(manifest), as: UTF8.self))
        }
    }

    @Test("keys come out in one order whatever order they went in; a non-finite number is an error")
    func canonical() throws {
        let keys = (0..<50).map { "k\($0 * 7919 % 50)" }
        let forward = Dictionary(uniqueKeysWithValues: keys.map { ($0, 1) })
        var backward: [String: Int] = [:]
        for key in keys.reversed() { backward[key] = 1 }
        #expect(try CanonicalJSONEncoder().encode(forward) == (try CanonicalJSONEncoder().encode(backward)))
        #expect(String(decoding: try CanonicalJSONEncoder().encode(["b": [1, 2], "a": [], "B": [3]]), as: UTF8.self) == #"{"B":[3],"a":[],"b":[1,2]}"#)
        #expect(throws: EncodingError.self) { try CanonicalJSONEncoder().encode([Double.nan]) }
        #expect(throws: EncodingError.self) { try CanonicalJSONEncoder().encode(["x": Double.infinity]) }
    }

    @Test("escapes, surrogate pairs, whitespace and numbers of every form read as JSON says")
    func values() throws {
        let text = #" { "a" : [ "\u00e9\ud83d\ude00\n\t\"\\\/" , -0 , 1.5e3 , 2E-2 , true , false , null ] } "#
        guard case .object(let members) = try LocatedJSON.parse(Array(text.utf8)).kind, members.count == 1,
              case .array(let values) = members[0].value.kind, values.count == 7 else { Issue.record("not an object of one array"); return }
        guard case .string("é😀\n\t\"\\/") = values[0].kind else { Issue.record("\(values[0].kind)"); return }
        let numbers = values[1...3].map { value -> String in
            guard case .number(let text) = value.kind else { return "?" }
            return text
        }
        #expect(numbers == ["-0", "1.5e3", "2E-2"])
        guard case .bool(true) = values[4].kind, case .bool(false) = values[5].kind, case .null = values[6].kind else {
            Issue.record("literals"); return
        }
        #expect(values[6].location == .init(line: 1, column: 80))
    }

    @Test("what is not strict JSON is refused", arguments: [
        "", "{", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "[01]", "[1.]", "[1e]", "[-]", "[.5]", "\"a", "[\"\u{1}\"]",
        "[\"\\x\"]", "[\"\\u12\"]", "[\"\\ud800\"]", "[\"\\udc00\"]", "[tru]", "[nul]", "{\"a\":1,\"a\":2}", "[1] [2]", "{1:2}",
        "[NaN]", "['a']",
    ])
    func refused(_ text: String) {
        #expect(throws: LocatedJSON.SyntaxError.self) { try LocatedJSON.parse(Array(text.utf8)) }
    }

    @Test("a string that is not UTF-8 is refused")
    func notUTF8() {
        #expect(throws: LocatedJSON.SyntaxError.self) { try LocatedJSON.parse([0x22, 0xC3, 0x28, 0x22]) }
        #expect(throws: LocatedJSON.SyntaxError.self) { try LocatedJSON.parse([0x22, 0x5C, 0x6E, 0xFF, 0x22]) }
    }

    @Test("nesting is bounded, so a hostile document cannot exhaust the stack")
    func depth() throws {
        let deep = LocatedJSON.maximumDepth
        _ = try LocatedJSON.parse(Array((String(repeating: "[", count: deep) + String(repeating: "]", count: deep)).utf8))
        #expect(throws: LocatedJSON.SyntaxError.self) {
            try LocatedJSON.parse(Array((String(repeating: "[", count: deep + 1) + String(repeating: "]", count: deep + 1)).utf8))
        }
        let tooDeep = String(repeating: "[", count: 100_000)
        #expect(throws: LocatedJSON.SyntaxError.self) { try LocatedJSON.parse(Array(tooDeep.utf8)) }
    }

    @Test("a missing field, a value of the wrong type or a number that does not fit is an error, not a default", arguments: [
        ("\"deviceList\"", "\"deviceLists\""), ("\"index\":1", "\"index\":\"1\""), ("\"compressionLevel\":-7", "\"compressionLevel\":2147483648"),
        ("\"index\":1", "\"index\":1.0"), ("\"language\":\"opencl-c\"", "\"language\":\"fortran\""), ("\"toolchains\":{", "\"toolchains\":{\"x\":1,"),
        ("\"requiredWorkGroupSize\":[16", "\"requiredWorkGroupSize\":[\"16\""), ("\"modules\":[", "\"modules\":{\"a\":1},\"m\":["),
    ])
    func fieldErrors(_ original: String, _ damaged: String) throws {
        let json = String(decoding: try CanonicalJSONEncoder().encode(Self.full), as: UTF8.self)
        #expect(json.contains(original), "the fixture lacks \(original)")
        #expect(throws: ManifestFieldError.self) { try Manifest(json: Array(json.replacingOccurrences(of: original, with: damaged).utf8)) }
    }

    @Test("a key the reader does not know is ignored, as JSONDecoder ignores it; null reads as absent")
    func unknownKeys() throws {
        var json = String(decoding: try CanonicalJSONEncoder().encode(Self.full), as: UTF8.self)
        json = json.replacingOccurrences(of: "\"symbol\":\"_Z4gemmILi128ELi64EEvPKfi\"", with: "\"symbol\":null,\"later\":{\"x\":[1,2]}")
        var expected = Self.full
        expected.modules[0].kernels[0].symbol = nil
        #expect(try Manifest(json: Array(json.utf8)) == expected)
    }
}
