import KilnCore
import Synchronization

/// How the writer chooses references.
///
/// The distinct images of one module and one format form a group, taken in architecture order
/// (`sm_80`, `sm_86`, `sm_89`, `sm_90`, `sm_100`, `sm_120`; `compute_` likewise; other targets
/// by name). Each image is compressed alone and against each image at most ``referenceReach``
/// places before or after it in that order, each of these raw and coded by its format's
/// transform (a coded frame against a reference, format version 4, is compressed against the
/// reference coded the same way); then every image is given a role — stored alone (a *base*), or
/// against a base within reach — so that the group's stored bytes are smallest (an exact dynamic
/// program over the sequence). A reference is always a base, so reading any image reads at most
/// two. Measured on Kiln's `Kernels/`: `sm_86` and `sm_89` cubins are near copies, `sm_100` and
/// `sm_120` share much, Hopper and Blackwell share little with Ampere; in gemm_variants for
/// `sm_75, sm_80, sm_89, sm_90`, `sm_89` is the one base, `sm_75` stored against it from two
/// places away and `sm_90` saving 9.2% against it.
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
    /// alone: each one costs a reader a second image's decompression (about 0.5 ms for a 750 KB
    /// cubin).
    static let minimumSaving = 0.08

    /// How many places along its group an image's reference may lie, before or after it.
    static let referenceReach = 2

    /// The role of an image in its group.
    enum Role: Hashable {
        /// Stored alone; images within reach may be stored against it.
        case base
        /// Stored against the base this many places along the group (negative: before it).
        case against(Int)

        /// Where a reference may lie, in the order that breaks ties: the nearer first, the one before first.
        static let offsets = (1...referenceReach).flatMap { [-$0, $0] }
        /// Every role, in the order that breaks ties: a base, then the references by ``offsets``.
        static let all: [Role] = [.base] + offsets.map(Role.against)
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

        // Every compression the choice needs: each image alone and against each image within reach, raw and coded.
        struct Task: Hashable { var image: Int; var reference: Int?; var transform = ImageTransform.none }
        var tasks: [Task] = []
        for group in groups {
            for (position, image) in group.enumerated() {
                let reach = references ? Role.offsets.map { position + $0 }.filter(group.indices.contains).map { group[$0] } : []
                for reference in [nil] + reach {
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
            /// The image at `position` stored against the one `offset` places along; nil where that is out of the group or saves too little.
            func against(_ position: Int, _ offset: Int) -> Stored? {
                guard group.indices.contains(position + offset),
                      let stored = smallest(group[position], against: group[position + offset]) else { return nil }
                guard Double(stored.body.count) <= Double(alone[position].body.count) * (1 - minimumSaving) else { return nil }
                return stored
            }
            let options = group.indices.map { position in
                Dictionary(uniqueKeysWithValues: Role.offsets.compactMap { offset in against(position, offset).map { (offset, $0) } })
            }
            let roles = plan(alone: alone.map(\.body.count)) { position, offset in options[position][offset]?.body.count }
            for (position, role) in roles.enumerated() {
                stored[group[position]] = switch role {
                case .base: alone[position]
                case .against(let offset): options[position][offset]!
                }
            }
        }
        return (first, stored)
    }

    /// The roles that make a group's stored bytes smallest: each image a base, or stored against
    /// an image at most ``referenceReach`` places along, which must then be a base. Ties go to
    /// the first role in ``Role/all`` order, position by position, so the choice is deterministic.
    ///
    /// A dynamic program over the sequence whose state is the roles of the last ``referenceReach``
    /// images: every rule joins two images at most that far apart, so it is checked when the later
    /// of the two is given its role.
    ///
    /// - Parameters:
    ///   - alone: each image's size stored alone.
    ///   - against: an image's size stored against the image `offset` places along, or nil where
    ///     that is not allowed; only asked for offsets inside the group.
    /// - Complexity: O(n) (at most (2·reach + 1)^(reach + 1) steps per image).
    static func plan(alone: [Int], against: (_ position: Int, _ offset: Int) -> Int?) -> [Role] {
        /// A plan of the images so far, kept by the roles of its last images: its total, and the
        /// plan of one image fewer it extends (an index into the layer before).
        struct Partial { var window: [Role]; var total: Int; var previous: Int }
        func cost(_ position: Int, _ role: Role) -> Int? {
            switch role {
            case .base: alone[position]
            case .against(let offset): alone.indices.contains(position + offset) ? against(position, offset) : nil
            }
        }
        /// Whether `role` may follow the roles in `window`, which end just before it.
        func fits(_ role: Role, after window: [Role]) -> Bool {
            if case .against(let offset) = role, offset < 0 {
                guard window.indices.contains(window.count + offset), window[window.count + offset] == .base else { return false }
            }
            for (k, earlier) in window.enumerated() {
                if case .against(let offset) = earlier, k + offset == window.count, role != .base { return false }
            }
            return true
        }
        var layers: [[Partial]] = []
        var last = [Partial(window: [], total: 0, previous: 0)]
        for position in alone.indices {
            var layer: [Partial] = []
            var indexOf: [[Role]: Int] = [:]
            for (from, partial) in last.enumerated() {
                for role in Role.all {
                    guard let own = cost(position, role), fits(role, after: partial.window) else { continue }
                    let next = Partial(window: Array((partial.window + [role]).suffix(referenceReach)), total: partial.total + own, previous: from)
                    if let existing = indexOf[next.window] {
                        if next.total < layer[existing].total { layer[existing] = next }
                    } else {
                        indexOf[next.window] = layer.count
                        layer.append(next)
                    }
                }
            }
            layers.append(layer)
            last = layer
        }
        // Every image can be a base, so each layer has a plan; the first of the smallest wins.
        guard var at = last.indices.min(by: { last[$0].total < last[$1].total }) else { return [] }
        var roles: [Role] = []
        for layer in layers.reversed() {
            roles.append(layer[at].window.last!)
            at = layer[at].previous
        }
        return roles.reversed()
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
