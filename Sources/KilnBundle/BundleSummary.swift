import KilnCore

/// What `kiln inspect` shows: a bundle's modules, targets and images, and what each target costs.
public struct BundleSummary: Encodable, Sendable {
    /// One module and its kernels.
    public struct Module: Encodable, Sendable {
        public var name: String
        public var language: SourceLanguage
        /// The kernels' names, in source order.
        public var kernels: [String]
        /// The kernels' signatures as the manifest records them, in the same order.
        public var signatures: [Kernel]
    }

    /// One kernel's recorded signature: what a launch is checked against.
    public struct Kernel: Encodable, Sendable {
        public var name: String
        /// The declaration, for people: `saxpy(float a, global const float* x, int n)`.
        public var signature: String
        public var parameters: [ParameterRecord]
        /// The work-group size the kernel requires (`reqd_work_group_size`), if it names one.
        public var requiredWorkGroupSize: [Int]?
        /// The targets whose images hold the kernel; nil: every image.
        public var targets: [String]?
        /// The symbol it is looked up by, where that differs from its name.
        public var symbol: String?

        init(_ record: KernelRecord) {
            name = record.name
            signature = record.signature
            parameters = record.parameters
            requiredWorkGroupSize = record.requiredWorkGroupSize
            targets = record.targets
            symbol = record.symbol
        }
    }

    /// What one target adds to the bundle.
    public struct TargetCost: Encodable, Sendable {
        public var name: String
        public var format: ImageFormat
        public var toolchain: String
        /// The number of images built for it.
        public var images: Int
        /// The stored bytes of its images, shared ones included.
        public var storedBytes: UInt64
        /// The bytes its images take before compression.
        public var rawBytes: UInt64
        /// The stored bytes that only this target uses: what leaving it out would save.
        public var uniqueStoredBytes: UInt64
    }

    /// One image.
    public struct Image: Encodable, Sendable {
        public var module: String
        public var target: String
        public var format: ImageFormat
        public var codec: String
        /// How the bytes were rewritten before compression: `none` or `ptx-operands` (format version 3).
        public var transform: String
        public var storedBytes: UInt64
        public var rawBytes: UInt64
        public var sha256: String
        /// Other images with the same bytes, stored once (`module × target`).
        public var sharedWith: [String]
        /// With codec `zstd+ref`, the image its frame was compressed against (`module × target`);
        /// reading this image reads that one's too.
        public var reference: String?
    }

    /// The bundle's totals.
    public struct Totals: Encodable, Sendable {
        public var images: Int
        /// Images whose bytes are stored (identical images count once).
        public var distinctImages: Int
        /// Stored bytes of the distinct images.
        public var storedBytes: UInt64
        /// Raw bytes of all images, as if each were stored uncompressed.
        public var rawBytes: UInt64
        /// The file's size.
        public var fileBytes: UInt64
    }

    public var path: String
    public var formatVersion: UInt32
    public var writtenBy: String
    public var deviceList: String
    public var toolchains: [String: String]
    public var modules: [Module]
    public var targets: [TargetCost]
    public var images: [Image]
    public var totals: Totals
    /// Who signed the bundle; nil when it is unsigned.
    public var signature: Signature?
    /// For a shard part (`kiln build --shard`): which shard it is (`1/4`); nil for a bundle.
    public var shard: String?

    /// A bundle's signer, and whether its bytes still match the signature (checked with the
    /// signer's own key: that says the file is as signed, not that the signer is trusted).
    public struct Signature: Encodable, Sendable {
        /// The signer's key fingerprint: `ed25519:3f9a0c1e5b7d2468`.
        public var signer: String
        /// True when every byte before the signature is as the signer signed it.
        public var matches: Bool
    }

    /// Reads every entry of a bundle (not the images' bytes) and sums it up.
    ///
    /// - Throws: `KilnError.corruptBundle` if the manifest or an entry is damaged.
    public init(reader: BundleReader) throws(KilnError) {
        let manifest = try reader.manifest()
        let entries = try reader.entries()
        var byOffset: [UInt64: [ImageEntry]] = [:]
        for entry in entries { byOffset[entry.offset, default: []].append(entry) }

        path = reader.path
        formatVersion = reader.formatVersion
        writtenBy = "Kiln \(reader.writerVersion)"
        deviceList = manifest.deviceList
        toolchains = manifest.toolchains
        modules = manifest.modules.map {
            Module(name: $0.name, language: $0.language, kernels: $0.kernels.map(\.name), signatures: $0.kernels.map(Kernel.init))
        }
        images = entries.map { entry in
            Image(module: entry.module, target: entry.target, format: entry.format, codec: entry.codec.description,
                  transform: entry.transform.description, storedBytes: entry.storedSize, rawBytes: entry.rawSize, sha256: entry.sha256Hex,
                  sharedWith: byOffset[entry.offset, default: []].filter { $0 != entry }.map { "\($0.module) × \($0.target)" },
                  reference: entry.reference.flatMap { try? reader.entry(at: $0) }.map { "\($0.module) × \($0.target)" })
        }
        targets = manifest.targets.map { record in
            let mine = entries.filter { $0.target == record.name }
            let unique = mine.filter { entry in byOffset[entry.offset, default: []].allSatisfy { $0.target == record.name } }
            // An image shared only among this target's own modules is stored once.
            let uniqueBytes = Set(unique.map(\.offset)).reduce(UInt64(0)) { sum, offset in
                sum + (unique.first { $0.offset == offset }?.storedSize ?? 0)
            }
            return TargetCost(name: record.name, format: record.format, toolchain: record.toolchain, images: mine.count,
                              storedBytes: mine.reduce(0) { $0 + $1.storedSize },
                              rawBytes: mine.reduce(0) { $0 + $1.rawSize }, uniqueStoredBytes: uniqueBytes)
        }
        totals = Totals(images: entries.count, distinctImages: byOffset.count,
                        storedBytes: byOffset.values.reduce(0) { $0 + $1[0].storedSize },
                        rawBytes: entries.reduce(0) { $0 + $1.rawSize }, fileBytes: reader.fileSize)
        shard = manifest.shard.map { "\($0.index)/\($0.count)" }
        signature = reader.signer.map { signer in
            Signature(signer: signer.fingerprint,
                      matches: (try? reader.requireSignature(trustedBy: TrustedKeys(keys: [signer]))) != nil)
        }
    }
}
