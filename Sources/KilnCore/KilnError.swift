/// The one error type that Kiln throws.
///
/// Every error names the input it is about and, where there is one, the fix.
/// Callers match on ``code``; the message is for people.
public struct KilnError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public var code: Code
    /// A sentence that names the input and says what to do.
    public var message: String
    /// A lower-level error that led to this one, if any.
    public var cause: (any Error & Sendable)?

    /// Creates an error.
    public init(_ code: Code, _ message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String {
        guard let cause else { return message }
        return "\(message) (cause: \(cause))"
    }
}

extension KilnError {
    /// The kind of a ``KilnError``; new codes can be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Sendable {
            case invalidDeviceList
            case unknownDevice
            case corruptBundle
            case unsupportedBundleVersion
            case imageNotFound
            case noCompatibleImage
            case jitForbidden
            case io
            case invalidArgument
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// A device list that cannot be parsed, or that is empty.
        public static let invalidDeviceList = Code(.invalidDeviceList)
        /// A device or target name that Kiln does not know.
        public static let unknownDevice = Code(.unknownDevice)
        /// A bundle whose bytes are truncated, damaged or hostile.
        public static let corruptBundle = Code(.corruptBundle)
        /// A bundle written in a format version this Kiln cannot read.
        public static let unsupportedBundleVersion = Code(.unsupportedBundleVersion)
        /// A module or target that a bundle does not hold.
        public static let imageNotFound = Code(.imageNotFound)
        /// No image in the bundle can serve the device.
        public static let noCompatibleImage = Code(.noCompatibleImage)
        /// The JIT policy forbids the compile that would serve the device.
        public static let jitForbidden = Code(.jitForbidden)
        /// A file could not be read or written.
        public static let io = Code(.io)
        /// An argument outside what the API accepts.
        public static let invalidArgument = Code(.invalidArgument)

        public var description: String { value.rawValue }
    }
}
