/// An NVIDIA compute capability such as 9.0 (`sm_90`).
public struct ComputeCapability: Hashable, Sendable, Comparable, Codable, CustomStringConvertible {
    /// The major version: 9 for Hopper.
    public var major: Int
    /// The minor version: 0 for `sm_90`.
    public var minor: Int

    /// Creates a compute capability from its two numbers.
    public init(_ major: Int, _ minor: Int) {
        self.major = major
        self.minor = minor
    }

    /// The number as NVIDIA writes it in target names: 90 for 9.0, 120 for 12.0.
    public var number: Int { major * 10 + minor }

    /// Creates a compute capability from the number in a target name (`90` → 9.0).
    public init(number: Int) {
        self.init(number / 10, number % 10)
    }

    public var description: String { "\(major).\(minor)" }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.major, lhs.minor) < (rhs.major, rhs.minor)
    }
}
