import Foundation

/// Code samples in the project's documentation, and the compiled test code that must hold them
/// word for word, so a sample that stops compiling fails a test.
public enum DocumentationSamples {
    /// The fenced code blocks of one language in Markdown text, in order: the lines between
    /// "```swift" and the next "```", without the fences.
    public static func blocks(_ language: String, in markdown: String) -> [String] {
        var blocks: [String] = []
        var current: [Substring]?
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            if let lines = current {
                if line == "```" {
                    blocks.append(lines.joined(separator: "\n"))
                    current = nil
                } else {
                    current = lines + [line]
                }
            } else if line == "```\(language)" {
                current = []
            }
        }
        return blocks
    }

    /// The fenced code blocks of one language in a Swift file's documentation comments: the
    /// `///` lines read as Markdown, as DocC reads them.
    public static func docCommentBlocks(_ language: String, in source: String) -> [String] {
        let markdown = source.split(separator: "\n", omittingEmptySubsequences: false).compactMap { line -> Substring? in
            let text = line.drop { $0 == " " }
            guard text.hasPrefix("///") else { return nil }
            let comment = text.dropFirst(3)
            return comment.hasPrefix(" ") ? comment.dropFirst() : comment
        }
        return blocks(language, in: markdown.joined(separator: "\n"))
    }

    /// The lines of a source file between the line ending in `begin` and the line ending in
    /// `end`, each with up to `indent` leading spaces removed.
    ///
    /// - Throws: `CocoaError` if the file cannot be read; `MissingMarker` if a marker is absent.
    public static func region(of file: String, begin: String, end: String, indent: Int = 8) throws -> String {
        let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        guard let first = lines.firstIndex(where: { $0.hasSuffix(begin) }) else { throw MissingMarker(marker: begin, file: file) }
        guard let last = lines[first...].firstIndex(where: { $0.hasSuffix(end) }) else { throw MissingMarker(marker: end, file: file) }
        let prefix = String(repeating: " ", count: indent)
        return lines[(first + 1)..<last].map { $0.hasPrefix(prefix) ? String($0.dropFirst(indent)) : String($0) }
            .joined(separator: "\n")
    }

    /// A marker comment that a file lacks.
    public struct MissingMarker: Error, CustomStringConvertible {
        public var marker: String
        public var file: String
        public var description: String { "\(file) has no line ending in '\(marker)'" }
    }
}
