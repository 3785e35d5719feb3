import KilnCore

/// A lossless rewrite of PTX text that makes it compress about twice as well: the register and
/// label numbers, which are most of what zstd cannot predict in PTX, are written relative to
/// what came before (``ImageTransform/ptxOperands``, format version 3).
///
/// PTX names registers `%<class><n>` (`%r12`, `%rd3`, `%f140`, `%p7`) and, as LLVM and NVVM write
/// it, basic-block labels `$L__BB<function>_<n>`. Inside one function, a register is mostly the
/// next fresh number of its class or one of the few used just before; a label's function number
/// is the current function's or the next one's. Coded, an unrolled loop's iterations become the
/// same bytes, which zstd then stores once.
///
/// The coding, a token at a time, left to right (the reader applies the same rules to the same
/// text, so the two always agree where tokens are):
/// - A **register** is `%`, a class of lowercase letters (as many as there are), and a number of
///   1–9 digits without a leading zero, not followed by a letter, digit or `_`. Each class keeps
///   the largest number seen and the last ``recentCount`` distinct numbers, newest first; a line
///   that starts with `.` (a function header or a module directive) clears every class. The
///   number is written as ``next`` when it is the largest + 1, as ``recent`` + i when it is the
///   i-th recent one, as ``below`` and the decimal distance under the largest when smaller, and
///   as is otherwise.
/// - A **label** is `$L__BB`, a function number (1–9 digits, no leading zero) and `_`. The number
///   is written as ``sameFunction`` when it equals the previous label's, ``nextFunction`` when it
///   is one more, and as is otherwise.
///
/// The codes are control bytes that PTX never holds; text that holds one is not coded. The writer
/// codes an image only when decoding gives the exact bytes back, and the reader checks the
/// decoded bytes against the image's SHA-256, so a coding fault can cost bytes, never correctness.
enum PTXOperandCoding {
    static let next: UInt8 = 0x01
    static let below: UInt8 = 0x02
    static let sameFunction: UInt8 = 0x03
    static let nextFunction: UInt8 = 0x04
    /// The first of ``recentCount`` codes, one per recent position.
    static let recent: UInt8 = 0x0E
    static let recentCount = 14
    static let maximumDigits = 9
    static let labelPrefix = Array("$L__BB".utf8)

    static func isCode(_ byte: UInt8) -> Bool {
        (next...nextFunction).contains(byte) || (recent..<recent + UInt8(recentCount)).contains(byte)
    }

    /// The coded text, or nil when the text holds a code byte or does not decode back to itself.
    static func encode(_ text: [UInt8]) -> [UInt8]? {
        guard !text.contains(where: isCode) else { return nil }
        var coder = Coder()
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var at = 0
        while at < text.count {
            if coder.copyPlainRun(text, &at, to: &out) { continue }
            if let (clas, digits) = register(text, at) {
                let number = value(text[digits])
                guard let clas = coder.index(of: clas) else { return nil }
                out.append(contentsOf: text[at..<digits.lowerBound])
                let recentIndex = coder.recentIndex(of: number, in: clas)
                let largest = coder.largest(in: clas)
                if number == largest + 1 {
                    out.append(next)
                } else if let recentIndex {
                    out.append(recent + UInt8(recentIndex))
                } else if number <= largest {
                    out.append(below)
                    appendDecimal(largest - number, to: &out)
                } else {
                    out.append(contentsOf: text[digits])
                }
                coder.saw(number, in: clas)
                at = digits.upperBound
            } else if let digits = label(text, at) {
                let number = value(text[digits])
                out.append(contentsOf: labelPrefix)
                if number == coder.function {
                    out.append(sameFunction)
                } else if number == coder.function + 1 {
                    out.append(nextFunction)
                } else {
                    out.append(contentsOf: text[digits])
                }
                coder.function = number
                at = digits.upperBound
            } else {
                out.append(text[at])
                at += 1
            }
        }
        guard (try? decode(out, limit: UInt64(text.count))) == text else { return nil }
        return out
    }

