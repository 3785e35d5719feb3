import KilnCore
import Testing

@Suite("terminal-safe text")
struct TerminalSafeTests {
    @Test("C0 controls, DEL and C1 controls become \\u{…} escapes; other text is kept", arguments: [
        ("evil\u{1B}]0;pwned\u{07}", "evil\\u{1B}]0;pwned\\u{7}"),
        ("red\u{1B}[31m", "red\\u{1B}[31m"),
        ("sm_80\u{7F}", "sm_80\\u{7F}"),
        ("csi\u{9B}2J", "csi\\u{9B}2J"),
        ("line\nfeed\ttab\r", "line\\u{A}feed\\u{9}tab\\u{D}"),
        ("nul\u{0}", "nul\\u{0}"),
        ("plain × ünïcode \\u{1B}", "plain × ünïcode \\u{1B}"),
    ])
    func escapes(_ text: String, _ expected: String) {
        #expect(text.terminalSafe() == expected)
    }

    @Test("multi-line text keeps line feeds and tabs, and still escapes the rest")
    func multiline() {
        #expect("log:\n\tline\u{1B}[2J\r".terminalSafe(multiline: true) == "log:\n\tline\\u{1B}[2J\\u{D}")
    }
}
