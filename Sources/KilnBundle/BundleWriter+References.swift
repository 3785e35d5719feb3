import KilnCore
import Synchronization

/// How the writer chooses references.
///
/// The distinct images of one module and one format form a group, taken in architecture order
/// (`sm_80`, `sm_86`, `sm_89`, `sm_90`, `sm_100`, `sm_120`; `compute_` likewise; other targets
/// by name). Each image is compressed alone and against each neighbour in that order, each of
/// these raw and coded by its format's transform (a coded frame against a neighbour, format
/// version 4, is compressed against the neighbour coded the same way); then
/// every image is given a role — stored alone (a *base*), or against the base just before or
/// just after it — so that the group's stored bytes are smallest (an exact dynamic program over
/// the sequence). A reference is always a base, so reading any image reads at most two.
/// Measured on Kiln's `Kernels/`: `sm_86` and `sm_89` cubins are near copies, `sm_100` and
/// `sm_120` share much, Hopper and Blackwell share little with Ampere.
extension BundleWriter {
    /// How one distinct image is stored.
    struct Stored: Sendable {
        var codec: ImageCodec
        var body: [UInt8]
        /// The table position of the reference, with ``ImageCodec/zstdReferenced``.
        var reference: Int?
        /// How the raw bytes were rewritten before compression, and the rewritten size.
        var transform: ImageTransform = .none
        var transformedSize: Int?
    }

    /// A reference is used only when it saves at least this share of the bytes the image takes
    /// alone: each one costs a reader a second image's decompression.
    static let minimumSaving = 0.1

    /// The role of an image in its group.
    enum Role: CaseIterable {
        case base, againstPrevious, againstNext
    }

    /// Chooses how each distinct image is stored and compresses it, `jobs` compressions at once.
    ///
    /// - Returns: for each table position, the position of the first image with the same bytes;
    ///   and for each such first position, its storage.
    static func store(_ sorted: [PendingImage], digests: [[UInt8]], compressor: Compressor,
                      jobs: Int, references: Bool = true) -> (first: [Int], stored: [Int: Stored]) {
        var firstOf: [[UInt8]: Int] = [:]
        var first: [Int] = []
        var groups: [[Int]] = []
        var groupOf: [String: Int] = [:]
        for index in sorted.indices {
            if let earlier = firstOf[digests[index]] {
                first.append(earlier)
                continue
            }
            firstOf[digests[index]] = index
            first.append(index)
            let name = sorted[index].module + "\u{0}" + sorted[index].format.rawValue
            if groupOf[name] == nil {
                groupOf[name] = groups.count
                groups.append([])
            }
            groups[groupOf[name]!].append(index)
        }
        groups = groups.map { $0.sorted { architectureOrder(sorted[$0].target, sorted[$1].target) } }

        // Each image's bytes as a frame may hold them: raw, and coded by its format's transform
        // where the coding applies and gives the bytes back. A coded frame against a reference is
        // compressed against the reference's prefix coding (ImageTransform.prefix(coding:)), as
        // the reader rebuilds it: the checked coding where there is one (the same bytes), else
        // the unchecked one or the raw bytes.
        typealias Bytes = (bytes: [UInt8], digest: [UInt8])
        struct Form: Hashable { var image: Int; var transform: ImageTransform }
        let codings = groups.joined().compactMap { image in ImageTransform.candidate(for: sorted[image].format).map { Form(image: image, transform: $0) } }
        let coded = Mutex<[Form: (content: Bytes?, prefix: Bytes)]>([:])
        forEachConcurrently(codings.count, jobs: jobs) { claimed in
            let form = codings[claimed], raw = sorted[form.image].bytes
            let content = form.transform.encode(raw).map { ($0, Digest.sha256($0)) }
            let prefix = content ?? { let bytes = form.transform.prefix(coding: raw); return (bytes, Digest.sha256(bytes)) }()
            coded.withLock { $0[form] = (content, prefix) }
        }
        let codedForms = coded.withLock { $0 }
        /// An image's bytes coded by a transform (raw for none), or nil where the coding does not give them back.
        @Sendable func content(_ image: Int, _ transform: ImageTransform) -> Bytes? {
            transform == .none ? (sorted[image].bytes, digests[image]) : codedForms[Form(image: image, transform: transform)]?.content
        }
        /// The transforms an image's frames are tried with: none, and its format's where the coding gives the bytes back.
        func transforms(_ image: Int) -> [ImageTransform] {
            [ImageTransform.none, ImageTransform.candidate(for: sorted[image].format)].compactMap { $0 }.filter { content(image, $0) != nil }
        }
        /// What a frame coded by a transform is compressed against when stored against `image`.
        @Sendable func prefix(_ image: Int, _ transform: ImageTransform) -> Bytes {
            transform == .none ? (sorted[image].bytes, digests[image]) : codedForms[Form(image: image, transform: transform)]!.prefix
        }

        // Every compression the choice needs: each image alone and against each neighbour, raw and coded.
        struct Task: Hashable { var image: Int; var reference: Int?; var transform = ImageTransform.none }
        var tasks: [Task] = []
        for group in groups {
            for (position, image) in group.enumerated() {
                var neighbours: [Int?] = [nil]
                if references && position > 0 { neighbours.append(group[position - 1]) }
                if references && position + 1 < group.count { neighbours.append(group[position + 1]) }
                for reference in neighbours {
                    tasks += transforms(image).map { Task(image: image, reference: reference, transform: $0) }
                }
            }
        }
        // The largest first, so that one big image does not start last; the order does not change the output.
        let work = tasks.sorted { sorted[$0.image].bytes.count > sorted[$1.image].bytes.count }
        let frames = Mutex<[Task: Stored]>([:])
        forEachConcurrently(work.count, jobs: jobs) { claimed in
            let task = work[claimed]
            let content = content(task.image, task.transform)!
            let frame = compressor.frame(content.bytes, digest: content.digest, reference: task.reference.map { prefix($0, task.transform) })
            let stored = Stored(codec: task.reference == nil ? .zstd : .zstdReferenced, body: frame, reference: task.reference,
                                transform: task.transform, transformedSize: task.transform == .none ? nil : content.bytes.count)
            frames.withLock { $0[task] = stored }
        }
        let compressed = frames.withLock { $0 }
        /// The smallest frame of an image against a reference (or none), raw or coded; ties keep the raw one.
        func smallest(_ image: Int, against reference: Int?) -> Stored? {
            transforms(image).compactMap { compressed[Task(image: image, reference: reference, transform: $0)] }
                .reduce(nil) { best, next in best.map { next.body.count < $0.body.count ? next : $0 } ?? next }
        }

        var stored: [Int: Stored] = [:]
        for group in groups {
            // Alone: the smallest of the raw bytes, their frame and the coded bytes' frame; ties keep the simpler.
            let alone = group.map { image -> Stored in
                let frame = smallest(image, against: nil)!
                return frame.body.count < sorted[image].bytes.count ? frame : Stored(codec: .none, body: sorted[image].bytes)
            }
            func against(_ position: Int, _ neighbour: Int) -> Stored? {
                guard group.indices.contains(neighbour),
                      let stored = smallest(group[position], against: group[neighbour]) else { return nil }
                guard Double(stored.body.count) <= Double(alone[position].body.count) * (1 - minimumSaving) else { return nil }
                return stored
            }
            let previous = group.indices.map { against($0, $0 - 1) }
            let following = group.indices.map { against($0, $0 + 1) }
            let roles = plan(alone: alone.map(\.body.count), previous: previous.map { $0?.body.count },
                             next: following.map { $0?.body.count })
            for (position, role) in roles.enumerated() {
                stored[group[position]] = switch role {
                case .base: alone[position]
                case .againstPrevious: previous[position]!
                case .againstNext: following[position]!
                }
            }
        }
        return (first, stored)
    }

