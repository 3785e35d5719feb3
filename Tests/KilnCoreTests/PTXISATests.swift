import Testing
import KilnCore

@Suite("PTXISA")
struct PTXISATests {
    @Test("the newest PTX ISA each CUDA driver accepts", arguments: [
        (10020, PTXISA(6, 5)),
        (11000, PTXISA(7, 0)), (11040, PTXISA(7, 4)), (11080, PTXISA(7, 8)),
        (12000, PTXISA(8, 0)), (12010, PTXISA(8, 1)), (12040, PTXISA(8, 4)), (12050, PTXISA(8, 5)),
        (12060, PTXISA(8, 5)), (12080, PTXISA(8, 7)), (12090, PTXISA(8, 8)),
        (13000, PTXISA(9, 0)), (13010, PTXISA(9, 1)),
    ])
    func maximum(driver: Int, isa: PTXISA) {
        #expect(PTXISA.maximum(forDriver: driver) == isa)
    }

    @Test("a driver newer than the table is assumed to accept every ISA", arguments: [14000, 15020, 20000])
    func newerDriver(driver: Int) {
        #expect(PTXISA.maximum(forDriver: driver) == nil)
    }

    @Test("a newer driver never accepts less than an older one")
    func monotonic() {
        var previous = PTXISA(0, 0)
        for driver in stride(from: 9000, through: 13090, by: 10) {
            guard let limit = PTXISA.maximum(forDriver: driver) else { continue }
            #expect(limit >= previous, "CUDA \(driver)")
            previous = limit
        }
    }

    @Test("minimumDriver names the oldest CUDA that accepts the ISA", arguments: [
        (PTXISA(7, 0), "11.0"), (PTXISA(7, 8), "11.8"),
        (PTXISA(8, 0), "12.0"), (PTXISA(8, 4), "12.4"), (PTXISA(8, 5), "12.5"),
        (PTXISA(8, 7), "12.8"), (PTXISA(8, 8), "12.9"), (PTXISA(9, 0), "13.0"), (PTXISA(9, 1), "13.1"),
    ])
    func minimumDriver(isa: PTXISA, driver: String) throws {
        #expect(isa.minimumDriver == driver)
        // The named driver accepts it, and the release before it does not.
        let parts = driver.split(separator: ".").compactMap { Int($0) }
        let version = parts[0] * 1000 + parts[1] * 10
        #expect(PTXISA.maximum(forDriver: version).map { $0 >= isa } ?? true)
        let before = try #require(PTXISA.maximum(forDriver: version - 10))
        #expect(before < isa)
    }

    @Test("parses major.minor", arguments: [("9.0", 9, 0), ("8.7", 8, 7), ("7.10", 7, 10)])
    func parse(text: String, major: Int, minor: Int) throws {
        let isa = try #require(PTXISA(text))
        #expect(isa == PTXISA(major, minor))
        #expect(isa.description == text)
    }

    @Test("rejects anything else", arguments: ["", "9", "9.", ".0", "9.0.1", "nine.zero", "9.x", "v9.0"])
    func parseRejects(text: String) {
        #expect(PTXISA(text) == nil)
    }

    @Test("versions order numerically")
    func ordering() {
        #expect(PTXISA(8, 8) < PTXISA(9, 0))
        #expect(PTXISA(8, 9) < PTXISA(8, 10))
        #expect(PTXISA(7, 8) < PTXISA(8, 0))
        #expect(!(PTXISA(9, 0) < PTXISA(9, 0)))
    }
}
