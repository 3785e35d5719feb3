#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import KilnBundle
import KilnCore
import KilnCache

/// A build's configuration file, `kiln.json`, read when the build runs (`kiln build --config
/// FILE`), so an edit takes effect on the next build — the build plugin passes the file's path
/// instead of reading it while SwiftPM plans.
///
/// ```json
/// {"devices": "sm_90,pvc,native", "defines": ["TILE=16", "USE_FMA"], "includes": ["include"]}
/// ```
///
/// Every key is optional. `devices` is a device list (`kiln targets` shows the names);
/// `defines` are macros, as `-D` takes them; `includes` are folders for quoted includes, as `-I`
/// takes them, relative to the file's own folder; `remoteCache` is a remote cache's base URL
/// (`KILN_REMOTE_CACHE`, which wins when set, says the same). Errors name the file, line and column, as a
/// compiler does: `kiln.json:1:13: error: …`.
public struct BuildConfiguration: Sendable, Equatable {
    /// The file's path, as given.
    public var path: String
    /// The device list, if the file has one.
    public var devices: String?
    /// Where the device list's value starts (`LINE:COLUMN`), for messages about it.
    public var devicesLocation: String?
    /// Macros, `NAME` or `NAME=VALUE`.
    public var defines: [String]
    /// Include folders, resolved against the file's folder.
    public var includeDirectories: [String]
    /// The remote cache's base URL, if the file names one.
    public var remoteCache: String?

    /// The keys the file may hold.
    public static let keys = ["devices", "defines", "includes", "remoteCache"]

    /// Reads and checks a configuration file.
    ///
    /// - Throws: `KilnError.invalidArgument` with a message `PATH:LINE:COLUMN: error: …` for a file
    ///   that is not JSON, an unknown key, a value of the wrong type, a macro that is not a C
    ///   name or an include folder that does not exist; `KilnError.io` for a file that cannot be read.
    public init(path: String) throws(KilnError) {
        let bytes = try InputFile.bytes(path, what: "configuration file")
        try self.init(bytes: bytes, path: path)
    }

    /// Checks a configuration file's bytes; `path` names it in messages and anchors `includes`.
    public init(bytes: [UInt8], path: String) throws(KilnError) {
        self.path = path
        devices = nil
        defines = []
        includeDirectories = []
        let root: LocatedJSON
        do {
            root = try LocatedJSON.parse(bytes)
        } catch {
            throw Self.error(path, error.location, "\(error.message) — the file must be a JSON object like {\"devices\": \"sm_90,pvc\"}")
        }
        guard case .object(let members) = root.kind else {
            throw Self.error(path, root.location, "the file holds \(root.typeName); it must be a JSON object like {\"devices\": \"sm_90,pvc\"}")
        }
        let folder = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? ""
        for (key, keyLocation, value) in members {
            guard Self.keys.contains(key) else {
                let suggestion = Self.keys.first { $0.hasPrefix(key.lowercased().prefix(3)) }.map { " — did you mean \"\($0)\"?" } ?? ""
                throw Self.error(path, keyLocation, "unknown key \"\(key.quotable())\"\(suggestion) (kiln.json takes \(Self.keys.map { "\"\($0)\"" }.joined(separator: ", ")))")
            }
            switch key {
            case "devices":
                guard case .string(let list) = value.kind else {
                    throw Self.error(path, value.location, "\"devices\" is \(value.typeName); it must be a string, e.g. \"sm_90,pvc,native\"")
                }
                devices = list
                devicesLocation = value.location.description
            case "defines":
                for (define, location) in try Self.strings(value, key: key, path: path, example: "[\"TILE=16\", \"USE_FMA\"]") {
                    do throws(KilnError) {
                        try SourceOptions(defines: [define]).validate()
                    } catch {
                        throw Self.error(path, location, error.message)
                    }
                    defines.append(define)
                }
            case "remoteCache":
                guard case .string(let url) = value.kind else {
                    throw Self.error(path, value.location, "\"remoteCache\" is \(value.typeName); it must be a string, e.g. \"http://cache.example:8080/kiln\"")
                }
                do throws(KilnError) {
                    remoteCache = try RemoteCacheConfiguration.checkedURL(url, setting: "\"remoteCache\"")
                } catch {
                    throw Self.error(path, value.location, error.message)
                }
            default:  // "includes"
                for (include, location) in try Self.strings(value, key: key, path: path, example: "[\"include\"]") {
                    let resolved = include.hasPrefix("/") || folder.isEmpty ? include : folder + "/" + include
                    guard (try? FileStatus.of(resolved, followingLinks: true))??.kind == .directory else {
                        throw Self.error(path, location, "include folder '\(include.quotable())' (\(resolved.quotable(limit: 200))) is not a folder — \"includes\" are folders relative to the file's own folder")
                    }
                    includeDirectories.append(resolved)
                }
            }
        }
    }

    /// The options this file gives, with `-D`/`-I` from the command line added: a command-line
    /// macro replaces the file's macro of the same name, and command-line folders are searched first.
    public func sourceOptions(adding options: SourceOptions) -> SourceOptions {
        let overridden = Set(options.defines.map { $0.prefix { $0 != "=" } })
        return SourceOptions(defines: defines.filter { !overridden.contains($0.prefix { $0 != "=" }) } + options.defines,
                             includeDirectories: options.includeDirectories + includeDirectories)
    }

    /// The strings of an array value, each with its location.
    private static func strings(_ value: LocatedJSON, key: String, path: String, example: String) throws(KilnError) -> [(String, LocatedJSON.Location)] {
        guard case .array(let elements) = value.kind else {
            throw error(path, value.location, "\"\(key)\" is \(value.typeName); it must be an array of strings, e.g. \(example)")
        }
        return try elements.map { element throws(KilnError) in
            guard case .string(let text) = element.kind else {
                throw error(path, element.location, "an element of \"\(key)\" is \(element.typeName); each must be a string, e.g. \(example)")
            }
            return (text, element.location)
        }
    }

    /// An error about the file, as a compiler writes one: `PATH:LINE:COLUMN: error: MESSAGE`.
    static func error(_ path: String, _ location: LocatedJSON.Location, _ message: String) -> KilnError {
        KilnError(.invalidArgument, "\(path.quotable(limit: 200)):\(location): error: \(message)")
    }
}
