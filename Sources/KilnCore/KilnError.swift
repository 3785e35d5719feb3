/// The one error type that Kiln throws.
///
/// Every error names the input it is about and, where there is one, the fix.
/// Callers match on ``code``; the message is for people.
public struct KilnError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// What kind of failure this is.
    public var code: Code
    /// A sentence that names the input and says what to do.
    public var message: String
    /// A lower-level error that led to this one, if any; a `KilnError` cause has its own, so the
    /// causes form a chain (``causes``).
    public var cause: (any Error & Sendable)?
    /// Where in Kiln's source the error was made, for logs and bug reports; never part of ``description``.
    public var location: SourceLocation

    /// Creates an error; the source location is taken from the call site.
    ///
    /// - Parameters:
    ///   - code: What kind of failure this is.
    ///   - message: A sentence that names the input and says what to do.
    ///   - cause: The lower-level error that led to this one, kept so that nothing is lost when an error is wrapped.
    ///   - function: The function that makes the error; leave it to the default.
    ///   - file: The file that makes the error; leave it to the default.
    ///   - line: The line that makes the error; leave it to the default.
    public init(_ code: Code, _ message: String, cause: (any Error & Sendable)? = nil,
                function: String = #function, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.message = message
        self.cause = cause
        self.location = SourceLocation(function: function, file: file, line: line)
    }

    /// The message, then each cause of the chain in parentheses where the text does not already
    /// say it: what a person reads. The source location is not part of it (``debugDescription`` has it).
    public var description: String {
        var text = message
        for error in causes {
            let said = (error as? KilnError)?.message ?? String(describing: error)
            if !text.contains(said) { text += " (cause: \(said))" }
        }
        return text
    }

    /// A foreign error as a `KilnError` whose cause it is; a `KilnError` is returned as it is, so
    /// nothing is wrapped twice.
    ///
    /// - Parameters:
    ///   - error: The error that was caught.
    ///   - code: The code of the new error.
    ///   - message: The new error's message, naming the input and the fix.
    ///   - function: The function that makes the error; leave it to the default.
    ///   - file: The file that makes the error; leave it to the default.
    ///   - line: The line that makes the error; leave it to the default.
    /// - Returns: `error` itself if it is a `KilnError`, else a new error of `code` with `error` as its cause.
    public static func wrapping(_ error: any Error, as code: Code, _ message: @autoclosure () -> String,
                                function: String = #function, file: String = #fileID, line: Int = #line) -> KilnError {
        if let error = error as? KilnError { return error }
        return KilnError(code, message(), cause: error, function: function, file: file, line: line)
    }

    /// Runs a body whose throws are untyped (a rethrowing library call, a Foundation API) and gives
    /// its error as a `KilnError`: a `KilnError` passes through; any other becomes `code`, with
    /// `doing` and the error's words as the message and the error kept as the cause.
    ///
    /// - Parameters:
    ///   - code: The code for an error that is not already a `KilnError`.
    ///   - doing: What was being done, naming the input (`"reading 'k.cl'"`), for such an error.
    ///   - function: The function that makes the error; leave it to the default.
    ///   - file: The file that makes the error; leave it to the default.
    ///   - line: The line that makes the error; leave it to the default.
    ///   - body: The work.
    /// - Returns: What `body` returns.
    public static func catching<T>(_ code: Code, _ doing: @autoclosure () -> String,
                                   function: String = #function, file: String = #fileID, line: Int = #line,
                                   _ body: () throws -> T) throws(KilnError) -> T {
        do { return try body() } catch {
            throw wrapping(error, as: code, "\(doing()): \(error)", function: function, file: file, line: line)
        }
    }

    /// Every error of the chain, this one's cause first, down to the innermost: a `KilnError`
    /// cause is followed by its own cause.
    public var causes: [any Error & Sendable] {
        var chain: [any Error & Sendable] = []
        var next = cause
        while let error = next {
            chain.append(error)
            next = (error as? KilnError)?.cause
        }
        return chain
    }

    /// The error for logs: code, message and throw site, then each cause with its own site where it has one.
    public var debugDescription: String {
        var lines = ["\(code) at \(location): \(message)"]
        for error in causes {
            if let inner = error as? KilnError {
                lines.append("caused by \(inner.code) at \(inner.location): \(inner.message)")
            } else {
                lines.append("caused by \(type(of: error)): \(error)")
            }
        }
        return lines.joined(separator: "\n")
    }
}

extension KilnError {
    /// A place in Kiln's source, as NIO's `FileSystemError.SourceLocation` records it; only
    /// ``KilnError`` makes one.
    public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
        /// The function the error was made in.
        public var function: String
        /// The file, as `#fileID` gives it (`KilnCore/DeviceList.swift`).
        public var file: String
        /// The line in ``file``.
        public var line: Int

        /// `file:line`.
        public var description: String { "\(file):\(line)" }
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

        /// The code whose ``description`` is `name` (as `--json` errors print it), or nil.
        public init?(named name: String) {
            guard let value = Value(rawValue: name) else { return nil }
            self.value = value
        }
    }
}
