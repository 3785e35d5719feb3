import KilnCore

/// Renders rows as aligned columns for the terminal, every cell with control characters escaped.
struct TextTable {
    var header: [String]
    var rows: [[String]] = []
    /// Columns (by index) aligned to the right, for numbers.
    var rightAligned: Set<Int> = []

    /// The table as lines of text, two spaces between columns, trailing spaces trimmed. A cell
    /// with line breaks takes as many lines, the other cells of its row blank below their first.
    func render(indent: String = "  ") -> String {
        let all = ([header] + rows).map { $0.map { $0.split(separator: "\n", omittingEmptySubsequences: false).map { $0.terminalSafe() } } }
        let widths = header.indices.map { column in
            all.map { $0.indices.contains(column) ? $0[column].map(\.count).max() ?? 0 : 0 }.max() ?? 0
        }
        return all.flatMap { row in
            let height = row.map(\.count).max() ?? 1
            return (0..<height).map { line in
                let cells = header.indices.map { column -> String in
                    let parts = row.indices.contains(column) ? row[column] : []
                    let text = parts.indices.contains(line) ? parts[line] : ""
                    let padding = String(repeating: " ", count: widths[column] - text.count)
                    return rightAligned.contains(column) ? padding + text : text + padding
                }
                var text = indent + cells.joined(separator: "  ")
                while text.last == " " { text.removeLast() }
                return text
            }
        }.joined(separator: "\n")
    }

    /// Items joined with ", " and broken into lines of at most `width` characters (an item longer
    /// than that takes a line of its own), for a cell that lists many names.
    static func wrap(_ items: [String], width: Int = 72) -> String {
        var lines: [String] = []
        var line = ""
        for item in items {
            if line.isEmpty {
                line = item
            } else if line.count + 2 + item.count + 1 <= width {
                line += ", " + item
            } else {
                lines.append(line + ",")
                line = item
            }
        }
        return (lines + [line]).joined(separator: "\n")
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

/// A count and its noun, plural but for one: `1 image`, `3 images`.
func counted(_ count: Int, _ noun: String) -> String {
    "\(count) \(noun)\(count == 1 ? "" : "s")"
}
