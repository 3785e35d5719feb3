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
/// - A **register** is `%`, a class of 1–``maximumClassLetters`` lowercase letters (all the
///   letters there are), and a number of 1–9 digits without a leading zero, not followed by a
///   letter, digit or `_`. Each class keeps the largest number seen and the last ``recentCount``
///   distinct numbers, newest first; a line that starts with `.` (a function header or a module
///   directive) clears every class. The number is written as ``next`` when it is the largest + 1,
///   as ``recent`` + i when it is the i-th recent one, as ``below`` and the decimal distance under
///   the largest when smaller, and as is otherwise.
/// - A **label** is `$L__BB`, a function number (1–9 digits, no leading zero) and `_`. The number
///   is written as ``sameFunction`` when it equals the previous label's, ``nextFunction`` when it
///   is one more, and as is otherwise.
///
/// The codes are control bytes that PTX never holds; text that holds one is not coded. The writer
/// codes an image only when decoding gives the exact bytes back, and the reader checks the
/// decoded bytes against the image's SHA-256, so a coding fault can cost bytes, never correctness.
///
/// Both sides read through `Span`s (bounds-checked, no reference counting). The decoder writes the
/// text into a buffer of its final capacity, checking that capacity before every write, and keeps
/// its per-class state in a stack allocation. Its time goes to the branches that plain text makes
/// unpredictable, so it tests a byte without one and writes a short copy or a number's digits in
/// one 8-byte store where there is room (`bench/results/ptx-decoder-2026-12-04.md`).
enum PTXOperandCoding {
    static let next: UInt8 = 0x01
    static let below: UInt8 = 0x02
    static let sameFunction: UInt8 = 0x03
    static let nextFunction: UInt8 = 0x04
    /// The first of ``recentCount`` codes, one per recent position.
    static let recent: UInt8 = 0x0E
    static let recentCount = 14
    static let maximumDigits = 9
    /// The longest register class: PTX's are one to three letters; a longer run of letters after
    /// `%` is not a register (so a class fits one 64-bit key).
    static let maximumClassLetters = 12
    /// The most register classes one function may use: PTX has about ten (`%r`, `%rd`, `%f`, `%p`, …);
    /// text with more is not coded, so a hostile image cannot make each lookup long.
    static let maximumClasses = 64
    static let labelPrefix = Array("$L__BB".utf8)

    @inline(__always) static func isCode(_ byte: UInt8) -> Bool {
        (next...nextFunction).contains(byte) || (recent..<recent + UInt8(recentCount)).contains(byte)
    }

    /// The coded text, or nil when the text holds a code byte or does not decode back to itself.
    static func encode(_ text: [UInt8]) -> [UInt8]? {
        guard !text.contains(where: isCode) else { return nil }
        return Coder.withTable { (coder: inout Coder) -> [UInt8]? in encode(text, coder: &coder) }
    }

