/// An Intel GPU IP version (`major.minor.revision`), as `ocloc ids` prints it and
/// as the driver reports it through `cl_intel_device_attribute_query`.
public struct IntelIPVersion: Hashable, Sendable, Comparable, Codable, CustomStringConvertible {
    public var major: Int
    public var minor: Int
    public var revision: Int

    /// Creates an IP version from its three parts.
    public init(_ major: Int, _ minor: Int, _ revision: Int) {
        self.major = major
        self.minor = minor
        self.revision = revision
    }

    /// Parses `12.60.7`; returns nil for anything else, and for parts too large for ``rawValue``
    /// (major over 1023, minor over 255, revision over 63).
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        let numbers = parts.compactMap { part -> Int? in
            guard !part.isEmpty, part.count <= 4, part.allSatisfy(\.isASCIIDigit) else { return nil }
            return Int(part)
        }
        guard numbers.count == 3, numbers[0] <= 1023, numbers[1] <= 255, numbers[2] <= 63 else { return nil }
        self.init(numbers[0], numbers[1], numbers[2])
    }

    /// The 32-bit form the driver reports: major in bits 22–31, minor in 14–21, revision in 0–5.
    public var rawValue: UInt32 {
        UInt32(major) << 22 | UInt32(minor) << 14 | UInt32(revision)
    }

    /// Decodes the 32-bit form that `CL_DEVICE_IP_VERSION_INTEL` returns.
    public init(rawValue: UInt32) {
        self.init(Int(rawValue >> 22), Int((rawValue >> 14) & 0xFF), Int(rawValue & 0x3F))
    }

    public var description: String { "\(major).\(minor).\(revision)" }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.major, lhs.minor, lhs.revision) < (rhs.major, rhs.minor, rhs.revision)
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
