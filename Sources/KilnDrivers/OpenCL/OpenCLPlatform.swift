/// One OpenCL platform: a vendor's driver, as the ICD loader finds it in /etc/OpenCL/vendors.
public struct OpenCLPlatform: Sendable, Hashable, CustomStringConvertible {
    /// The platform's name: `Portable Computing Language`, `Intel(R) OpenCL Graphics`.
    public let name: String
    /// The vendor: `The pocl project`, `Intel(R) Corporation`.
    public let vendor: String
    /// The version string: `OpenCL 3.0 PoCL 3.1+debian …`.
    public let version: String
    package let handle: OpenCLHandle

    /// Whether this is PoCL, whose CPU binaries are tied to a host string.
    public var isPoCL: Bool { name == "Portable Computing Language" || version.contains("PoCL") }

    public var description: String { "\(name) (\(version))" }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.handle == rhs.handle }
    public func hash(into hasher: inout Hasher) { hasher.combine(handle) }
}
