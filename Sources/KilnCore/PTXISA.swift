/// A PTX ISA version (the `.version` line of a PTX file), and which drivers accept it.
public struct PTXISA: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var major: Int
    public var minor: Int

    /// Creates a version from its parts.
    public init(_ major: Int, _ minor: Int) {
        self.major = major
        self.minor = minor
    }

    /// Parses `9.0`; nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: ".")
        guard parts.count == 2, let major = Int(parts[0]), let minor = Int(parts[1]) else { return nil }
        self.init(major, minor)
    }

    public var description: String { "\(major).\(minor)" }

    public static func < (lhs: Self, rhs: Self) -> Bool { (lhs.major, lhs.minor) < (rhs.major, rhs.minor) }

    /// The newest PTX ISA a driver accepts, from its CUDA version (`cuDriverGetVersion`:
    /// 12040 for 12.4); nil for a driver newer than this table, which is assumed to accept all.
    ///
    /// From NVIDIA's PTX ISA release notes: CUDA 11.x takes 7.x, 12.0–12.5 take 8.0–8.5,
    /// 12.6 takes 8.5, 12.8 takes 8.7, 12.9 takes 8.8 and 13.0 takes 9.0.
    public static func maximum(forDriver version: Int) -> PTXISA? {
        let major = version / 1000, minor = version % 1000 / 10
        switch (major, minor) {
        case (..<11, _): return PTXISA(6, 5)
        case (11, _): return PTXISA(7, min(minor, 8))
        case (12, ...5): return PTXISA(8, minor)
        case (12, 6), (12, 7): return PTXISA(8, 5)
        case (12, 8): return PTXISA(8, 7)
        case (12, _): return PTXISA(8, 8)
        case (13, _): return PTXISA(9, minor)
        default: return nil
        }
    }

    /// The oldest CUDA driver version that accepts this ISA, for messages (`13.0`).
    public var minimumDriver: String {
        switch (major, minor) {
        case (9, let m): "13.\(m)"
        case (8, 6), (8, 7): "12.8"
        case (8, 8): "12.9"
        case (8, let m): "12.\(m)"
        case (7, let m): "11.\(m)"
        default: "\(major - 4).\(minor)"
        }
    }
}