    private static func encode(_ text: [UInt8], coder: inout Coder) -> [UInt8]? {
        let input = text.span
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var at = 0
        while at < input.count {
            coder.startLine(input, at)
            let run = plainRunEnd(input, at)
            if run > at {
                out.append(contentsOf: text[at..<run])
                at = run
            } else if let (clas, digits) = register(input, at) {
                let number = value(input, digits)
                guard let clas = coder.index(of: classKey(input, clas)) else { return nil }
                out.append(contentsOf: text[at..<digits.lowerBound])
                let largest = coder.largest(in: clas)
                if number == largest + 1 {
                    out.append(next)
                } else if let recentIndex = coder.recentIndex(of: number, in: clas) {
                    out.append(recent + UInt8(recentIndex))
                } else if number <= largest {
                    out.append(below)
                    out.append(contentsOf: decimal(largest - number))
                } else {
                    out.append(contentsOf: text[digits])
                }
                coder.saw(number, in: clas)
                at = digits.upperBound
            } else if let digits = label(input, at) {
                let number = value(input, digits)
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
        // No code writes more than 19 digits (an Int's), so the text is at most 19 bytes a coded
        // byte: a hostile raw size cannot make the reader reserve more than that.
        let capacity = Int(min(limit, UInt64(coded.count) * 19))
        return try [UInt8](capacity: capacity) { (out: inout OutputSpan<UInt8>) throws(ImageCodingFault) in
            try out.withUnsafeMutableBufferPointer { (text, written) throws(ImageCodingFault) in
                guard let base = text.baseAddress else {
                    // No room at all: only nothing decodes to nothing.
                    guard coded.isEmpty else { throw tooLong(limit) }
                    return
                }
                try Coder.withTable { (coder: inout Coder) throws(ImageCodingFault) in
                    var decoder = Decoder(base: base, capacity: text.count, limit: limit, coder: coder)
                    try decoder.run(coded.span)
                    written = decoder.written
                }
            }
        }
    }

    /// The decoder's walk over the coded bytes (`input` in each method), writing the text into a
    /// buffer of its final capacity. Every write checks that capacity first: `base` is written
    /// with no check of its own.
    private struct Decoder {
        /// The text's buffer, of `capacity` bytes.
        let base: UnsafeMutablePointer<UInt8>
        let capacity: Int
        let limit: UInt64
        var coder: Coder
        /// The next coded byte.
        var at = 0
        /// How many bytes of the text are written.
        var written = 0

        mutating func run(_ input: Span<UInt8>) throws(ImageCodingFault) {
            let special = tokenStartsBelow64
            while at < input.count {
                // A plain run, copied as it is read: most of the bytes, lines included. A `.` that
                // starts a line ends the function (``Coder/startLine(_:_:)``, which the encoder
                // calls at every run and token; no token holds a line feed or starts with `.`).
                // Locals, not the properties: the compiler cannot keep those in registers across
                // the writes.
                let runStart = at, text = base
                var from = at, to = written
                var previous = at == 0 ? UInt8(ascii: "\n") : input[at - 1]
                let end = min(input.count, at + (capacity - written))
                while from < end {
                    let byte = input[from]
                    if isMember(byte, of: special) { break }
                    if byte == UInt8(ascii: "."), previous == UInt8(ascii: "\n") { coder.forgetClasses() }
                    text[to] = byte
                    previous = byte
                    to &+= 1
                    from &+= 1
                }
                (at, written) = (from, to)
                if at > runStart { continue }
                let byte = input[at]
                if byte == UInt8(ascii: "%"), let clas = letters(input, at + 1) {
                    if try codedRegister(input, clas) { continue }
                    if try plainRegister(input) { continue }
                }
                if byte == UInt8(ascii: "$"), startsWithLabelPrefix(input, at) {
                    if try codedLabel(input) { continue }
                    if try plainLabel(input) { continue }
                }
                guard !isCode(byte) else { throw ImageCodingFault("byte \(at) is a code outside a register or label") }
                try put(input, at..<at + 1)
                at += 1
            }
        }

        /// A register whose number is coded: `%`, its class, a code (and a distance's digits).
        @inline(__always) mutating func codedRegister(_ input: Span<UInt8>, _ clas: Range<Int>) throws(ImageCodingFault) -> Bool {
            let end = clas.upperBound
            guard end < input.count, isCode(input[end]) else { return false }
            let code = input[end], name = try classIndex(input, clas)
            var after = end + 1
            let number: Int
            var recentIndex: Int?
            switch code {
            case next:
                number = coder.largest(in: name) + 1
                recentIndex = nil
            case below:
                let digits = decimalRun(input, after)
                guard !digits.isEmpty, digits.count <= maximumDigits else {
                    throw ImageCodingFault("a register distance at byte \(end) has no digits or too many")
                }
                number = coder.largest(in: name) - value(input, digits)
                guard number >= 0 else { throw ImageCodingFault("a register distance at byte \(end) reaches below zero") }
                after = digits.upperBound
                // The encoder writes a distance only for a number that is not recent, so it is
                // new to the recent list (in damaged text it may not be: the ring then holds it
                // twice, and the image fails its SHA-256 check).
                recentIndex = nil
            case recent..<(recent + UInt8(recentCount)):
                guard let found = coder.recentNumber(Int(code - recent), in: name) else {
                    throw ImageCodingFault("a recent register at byte \(end) names a position that is empty")
                }
                number = found
                recentIndex = Int(code - recent)
            default:
                throw ImageCodingFault("a label code at byte \(end) follows a register")
            }
            try put(input, at..<end)
            try putDecimal(number)
            if let recentIndex { coder.sawRecent(recentIndex, in: name) } else { coder.sawNew(number, in: name) }
            at = after
            return true
        }

        /// A register written as it is.
        @inline(__always) mutating func plainRegister(_ input: Span<UInt8>) throws(ImageCodingFault) -> Bool {
            guard let (clas, digits) = register(input, at) else { return false }
            let name = try classIndex(input, clas)
            try put(input, at..<digits.upperBound)
            coder.saw(value(input, digits), in: name)
            at = digits.upperBound
            return true
        }

        /// A label whose function number is coded: `$L__BB` and a code.
        @inline(__always) mutating func codedLabel(_ input: Span<UInt8>) throws(ImageCodingFault) -> Bool {
            let start = at + labelPrefix.count
            guard start < input.count, input[start] == sameFunction || input[start] == nextFunction else { return false }
            let number = coder.function + (input[start] == nextFunction ? 1 : 0)
            guard number >= 0 else { throw ImageCodingFault("a label at byte \(at) continues a function before the first") }
            try put(input, at..<start)
            try putDecimal(number)
            coder.function = number
            at = start + 1
            return true
        }

        /// A label written as it is.
        @inline(__always) mutating func plainLabel(_ input: Span<UInt8>) throws(ImageCodingFault) -> Bool {
            guard let digits = label(input, at) else { return false }
            try put(input, at..<digits.upperBound)
            coder.function = value(input, digits)
            at = digits.upperBound
            return true
        }

        @inline(__always) mutating func classIndex(_ input: Span<UInt8>, _ clas: Range<Int>) throws(ImageCodingFault) -> Int {
            guard let index = coder.index(of: classKey(input, clas)) else {
                throw ImageCodingFault("more than \(maximumClasses) register classes in one function at byte \(at)")
            }
            return index
        }

        /// Appends coded bytes as they are, or fails when the text would pass its capacity.
        @inline(__always) mutating func put(_ input: Span<UInt8>, _ bytes: Range<Int>) throws(ImageCodingFault) {
            guard bytes.count <= capacity - written else { throw tooLong }
            // A short copy as one 8-byte load and store, where both sides have the room (the
            // bytes stored past the copy lie inside the buffer and are written over next).
            if bytes.count <= 8, bytes.lowerBound + 8 <= input.count, capacity - written >= 8 {
                let word = input.bytes.unsafeLoadUnaligned(fromByteOffset: bytes.lowerBound, as: UInt64.self)
                UnsafeMutableRawPointer(base + written).storeBytes(of: word, as: UInt64.self)
                written += bytes.count
                return
            }
            for index in bytes {
                base[written] = input[index]
                written += 1
            }
        }

        /// Appends a non-negative number's decimal digits.
        @inline(__always) mutating func putDecimal(_ number: Int) throws(ImageCodingFault) {
            // Below 10^8, with room for 8 bytes: all eight digits at once, the leading zeros
            // shifted out, without a branch on the number's length.
            if number < 100_000_000, capacity - written >= 8 {
                let (text, count) = decimalWord(number)
                UnsafeMutableRawPointer(base + written).storeBytes(of: text.littleEndian, as: UInt64.self)
                written += count
                return
            }
            var digits: UInt64 = 0, count = 0, rest = number
            repeat {
                digits = digits << 8 | UInt64(UInt8(ascii: "0") + UInt8(rest % 10))
                rest /= 10
                count += 1
            } while rest > 0 && count < 8
            guard rest == 0 else {
                let long = Array(String(number).utf8)
                return try put(long.span, long.indices)
            }
            guard count <= capacity - written else { throw tooLong }
            for _ in 0..<count {
                base[written] = UInt8(truncatingIfNeeded: digits)
                written += 1
                digits >>= 8
            }
        }

        var tooLong: ImageCodingFault { PTXOperandCoding.tooLong(limit) }
    }

    /// The fault of text that would pass the image's raw size.
    private static func tooLong(_ limit: UInt64) -> ImageCodingFault {
        ImageCodingFault("it decodes to more than the \(limit) bytes its entry records")
    }

    /// What each register class and the labels have seen so far, in one table of ``stride`` slots
    /// a class: its key, its largest number, how many recent numbers it has, where the newest is,
    /// then a ring of ``ring`` slots holding them, newest first (so a new number, the commonest
    /// case, is one write). The table is a stack allocation that ``withTable(_:)`` lends; every
    /// index into it is a class below ``PTXOperandCoding/maximumClasses`` (``index(of:)`` refuses
    /// more) and a slot below ``stride``, so it is read and written without a check of its own (a
    /// checked array's uniqueness and bounds checks were a quarter of decoding).
    private struct Coder {
        private static let ring = 16
        private static let stride = 4 + ring
        private let table: UnsafeMutablePointer<Int>
        private var classCount = 0
        var function = -1

        private init(table: UnsafeMutablePointer<Int>) { self.table = table }

        /// Runs `body` with a coder whose table lives as long as the call.
        static func withTable<R, E: Error>(_ body: (inout Coder) throws(E) -> R) throws(E) -> R {
            try withUnsafeTemporaryAllocation(of: Int.self, capacity: PTXOperandCoding.maximumClasses * stride) { (table) throws(E) -> R in
                var coder = Coder(table: table.baseAddress.unsafelyUnwrapped)
                return try body(&coder)
            }
        }

        /// Forgets every class when `at` starts a line that starts with `.`.
        @inline(__always) mutating func startLine(_ text: Span<UInt8>, _ at: Int) {
            if text[at] == UInt8(ascii: "."), at == 0 || text[at - 1] == UInt8(ascii: "\n") { forgetClasses() }
        }

        /// Forgets every class: a line that starts with `.` ends the function.
        @inline(__always) mutating func forgetClasses() { classCount = 0 }

        /// The position of a class, added if new; nil past ``PTXOperandCoding/maximumClasses``.
        @inline(__always) mutating func index(of key: UInt64) -> Int? {
            let key = Int(bitPattern: UInt(key))
            for position in 0..<classCount where table[position * Self.stride] == key { return position }
            guard classCount < PTXOperandCoding.maximumClasses else { return nil }
            let base = classCount * Self.stride
            (table + base).update(repeating: 0, count: 4)
            table[base] = key
            classCount += 1
            return classCount - 1
        }

        @inline(__always) func largest(in clas: Int) -> Int { table[clas * Self.stride + 1] }

        /// The slot of the `index`-th recent number of a class.
        @inline(__always) private func slot(_ index: Int, in clas: Int) -> Int {
            let base = clas * Self.stride
            return base + 4 + (table[base + 3] &+ index) & (Self.ring - 1)
        }

        @inline(__always) func recentIndex(of number: Int, in clas: Int) -> Int? {
            for index in 0..<table[clas * Self.stride + 2] where table[slot(index, in: clas)] == number { return index }
            return nil
        }

        @inline(__always) func recentNumber(_ index: Int, in clas: Int) -> Int? {
            index < table[clas * Self.stride + 2] ? table[slot(index, in: clas)] : nil
        }

        /// Makes a number the newest of its class (moved up if it was recent, the oldest dropped if not).
        @inline(__always) func saw(_ number: Int, in clas: Int) {
            if let found = recentIndex(of: number, in: clas) {
                sawRecent(found, in: clas)
            } else {
                sawNew(number, in: clas)
            }
        }

        /// Makes the recent number at `index` the newest.
        @inline(__always) func sawRecent(_ index: Int, in clas: Int) {
            let number = table[slot(index, in: clas)]
            var position = index
            while position > 0 {
                table[slot(position, in: clas)] = table[slot(position - 1, in: clas)]
                position -= 1
            }
            table[slot(0, in: clas)] = number
        }

        /// Makes a number that is not recent the newest, and the largest if it is.
        @inline(__always) func sawNew(_ number: Int, in clas: Int) {
            let base = clas * Self.stride
            if number > table[base + 1] { table[base + 1] = number }
            table[base + 2] = min(table[base + 2] + 1, PTXOperandCoding.recentCount)
            table[base + 3] = (table[base + 3] &- 1) & (Self.ring - 1)
            table[slot(0, in: clas)] = number
        }
    }

    /// Whether a byte is in a set of bytes below 64 (bit `b` of `set` for byte `b`), tested
    /// without a branch: in plain text the byte's being below 64 or not is a coin toss.
    @inline(__always) private static func isMember(_ byte: UInt8, of set: UInt64) -> Bool {
        (set &>> UInt64(byte & 63)) & UInt64(byte &>> 6 == 0 ? 1 : 0) != 0
    }

    /// A number below 10^8 as its decimal text in a word, the first digit in the lowest byte (so
    /// stored little-endian it reads in order), without leading zeros; and how many digits that
    /// is (at least one). The bytes above them are zero.
    ///
    /// Without a branch or a loop: the number splits into two 4-digit halves in 32-bit lanes,
    /// each into two 2-digit quarters in 16-bit lanes, each into digits in 8-bit lanes; a lane's
    /// quotient is a multiply and a shift (`x * 10486 >> 20` is `x / 100` below 10^4, and
    /// `x * 103 >> 10` is `x / 10` below 100), none carrying into the next lane.
    @inline(__always) static func decimalWord(_ number: Int) -> (text: UInt64, count: Int) {
        let value = UInt64(truncatingIfNeeded: number)
        let high = value / 10_000
        var lanes = high | (value - high * 10_000) << 32
        let hundreds = (lanes &* 10_486) >> 20 & 0x0000_007F_0000_007F
        lanes = hundreds | (lanes - hundreds &* 100) << 16
        let tens = (lanes &* 103) >> 10 & 0x000F_000F_000F_000F
        lanes = tens | (lanes - tens &* 10) << 8
        let count = max(1, 8 - lanes.trailingZeroBitCount / 8)
        return ((lanes | 0x3030_3030_3030_3030) &>> UInt64(8 * (8 - count)), count)
    }

    /// The bytes that may start a token, all below 64: `%`, `$` and the codes.
    private static let tokenStartsBelow64: UInt64 = {
        var mask: UInt64 = 0
        for byte in 0..<64 where isCode(UInt8(byte)) { mask |= 1 << UInt64(byte) }
        for byte in [UInt8(ascii: "%"), UInt8(ascii: "$")] { mask |= 1 << UInt64(byte) }
        return mask
    }()

    /// The bytes that end the encoder's plain runs: those that may start a token, and a line feed.
    private static let specialBelow64 = tokenStartsBelow64 | 1 << UInt64(UInt8(ascii: "\n"))

    /// The end of the run of bytes from `at` that can start no token, end no line and hold no code.
    private static func plainRunEnd(_ text: Span<UInt8>, _ at: Int) -> Int {
        let special = specialBelow64
        var end = at
        while end < text.count, !isMember(text[end], of: special) { end += 1 }
        return end
    }

    /// A register class's key: its letters, five bits each.
    @inline(__always) private static func classKey(_ text: Span<UInt8>, _ clas: Range<Int>) -> UInt64 {
        var key: UInt64 = 0
        for at in clas { key = key << 5 | UInt64(text[at] - UInt8(ascii: "`")) }
        return key
    }

    /// A number's decimal digits.
    private static func decimal(_ number: Int) -> [UInt8] {
        Array(String(number).utf8)
    }

    /// A register token at `at`: its class's range and its digits' range.
    @inline(__always) private static func register(_ text: Span<UInt8>, _ at: Int) -> (Range<Int>, Range<Int>)? {
        guard text[at] == UInt8(ascii: "%"), let clas = letters(text, at + 1) else { return nil }
        guard let digits = number(text, clas.upperBound), !isWordByte(text, digits.upperBound) else { return nil }
        return (clas, digits)
    }

    @inline(__always) private static func startsWithLabelPrefix(_ text: Span<UInt8>, _ at: Int) -> Bool {
        guard text.count - at >= labelPrefix.count else { return false }
        for (offset, byte) in labelPrefix.enumerated() where text[at + offset] != byte { return false }
        return true
    }

    /// A label token at `at`: its function number's digits.
    @inline(__always) private static func label(_ text: Span<UInt8>, _ at: Int) -> Range<Int>? {
        guard text[at] == UInt8(ascii: "$"), startsWithLabelPrefix(text, at),
              let digits = number(text, at + labelPrefix.count),
              digits.upperBound < text.count, text[digits.upperBound] == UInt8(ascii: "_") else { return nil }
        return digits
    }

    /// A register class: the lowercase letters from `at`, if there are 1–``maximumClassLetters``.
    @inline(__always) private static func letters(_ text: Span<UInt8>, _ at: Int) -> Range<Int>? {
        var end = at
        while end < text.count, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(text[end]) {
            end += 1
            if end - at > maximumClassLetters { return nil }
        }
        return end > at ? at..<end : nil
    }

    @inline(__always) private static func decimalRun(_ text: Span<UInt8>, _ at: Int) -> Range<Int> {
        var end = at
        while end < text.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(text[end]) { end += 1 }
        return at..<end
    }

    /// A number token: 1–9 digits, no leading zero (but `0` itself), the whole digit run.
    @inline(__always) private static func number(_ text: Span<UInt8>, _ at: Int) -> Range<Int>? {
        let digits = decimalRun(text, at)
        guard !digits.isEmpty, digits.count <= maximumDigits,
              digits.count == 1 || text[at] != UInt8(ascii: "0") else { return nil }
        return digits
    }

    @inline(__always) private static func isWordByte(_ text: Span<UInt8>, _ at: Int) -> Bool {
        guard at < text.count else { return false }
        let byte = text[at]
        return (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
    }

    @inline(__always) private static func value(_ text: Span<UInt8>, _ digits: Range<Int>) -> Int {
        var number = 0
        for at in digits { number = number * 10 + Int(text[at] - UInt8(ascii: "0")) }
        return number
    }
}
