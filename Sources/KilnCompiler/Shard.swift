import KilnCore

/// One share of a build's module × target pairs: shard `index` of `count`, counted from 0, as
/// Slurm's `SLURM_ARRAY_TASK_ID` (with `--array=0-N-1`), Kubernetes' `JOB_COMPLETION_INDEX`
/// and a CI matrix give it.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    /// The shard's index, from 0 to `count - 1`.
    public let index: Int
    /// How many shards the build is split into.
    public let count: Int

    /// The most shards a build may be split into.
    public static let maximumCount = 4096

    /// A shard of a count.
    ///
    /// - Throws: `KilnError.invalidArgument` unless `0 ≤ index < count ≤` ``maximumCount``.
    public init(index: Int, count: Int) throws(KilnError) {
        guard (1...Self.maximumCount).contains(count) else {
            throw KilnError(.invalidArgument, "shard \(index)/\(count): give 1 to \(Self.maximumCount) shards, e.g. 0/4 … 3/4 for four")
        }
        guard (0..<count).contains(index) else {
            throw KilnError(.invalidArgument,
                "shard \(index)/\(count): shards are counted from 0, so the index runs from 0 to \(count - 1) (Slurm: --array=0-\(count - 1))")
        }
        self.index = index
        self.count = count
    }

    /// A shard written `I/N`, as `--shard` takes it.
    ///
    /// - Throws: `KilnError.invalidArgument` naming the text for anything else.
    public init(parsing text: String) throws(KilnError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
            throw KilnError(.invalidArgument,
                "shard '\(text)': write it as INDEX/COUNT, counted from 0 — e.g. 0/4 … 3/4 for four shards")
        }
        try self.init(index: index, count: count)
    }

    public var description: String { "\(index)/\(count)" }

    /// Which shard builds each item of a plan, balancing the shards' costs: the items, costliest
    /// first (ties in plan order), each go to the shard with the least cost so far (ties to the
    /// lowest index). The same costs always give the same assignment.
    ///
    /// - Returns: for each item, the index of its shard.
    /// - Complexity: O(n log n + n × count).
    public static func assign(costs: [Int], count: Int) -> [Int] {
        var load = [Int](repeating: 0, count: count)
        var shard = [Int](repeating: 0, count: costs.count)
        for item in costs.indices.sorted(by: { (costs[$1], $0) < (costs[$0], $1) }) {
            let least = load.indices.min { (load[$0], $0) < (load[$1], $1) }!
            shard[item] = least
            load[least] += costs[item]
        }
        return shard
    }

    /// What compiling one module for one target is reckoned to cost, for ``assign(costs:count:)``
    /// and for the order a build starts its compiles in: the module's expanded source size times a
    /// weight for the toolchain that makes the format. The weights follow a serial cold build of
    /// `Kernels/` on the 2-core VM (2026-12-03): for gemm_variants (207 KB, 160 kernels) a cubin
    /// took 4.5–5.0 s, a zebin 3.7 s and PoCL's binary 55 s; for the small modules ocloc's 0.3 s
    /// start-up makes a zebin the dearest GPU image. A `source` image is a copy.
    public static func cost(sourceBytes: Int, format: ImageFormat) -> Int {
        let weight = switch format {
        case .source: 1
        case .ptx, .spirv: 3
        case .cubin: 4
        case .zebin: 5
        case .poclBinary: 48
        }
        return max(1, sourceBytes) * weight
    }
}
