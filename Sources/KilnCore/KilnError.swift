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
            case driverUnavailable
            case noDevice
            case driverError
            case invalidLaunch
            case unsupported
            case toolchainUnavailable
            case compilationFailed
            case cacheRefused
            case untrustedBundle
            case bufferOverrun
            case timedOut
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
        /// A vendor driver (libcuda, an OpenCL ICD) that is not installed, too old, or incomplete.
        public static let driverUnavailable = Code(.driverUnavailable)
        /// A driver that is installed but finds no device it can use.
        public static let noDevice = Code(.noDevice)
        /// A driver call that failed; the cause is the driver's own status.
        public static let driverError = Code(.driverError)
        /// A kernel launch whose arguments or dimensions do not fit the kernel.
        public static let invalidLaunch = Code(.invalidLaunch)
        /// An operation this build of Kiln does not offer yet.
        public static let unsupported = Code(.unsupported)
        /// A compiler Kiln needs (NVRTC, ocloc, PoCL) is missing or unusable.
        public static let toolchainUnavailable = Code(.toolchainUnavailable)
        /// A kernel did not compile; the message carries the compiler's log.
        public static let compilationFailed = Code(.compilationFailed)
        /// A cache folder that is unsafe to use (others can write to it).
        public static let cacheRefused = Code(.cacheRefused)
        /// A bundle refused under trusted keys: unsigned, signed by a key not trusted, or altered since it was signed.
        public static let untrustedBundle = Code(.untrustedBundle)
        /// A kernel wrote outside a buffer, caught by the guard regions of the checked mode (`KILN_CHECKED=1`).
        public static let bufferOverrun = Code(.bufferOverrun)
        /// A child process (a compiler) that ran past its time limit and was stopped.
        public static let timedOut = Code(.timedOut)

        public var description: String { value.rawValue }
    }
}