    /// The text a coded image stands for.
    ///
    /// - Parameter limit: the most bytes the text may have (the image's raw size).
    /// - Throws: a description of the first fault: a code where none may be, a recent position
    ///   or distance that does not exist, or text longer than `limit`.
    static func decode(_ coded: [UInt8], limit: UInt64) throws(ImageCodingFault) -> [UInt8] {
        var coder = Coder()
        var out: [UInt8] = []
        out.reserveCapacity(Int(min(limit, UInt64(coded.count) * 2)))
        var at = 0
        while at < coded.count {
            guard UInt64(out.count) <= limit else { throw ImageCodingFault("it decodes to more than the \(limit) bytes its entry records") }
            if coder.copyPlainRun(coded, &at, to: &out) { continue }
            if coded[at] == UInt8(ascii: "%"), let clas = letters(coded, at + 1) {
                let end = clas.upperBound
                func classIndex() throws(ImageCodingFault) -> Int {
                    guard let index = coder.index(of: coded[clas]) else {
                        throw ImageCodingFault("more than \(maximumClasses) register classes in one function at byte \(at)")
                    }
                    return index
                }
                if end < coded.count, isCode(coded[end]) {
                    let code = coded[end], name = try classIndex()
                    var number: Int
                    var after = end + 1
                    switch code {
                    case next:
                        number = coder.largest(in: name) + 1
                    case below:
                        let digits = decimal(coded, after)
                        guard !digits.isEmpty, digits.count <= maximumDigits else { throw ImageCodingFault("a register distance at byte \(end) has no digits or too many") }
                        number = coder.largest(in: name) - value(coded[digits])
                        guard number >= 0 else { throw ImageCodingFault("a register distance at byte \(end) reaches below zero") }
                        after = digits.upperBound
                    case recent..<(recent + UInt8(recentCount)):
                        guard let found = coder.recentNumber(Int(code - recent), in: name) else { throw ImageCodingFault("a recent register at byte \(end) names a position that is empty") }
                        number = found
                    default:
                        throw ImageCodingFault("a label code at byte \(end) follows a register")
                    }
                    out.append(contentsOf: coded[at..<end])
                    appendDecimal(number, to: &out)
                    coder.saw(number, in: name)
                    at = after
                    continue
                }
                if let (_, digits) = register(coded, at) {
                    let name = try classIndex()
                    out.append(contentsOf: coded[at..<digits.upperBound])
                    coder.saw(value(coded[digits]), in: name)
                    at = digits.upperBound
                    continue
                }
            }
            if coded[at] == UInt8(ascii: "$"), coded[at...].starts(with: labelPrefix) {
                let start = at + labelPrefix.count
                if start < coded.count, coded[start] == sameFunction || coded[start] == nextFunction {
                    let number = coder.function + (coded[start] == nextFunction ? 1 : 0)
                    guard number >= 0 else { throw ImageCodingFault("a label at byte \(at) continues a function before the first") }
                    out.append(contentsOf: labelPrefix)
                    appendDecimal(number, to: &out)
                    coder.function = number
                    at = start + 1
                    continue
                }
                if let digits = label(coded, at) {
                    out.append(contentsOf: coded[at..<digits.upperBound])
                    coder.function = value(coded[digits])
                    at = digits.upperBound
                    continue
                }
            }
            guard !isCode(coded[at]) else { throw ImageCodingFault("byte \(at) is a code outside a register or label") }
            out.append(coded[at])
            at += 1
        }
        guard UInt64(out.count) <= limit else { throw ImageCodingFault("it decodes to more than the \(limit) bytes its entry records") }
        return out
    }

    /// The bytes that end a plain run: `%`, `$`, a line feed and the codes.
    private static let special: [Bool] = (0...255).map { (byte: Int) -> Bool in
        let value = UInt8(byte)
        return value == UInt8(ascii: "%") || value == UInt8(ascii: "$") || value == UInt8(ascii: "\n") || isCode(value)
    }

    /// The most register classes one function may use: PTX has about ten (`%r`, `%rd`, `%f`, `%p`, …);
    /// text with more is not coded, so a hostile image cannot make each lookup long.
    static let maximumClasses = 64

    /// What each register class and the labels have seen so far.
    private struct Coder {
        struct RegisterClass {
            var name: ArraySlice<UInt8>
            var largest = 0
            /// The last ``recentCount`` distinct numbers, newest first.
            var recent: [Int] = []
        }
        var classes: [RegisterClass] = []
        var function = -1

