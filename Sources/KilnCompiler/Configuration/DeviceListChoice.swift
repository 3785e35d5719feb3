import KilnCore

/// A build's device list and where it came from, chosen in one order: `--devices`, else
/// `KILN_AOT_DEVLIST`, else `"devices"` in the configuration file, else the shipping default.
///
/// An error in the list says where it came from — the option, the variable (and that it
/// overrides the file), or the file's line and column — so a user knows which one to edit.
public struct DeviceListChoice: Sendable, Equatable {
    /// Where a list came from.
    public enum Origin: Sendable, Equatable {
        /// `kiln build --devices`.
        case option
        /// `KILN_AOT_DEVLIST`.
        case environment
        /// `"devices"` in a configuration file, at `LINE:COLUMN`.
        case configuration(path: String, location: String)
        /// ``DeviceList/shippingDefault``.
        case shippingDefault
    }

    /// The list as written.
    public var text: String
    /// Where it came from.
    public var origin: Origin
    /// A configuration file's list that this one overrides, if any, for a note.
    public var overridden: (path: String, list: String)? {
        guard let configuration, let devices = configuration.devices, origin == .environment else { return nil }
        return (configuration.path, devices)
    }
    private var configuration: BuildConfiguration?

    /// Chooses the list: `option` (from `--devices`), else a non-empty `KILN_AOT_DEVLIST`, else the
    /// configuration's, else the default.
    public init(option: String?, environment: [String: String], configuration: BuildConfiguration?) {
        self.configuration = configuration
        if let option {
            (text, origin) = (option, .option)
        } else if let variable = environment["KILN_AOT_DEVLIST"], !variable.isEmpty {
            (text, origin) = (variable, .environment)
        } else if let configuration, let devices = configuration.devices {
            (text, origin) = (devices, .configuration(path: configuration.path, location: configuration.devicesLocation ?? "1:1"))
        } else {
            (text, origin) = (DeviceList.shippingDefault, .shippingDefault)
        }
    }

    /// Parses the list; an error says where the list came from.
    ///
    /// - Parameter native: This machine's targets, for `native`; nil where they are not known.
    /// - Throws: `DeviceList.parse`'s `KilnError`, its message placed: `kiln.json:1:13: error: …`
    ///   for the file, `… (from KILN_AOT_DEVLIST, …)` for the variable.
    public func parse(native: [Target]?) throws(KilnError) -> DeviceList {
        do throws(KilnError) {
            return try DeviceList.parse(text, native: native)
        } catch {
            var placed = error
            switch origin {
            case .option: placed.message += " (from --devices)"
            case .environment:
                placed.message += overridden.map { " (from KILN_AOT_DEVLIST, which overrides \"devices\" in \($0.path.quotable(limit: 200)); unset it to use the file's list)" }
                    ?? " (from KILN_AOT_DEVLIST)"
            case .configuration(let path, let location):
                placed.message = "\(path.quotable(limit: 200)):\(location): error: \(error.message) (from \"devices\" in this file)"
            case .shippingDefault: break
            }
            throw placed
        }
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.text == rhs.text && lhs.origin == rhs.origin
    }
}