    /// The roles that make a group's stored bytes smallest: each image a base, or stored against
    /// the previous or next image, which must then be a base. Ties go to the first role in
    /// ``Role`` order, so the choice is deterministic.
    ///
    /// - Parameters:
    ///   - alone: each image's size stored alone.
    ///   - previous: its size against the image before it, or nil where that is not allowed.
    ///   - next: its size against the image after it, or nil.
    /// - Complexity: O(n).
    static func plan(alone: [Int], previous: [Int?], next: [Int?]) -> [Role] {
        let roles = Role.allCases
        func cost(_ position: Int, _ role: Role) -> Int? {
            switch role {
            case .base: alone[position]
            case .againstPrevious: previous[position]
            case .againstNext: position + 1 < alone.count ? next[position] : nil
            }
        }
        func allowed(_ before: Role, _ after: Role) -> Bool {
            (after != .againstPrevious || before == .base) && (before != .againstNext || after == .base)
        }
        guard !alone.isEmpty else { return [] }
        // best[i][r]: the smallest total of images 0...i with image i in role r; from[i][r]: the role of i-1.
        var best: [[Int?]] = [roles.map { role in role == .againstPrevious ? nil : cost(0, role) }]
        var from: [[Int]] = [roles.map { _ in 0 }]
        for position in 1..<alone.count {
            var row: [Int?] = [], back: [Int] = []
            for role in roles {
                var choice: (total: Int, previous: Int)? = nil
                if let own = cost(position, role) {
                    for (p, before) in roles.enumerated() where allowed(before, role) {
                        guard let total = best[position - 1][p] else { continue }
                        if choice == nil || total + own < choice!.total { choice = (total + own, p) }
                    }
                }
                row.append(choice?.total)
                back.append(choice?.previous ?? 0)
            }
            best.append(row)
            from.append(back)
        }
        var role = best[alone.count - 1].indices.filter { best[alone.count - 1][$0] != nil }
            .min { best[alone.count - 1][$0]! < best[alone.count - 1][$1]! }!
        var result: [Role] = []
        for position in stride(from: alone.count - 1, through: 0, by: -1) {
            result.append(roles[role])
            role = from[position][role]
        }
        return result.reversed()
    }

    /// Whether target `a` comes before `b` when choosing references: NVIDIA targets (`sm_`,
    /// `compute_`) by architecture number, then everything else by name.
    static func architectureOrder(_ a: String, _ b: String) -> Bool {
        func number(_ name: String) -> Int? {
            for prefix in ["sm_", "compute_"] where name.hasPrefix(prefix) {
                return Int(String(name.dropFirst(prefix.count).prefix { $0.isNumber }))
            }
            return nil
        }
        switch (number(a), number(b)) {
        case let (x?, y?) where x != y: return x < y
        case (_?, nil): return true
        case (nil, _?): return false
        default: return a.utf8.lexicographicallyPrecedes(b.utf8)
        }
    }
}