        /// At a line's start, forgets every class if the line starts with `.`; then copies the run of
        /// bytes from `at` that can start no token, end no line and hold no code, as they are.
        ///
        /// - Returns: whether it copied anything (`at` is then past the run).
        mutating func copyPlainRun(_ text: [UInt8], _ at: inout Int, to out: inout [UInt8]) -> Bool {
            if at == 0 || text[at - 1] == UInt8(ascii: "\n"), text[at] == UInt8(ascii: ".") {
                classes.removeAll(keepingCapacity: true)
            }
            let special = PTXOperandCoding.special
            var end = at
            while end < text.count, !special[Int(text[end])] { end += 1 }
            guard end > at else { return false }
            out.append(contentsOf: text[at..<end])
            at = end
            return true
        }

        /// The position of a class, added if new; nil past ``maximumClasses``.
        mutating func index(of name: ArraySlice<UInt8>) -> Int? {
            if let found = classes.firstIndex(where: { $0.name.elementsEqual(name) }) { return found }
            guard classes.count < PTXOperandCoding.maximumClasses else { return nil }
            classes.append(RegisterClass(name: name))
            return classes.count - 1
        }

        func largest(in clas: Int) -> Int { classes[clas].largest }

        func recentIndex(of number: Int, in clas: Int) -> Int? { classes[clas].recent.firstIndex(of: number) }

        func recentNumber(_ index: Int, in clas: Int) -> Int? {
            index < classes[clas].recent.count ? classes[clas].recent[index] : nil
        }

        mutating func saw(_ number: Int, in clas: Int) {
            classes[clas].largest = max(classes[clas].largest, number)
            if let found = classes[clas].recent.firstIndex(of: number) {
                classes[clas].recent.remove(at: found)
            } else if classes[clas].recent.count == PTXOperandCoding.recentCount {
                classes[clas].recent.removeLast()
            }
            classes[clas].recent.insert(number, at: 0)
        }
    }

    /// Appends a non-negative number's decimal digits.
    private static func appendDecimal(_ number: Int, to out: inout [UInt8]) {
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0, rest = number
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[19 - count] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
                count += 1
            } while rest > 0
            out.append(contentsOf: buffer[(20 - count)...])
        }
    }

    /// A register token at `at`: its class's range and its digits' range.
    private static func register(_ text: [UInt8], _ at: Int) -> (ArraySlice<UInt8>, Range<Int>)? {
        guard text[at] == UInt8(ascii: "%"), let clas = letters(text, at + 1) else { return nil }
        guard let digits = number(text, clas.upperBound), !isWordByte(text, digits.upperBound) else { return nil }
        return (text[clas], digits)
    }

    /// A label token at `at`: its function number's digits.
    private static func label(_ text: [UInt8], _ at: Int) -> Range<Int>? {
        guard text[at] == UInt8(ascii: "$"), text[at...].starts(with: labelPrefix),
              let digits = number(text, at + labelPrefix.count),
              digits.upperBound < text.count, text[digits.upperBound] == UInt8(ascii: "_") else { return nil }
        return digits
    }

    private static func letters(_ text: [UInt8], _ at: Int) -> Range<Int>? {
        var end = at
        while end < text.count, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(text[end]) { end += 1 }
        return end > at ? at..<end : nil
    }

    private static func decimal(_ text: [UInt8], _ at: Int) -> Range<Int> {
        var end = at
        while end < text.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(text[end]) { end += 1 }
        return at..<end
    }

    /// A number token: 1–9 digits, no leading zero (but `0` itself), the whole digit run.
    private static func number(_ text: [UInt8], _ at: Int) -> Range<Int>? {
        let digits = decimal(text, at)
        guard !digits.isEmpty, digits.count <= maximumDigits,
              digits.count == 1 || text[at] != UInt8(ascii: "0") else { return nil }
        return digits
    }

    private static func isWordByte(_ text: [UInt8], _ at: Int) -> Bool {
        guard at < text.count else { return false }
        let byte = text[at]
        return (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
    }

    private static func value(_ digits: ArraySlice<UInt8>) -> Int {
        digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
    }
}
