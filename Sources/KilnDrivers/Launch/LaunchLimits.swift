/// What a device accepts as launch dimensions.
public struct LaunchLimits: Hashable, Sendable {
    /// The most threads one block may hold.
    public var maxThreadsPerBlock: Int
    /// The largest block in each dimension.
    public var maxBlock: Dim3
    /// The largest grid in each dimension.
    public var maxGrid: Dim3

    /// Creates limits.
    public init(maxThreadsPerBlock: Int, maxBlock: Dim3, maxGrid: Dim3) {
        self.maxThreadsPerBlock = maxThreadsPerBlock
        self.maxBlock = maxBlock
        self.maxGrid = maxGrid
    }

    /// The limits of every NVIDIA GPU since compute capability 3.0.
    public static let cuda = LaunchLimits(maxThreadsPerBlock: 1024, maxBlock: Dim3(1024, 1024, 64),
                                          maxGrid: Dim3(Int(Int32.max), 65535, 65535))
}
