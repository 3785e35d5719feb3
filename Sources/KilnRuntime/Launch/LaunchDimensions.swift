import KilnDrivers
/// What a launch's `grid:` and `block:` take: a `Dim3`, or an `Int` for one dimension.
///
/// So a size held in a variable passes as it is — `launch(grid: groups, block: width, …)` — as a
/// literal does (`block: 256`); `n` stands for (n, 1, 1).
public protocol LaunchDimensions: Sendable {
    /// The three dimensions.
    var dimensions: Dim3 { get }
}

extension Dim3: LaunchDimensions {
    public var dimensions: Dim3 { self }
}

extension Int: LaunchDimensions {
    /// (self, 1, 1).
    public var dimensions: Dim3 { Dim3(self) }
}
