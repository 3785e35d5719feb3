/// The three dimensions of a grid (in blocks) or of a block (in threads), as CUDA names them;
/// OpenCL's global and local work sizes map onto the same shape.
public struct Dim3: Hashable, Sendable, ExpressibleByIntegerLiteral, CustomStringConvertible {
    public var x: Int
    public var y: Int
    public var z: Int

    /// Creates dimensions; y and z default to 1.
    public init(_ x: Int, _ y: Int = 1, _ z: Int = 1) {
        self.x = x
        self.y = y
        self.z = z
    }

    /// Creates one-dimensional dimensions from a literal: `256` is (256, 1, 1).
    public init(integerLiteral value: Int) {
        self.init(value)
    }

    /// The product x·y·z, or nil if it overflows.
    public var product: Int? {
        let (xy, o1) = x.multipliedReportingOverflow(by: y)
        let (xyz, o2) = xy.multipliedReportingOverflow(by: z)
        return o1 || o2 ? nil : xyz
    }

    public var description: String { "(\(x), \(y), \(z))" }
}
