import KilnCore

/// What happened when a module was resolved and loaded on a device: the report that
/// `kiln verify` and `kiln devices` show.
public struct ResolutionRecord: Sendable, Codable, Equatable {
    /// The module's name.
    public var module: String
    /// The device's name.
    public var device: String
    /// The path taken: `aot`, `aot-compatible`, `jit` or `jit-cached`.
    public var path: ResolutionPath
    /// The target whose image was used.
    public var target: String
    /// The SHA-256 of the bundle's image that was used, in hexadecimal.
    public var imageSHA256: String
    /// Seconds from the start of resolution until the module was loaded.
    public var seconds: Double
    /// Why this image, in words.
    public var reason: String

    /// Creates a record.
    public init(module: String, device: String, path: ResolutionPath, target: String, imageSHA256: String,
                seconds: Double, reason: String) {
        self.module = module
        self.device = device
        self.path = path
        self.target = target
        self.imageSHA256 = imageSHA256
        self.seconds = seconds
        self.reason = reason
    }
}
