import KilnCore

// How a manifest is read at run time: field by field from the parsed JSON, without Codable's
// generic machinery (containers, coding paths, dynamic casts, whose first use in a fresh process
// costs milliseconds of a program's start). Bundles are written by `CanonicalJSONEncoder` and the
// types stay `Codable`; `ManifestJSONTests` checks that this reading equals `JSONDecoder`'s for a
// manifest with every field set, so a field added to a record and not here fails a test.

/// A manifest field that is missing or of the wrong type, and where its object is.
struct ManifestFieldError: Error, CustomStringConvertible {
    let description: String
}

/// The members of one JSON object, read by key.
private struct Fields {
    let members: [LocatedJSON.Member]
    let location: LocatedJSON.Location

    init(_ value: LocatedJSON) throws(ManifestFieldError) {
        guard case .object(let members) = value.kind else {
            throw ManifestFieldError(description: "expected an object at \(value.location), found \(value.typeName)")
        }
        self.members = members
        location = value.location
    }

    /// The value of a key, or nil when it is absent or null.
    func optional(_ key: String) -> LocatedJSON? {
        guard let value = members.first(where: { $0.key == key })?.value else { return nil }
        if case .null = value.kind { return nil }
        return value
    }

    func required(_ key: String) throws(ManifestFieldError) -> LocatedJSON {
        guard let value = optional(key) else { throw ManifestFieldError(description: "the object at \(location) has no \"\(key)\"") }
        return value
    }

    func string(_ key: String) throws(ManifestFieldError) -> String { try Self.string(required(key)) }
    func optionalString(_ key: String) throws(ManifestFieldError) -> String? { try optional(key).map(Self.string) }
    func integer<T: FixedWidthInteger>(_ key: String, as type: T.Type = Int.self) throws(ManifestFieldError) -> T { try Self.integer(required(key)) }

    func array<T>(_ key: String, _ element: (LocatedJSON) throws(ManifestFieldError) -> T) throws(ManifestFieldError) -> [T] {
        try Self.array(required(key), element)
    }

    func optionalArray<T>(_ key: String, _ element: (LocatedJSON) throws(ManifestFieldError) -> T) throws(ManifestFieldError) -> [T]? {
        guard let value = optional(key) else { return nil }
        return try Self.array(value, element)
    }

    func stringMap(_ key: String) throws(ManifestFieldError) -> [String: String] {
        var map: [String: String] = [:]
        for member in try Fields(required(key)).members { map[member.key] = try Self.string(member.value) }
        return map
    }

    func value<T: RawRepresentable<String>>(_ key: String, as type: T.Type) throws(ManifestFieldError) -> T {
        let value = try required(key)
        guard let parsed = T(rawValue: try Self.string(value)) else {
            throw ManifestFieldError(description: "\"\(key)\" at \(value.location) is not a known \(T.self)")
        }
        return parsed
    }

    static func string(_ value: LocatedJSON) throws(ManifestFieldError) -> String {
        guard case .string(let text) = value.kind else { throw mismatch(value, "a string") }
        return text
    }

    static func integer<T: FixedWidthInteger>(_ value: LocatedJSON) throws(ManifestFieldError) -> T {
        guard case .number(let text) = value.kind else { throw mismatch(value, "a number") }
        guard let number = T(text, radix: 10) else { throw ManifestFieldError(description: "\(text) at \(value.location) is not a \(T.self)") }
        return number
    }

    static func array<T>(_ value: LocatedJSON, _ element: (LocatedJSON) throws(ManifestFieldError) -> T) throws(ManifestFieldError) -> [T] {
        guard case .array(let elements) = value.kind else { throw mismatch(value, "an array") }
        var result: [T] = []
        result.reserveCapacity(elements.count)
        for item in elements { result.append(try element(item)) }
        return result
    }

    static func mismatch(_ value: LocatedJSON, _ expected: String) -> ManifestFieldError {
        ManifestFieldError(description: "expected \(expected) at \(value.location), found \(value.typeName)")
    }
}

extension Manifest {
    /// Reads a manifest from its JSON text.
    ///
    /// - Throws: `LocatedJSON.SyntaxError` for text that is not strict JSON, `ManifestFieldError`
    ///   for a missing field or one of the wrong type.
    init(json bytes: [UInt8]) throws {
        let fields = try Fields(try LocatedJSON.parse(bytes))
        self.init(deviceList: try fields.string("deviceList"), modules: try fields.array("modules", ModuleRecord.init(json:)),
                  targets: try fields.array("targets", TargetRecord.init(json:)), toolchains: try fields.stringMap("toolchains"))
        shard = try fields.optional("shard").map(ShardRecord.init(json:))
    }
}

extension ModuleRecord {
    init(json value: LocatedJSON) throws(ManifestFieldError) {
        let fields = try Fields(value)
        self.init(name: try fields.string("name"), language: try fields.value("language", as: SourceLanguage.self),
                  sourceSHA256: try fields.string("sourceSHA256"), kernels: try fields.array("kernels", KernelRecord.init(json:)))
    }
}

extension KernelRecord {
    init(json value: LocatedJSON) throws(ManifestFieldError) {
        let fields = try Fields(value)
        self.init(name: try fields.string("name"), parameters: try fields.array("parameters", ParameterRecord.init(json:)),
                  symbol: try fields.optionalString("symbol"),
                  requiredWorkGroupSize: try fields.optionalArray("requiredWorkGroupSize") { (item) throws(ManifestFieldError) -> Int in try Fields.integer(item) },
                  targets: try fields.optionalArray("targets", Fields.string))
    }
}

extension ParameterRecord {
    init(json value: LocatedJSON) throws(ManifestFieldError) {
        let fields = try Fields(value)
        self.init(name: try fields.string("name"), type: try fields.string("type"), addressSpace: try fields.optionalString("addressSpace"))
    }
}

extension TargetRecord {
    init(json value: LocatedJSON) throws(ManifestFieldError) {
        let fields = try Fields(value)
        self.init(name: try fields.string("name"), format: try fields.value("format", as: ImageFormat.self),
                  toolchain: try fields.string("toolchain"), ptxISAVersion: try fields.optionalString("ptxISAVersion"),
                  ipVersion: try fields.optionalString("ipVersion"), hostString: try fields.optionalString("hostString"))
    }
}

extension ShardRecord {
    init(json value: LocatedJSON) throws(ManifestFieldError) {
        let fields = try Fields(value)
        self.init(index: try fields.integer("index"), count: try fields.integer("count"), inputs: try fields.string("inputs"),
                  compressionLevel: try fields.integer("compressionLevel", as: Int32.self), plannedImages: try fields.integer("plannedImages"),
                  moduleOrder: try fields.array("moduleOrder", Fields.string),
                  plannedTargets: try fields.array("plannedTargets", TargetRecord.init(json:)),
                  images: try fields.array("images", ShardImageRecord.init(json:)))
    }
}

extension ShardImageRecord {
    init(json value: LocatedJSON) throws(ManifestFieldError) {
        let fields = try Fields(value)
        self.init(module: try fields.string("module"), target: try fields.string("target"), toolchain: try fields.string("toolchain"),
                  kernels: try fields.array("kernels", Fields.string), symbols: try fields.stringMap("symbols"),
                  ptxISAVersion: try fields.optionalString("ptxISAVersion"), hostString: try fields.optionalString("hostString"))
    }
}
