import KilnCore

/// Renders rows as aligned columns for the terminal, every cell with control characters escaped.
struct TextTable {
    var header: [String]
    var rows: [[String]] = []
    /// Columns (by index) aligned to the right, for numbers.
    var rightAligned: Set<Int> = []

    /// The table as lines of text, two spaces between columns, trailing spaces trimmed.
    func render(indent: String = "  ") -> String {
        let all = ([header] + rows).map { $0.map { $0.terminalSafe() } }
        let widths = header.indices.map { column in all.map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0 }
        return all.map { row in
            let cells = header.indices.map { column -> String in
                let text = row.indices.contains(column) ? row[column] : ""
                let padding = String(repeating: " ", count: widths[column] - text.count)
                return rightAligned.contains(column) ? padding + text : text + padding
            }
            var line = indent + cells.joined(separator: "  ")
            while line.last == " " { line.removeLast() }
            return line
        }.joined(separator: "\n")
    }
}

/// A byte count for people: `512 B`, `1.5 KiB`, `12.3 MiB`.
func formatBytes(_ bytes: UInt64) -> String {
    let units = ["B", "KiB", "MiB", "GiB"]
    var value = Double(bytes)
    var unit = 0
    while value >= 1024, unit < units.count - 1 {
        value /= 1024
        unit += 1
    }
    if unit == 0 { return "\(bytes) B" }
    let rounded = (value * 10).rounded() / 10
    return "\(rounded) \(units[unit])"
}

/// Seconds with two decimals: `0.42`.
func formatSeconds(_ seconds: Double) -> String {
    let hundredths = Int((seconds * 100).rounded())
    let fraction = hundredths % 100
    return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
}
