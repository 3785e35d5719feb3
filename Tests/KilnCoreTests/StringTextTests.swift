import Testing
import KilnCore

@Suite("String+Text")
struct StringTextTests {
    @Test("quotable cuts long text and escapes what it keeps")
    func quotable() {
        #expect("pvc".quotable(limit: 3) == "pvc")
        #expect("pvc,".quotable(limit: 3) == "pvc…")
        #expect(String(repeating: "\u{1B}", count: 100).quotable(limit: 2) == "\\u{1B}\\u{1B}…")
    }

    @Test("numbers are grouped by thousands", arguments: [(0, "0"), (999, "999"), (9_995, "9,995"), (1_000_000, "1,000,000"), (-1_234, "-1,234")])
    func grouped(number: Int, text: String) {
        #expect(number.groupedDigits == text)
    }
}
