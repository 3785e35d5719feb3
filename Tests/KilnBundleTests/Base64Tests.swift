import Foundation
@testable import KilnBundle
import KilnTestSupport
import Testing

@Suite("Base64")
struct Base64Tests {
    @Test("encodes as Foundation does, and decodes its own text back, for every length up to 40")
    func roundTrip() throws {
        var random = SplitMix64(seed: 64)
        for count in 0...40 {
            let bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            let text = Base64.encode(bytes)
            #expect(text == Data(bytes).base64EncodedString())
            #expect(Base64.decode(text) == bytes)
        }
        #expect(Base64.encode(Array("foobar".utf8)) == "Zm9vYmFy")
        #expect(Base64.decode("Zm9vYg==") == Array("foob".utf8))
    }

    @Test("what is not base64 is refused, not read as something", arguments: [
        "Zm9", "Zm9vY", "Zm9v\nYmFy", "Zm9v YmFy", "Zm=vYmFy", "Zm9vYg=a", "Zm9vY===", "Zm9vYh==", "Zm9vYmE*", "Zg==Zg==",
    ])
    func refused(_ text: String) {
        #expect(Base64.decode(text) == nil)
    }
}
