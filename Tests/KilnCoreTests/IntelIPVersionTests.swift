import Testing
import KilnCore

@Suite("IntelIPVersion")
struct IntelIPVersionTests {
    @Test("parses major.minor.revision", arguments: [
        ("12.60.7", 12, 60, 7),
        ("12.55.8", 12, 55, 8),
        ("12.0.0", 12, 0, 0),
        ("9.3.0", 9, 3, 0),
        ("12.10.0", 12, 10, 0),
        ("1023.255.63", 1023, 255, 63),
    ])
    func parse(text: String, major: Int, minor: Int, revision: Int) throws {
        let version = try #require(IntelIPVersion(text))
        #expect(version == IntelIPVersion(major, minor, revision))
        #expect(version.major == major && version.minor == minor && version.revision == revision)
        #expect(version.description == text)
    }

    @Test("rejects anything that is not three small decimal numbers", arguments: [
        "", "12", "12.60", "12.60.7.1", "12..7", "12.60.", ".60.7", "a.b.c", "12.60.x",
        " 12.60.7", "12.60.7 ", "-1.0.0", "+12.60.7", "12.60.77777", "pvc", "１２.60.7",
        // Parts that do not fit the 32-bit form the driver reports.
        "1024.0.0", "12.256.0", "12.60.64",
    ])
    func parseRejects(text: String) {
        #expect(IntelIPVersion(text) == nil)
    }

    @Test("the raw form is major<<22 | minor<<14 | revision", arguments: [
        ("12.60.7", 0x030f_0007 as UInt32),  // pvc
        ("12.55.8", 0x030d_c008),            // acm-g10 / ats-m150 / dg2-g10
        ("12.56.5", 0x030e_0005),            // acm-g11
        ("12.57.0", 0x030e_4000),            // acm-g12
        ("12.0.0", 0x0300_0000),             // tgllp
        ("9.0.9", 0x0240_0009),              // skl
        ("1023.255.63", 0xffff_c03f),
    ])
    func rawValue(text: String, raw: UInt32) throws {
        let version = try #require(IntelIPVersion(text))
        #expect(version.rawValue == raw)
        #expect(IntelIPVersion(rawValue: raw) == version)
    }

    @Test("the reserved bits 6–13 of a raw value are ignored")
    func reservedBitsIgnored() {
        #expect(IntelIPVersion(rawValue: 0x030f_0007 | 0x3fc0) == IntelIPVersion(12, 60, 7))
    }

    @Test("every registry IP version round-trips through its text and its raw form")
    func registryRoundTrip() throws {
        for device in TargetRegistry.standard.intelDevices {
            let version = device.ipVersion
            #expect(IntelIPVersion(version.description) == version, "\(device.canonicalName)")
            #expect(IntelIPVersion(rawValue: version.rawValue) == version, "\(device.canonicalName)")
        }
    }

    @Test("every parsable text round-trips through the raw form")
    func parsedRoundTrip() throws {
        for major in [0, 1, 9, 12, 511, 1023] {
            for minor in [0, 1, 60, 128, 255] {
                for revision in [0, 1, 7, 32, 63] {
                    let version = try #require(IntelIPVersion("\(major).\(minor).\(revision)"))
                    #expect(IntelIPVersion(rawValue: version.rawValue) == version)
                }
            }
        }
    }

    @Test("versions order numerically, part by part")
    func ordering() {
        let ordered = ["9.7.0", "11.2.0", "12.0.0", "12.9.0", "12.10.0", "12.55.8", "12.56.5", "12.60.1", "12.60.7"]
            .compactMap { IntelIPVersion($0) }
        #expect(ordered.count == 9)
        #expect(ordered == ordered.sorted())
        #expect(ordered.shuffled().sorted() == ordered)
        #expect(IntelIPVersion(12, 9, 0) < IntelIPVersion(12, 10, 0))
        #expect(!(IntelIPVersion(12, 60, 7) < IntelIPVersion(12, 60, 7)))
    }
}
