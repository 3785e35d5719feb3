import Foundation
import KilnCompiler
import KilnCore
import Testing

/// `kiln.json`: its keys, its errors (placed at line and column) and how it ranks against the
/// option and the variable.
@Suite("kiln.json")
struct BuildConfigurationTests {
    static func configuration(_ text: String, path: String = "kiln.json") throws -> BuildConfiguration {
        try BuildConfiguration(bytes: Array(text.utf8), path: path)
    }

    static func message(_ text: String) -> String {
        do {
            _ = try configuration(text)
            return "no error"
        } catch {
            return (error as? KilnError)?.message ?? "\(error)"
        }
    }

    @Test("reads devices, defines and includes; includes are relative to the file's folder")
    func reads() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-config-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder + "/inc", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let config = try Self.configuration("""
            {
              "devices": "cpu,pvc",
              "defines": ["TILE=16", "USE_FMA"],
              "includes": ["inc"]
            }
            """, path: folder + "/kiln.json")
        #expect(config.devices == "cpu,pvc")
        #expect(config.devicesLocation == "2:14")
        #expect(config.defines == ["TILE=16", "USE_FMA"])
        #expect(config.includeDirectories == [folder + "/inc"])
    }

    @Test("remoteCache names the remote cache's base URL")
    func remoteCache() throws {
        #expect(try Self.configuration("{\"remoteCache\": \"http://cache.example:8080/kiln/\"}").remoteCache == "http://cache.example:8080/kiln")
        #expect(try Self.configuration("{}").remoteCache == nil)
    }

    @Test("every key is optional, and a byte-order mark is fine")
    func empty() throws {
        let config = try BuildConfiguration(bytes: [0xEF, 0xBB, 0xBF] + Array("{}".utf8), path: "kiln.json")
        #expect(config.devices == nil && config.defines.isEmpty && config.includeDirectories.isEmpty)
    }

    @Test("errors say file, line and column as a compiler does", arguments: [
        ("{\"devices\": \"cpu\",}", "kiln.json:1:19: error: expected a key in double quotes"),
        ("{\n  \"devices\": 5\n}", "kiln.json:2:14: error: \"devices\" is a number; it must be a string"),
        ("{\"device\": \"cpu\"}", "kiln.json:1:2: error: unknown key \"device\" — did you mean \"devices\"?"),
        ("{\"defines\": \"TILE=16\"}", "kiln.json:1:13: error: \"defines\" is a string; it must be an array of strings"),
        ("{\"defines\": [\"TILE=16\", 3]}", "kiln.json:1:25: error: an element of \"defines\" is a number"),
        ("{\"defines\": [\"9LIVES\"]}", "kiln.json:1:14: error: -D \"9LIVES\": \"9LIVES\" is not a macro name"),
        ("{\"includes\": [\"no-such-folder\"]}", "kiln.json:1:15: error: include folder 'no-such-folder'"),
        ("[\"cpu\"]", "kiln.json:1:1: error: the file holds an array; it must be a JSON object"),
        ("{'devices': 'cpu'}", "kiln.json:1:2: error: expected a key in double quotes"),
        ("{\"devices\": \"cpu\"} x", "kiln.json:1:20: error: unexpected text after the JSON value"),
        ("{\"devices\": \"cpu", "kiln.json:1:17: error: the file ends inside a string"),
        ("{\"devices\": \"a\", \"devices\": \"b\"}", "kiln.json:1:18: error: \"devices\" appears twice"),
        ("{\"remoteCache\": 80}", "kiln.json:1:17: error: \"remoteCache\" is a number; it must be a string"),
        ("{\"remoteCache\": \"cache:8080\"}", "kiln.json:1:17: error: \"remoteCache\"='cache:8080' is not an http:// or https:// URL"),
    ])
    func errors(_ text: String, _ expected: String) {
        let message = Self.message(text)
        #expect(message.hasPrefix(expected), "\(message)")
    }

    @Test("escapes and non-ASCII text in strings are decoded")
    func strings() throws {
        let config = try Self.configuration(#"{"defines": ["GREETING=\"h\u00e9\"", "PI=3.14\t"]}"#)
        #expect(config.defines == ["GREETING=\"hé\"", "PI=3.14\t"])
    }

    @Test("precedence: --devices, then KILN_AOT_DEVLIST, then the file, then the default")
    func precedence() throws {
        let config = try Self.configuration(#"{"devices": "cpu"}"#)
        let variable = ["KILN_AOT_DEVLIST": "pvc"]
        #expect(DeviceListChoice(option: "sm_90", environment: variable, configuration: config).text == "sm_90")
        #expect(DeviceListChoice(option: "sm_90", environment: variable, configuration: config).origin == .option)
        let fromVariable = DeviceListChoice(option: nil, environment: variable, configuration: config)
        #expect(fromVariable.text == "pvc" && fromVariable.origin == .environment)
        #expect(fromVariable.overridden?.list == "cpu")
        let fromFile = DeviceListChoice(option: nil, environment: ["KILN_AOT_DEVLIST": ""], configuration: config)
        #expect(fromFile.text == "cpu" && fromFile.origin == .configuration(path: "kiln.json", location: "1:13"))
        #expect(fromFile.overridden == nil)
        let fallback = DeviceListChoice(option: nil, environment: [:], configuration: try Self.configuration("{}"))
        #expect(fallback.text == DeviceList.shippingDefault && fallback.origin == .shippingDefault)
    }

    @Test("a bad list says where it came from")
    func placedErrors() throws {
        let config = try Self.configuration(#"{"devices": "cpu,pvcc"}"#)
        let file = try #require(throws: KilnError.self) {
            try DeviceListChoice(option: nil, environment: [:], configuration: config).parse(native: nil)
        }
        #expect(file.message.hasPrefix("kiln.json:1:13: error: device list 'cpu,pvcc': unknown device 'pvcc'"), "\(file.message)")
        let variable = try #require(throws: KilnError.self) {
            try DeviceListChoice(option: nil, environment: ["KILN_AOT_DEVLIST": "ats-m15"], configuration: config).parse(native: nil)
        }
        #expect(variable.message.contains("(from KILN_AOT_DEVLIST, which overrides \"devices\" in kiln.json"), "\(variable.message)")
        let option = try #require(throws: KilnError.self) {
            try DeviceListChoice(option: "ats-m15", environment: [:], configuration: nil).parse(native: nil)
        }
        #expect(option.message.hasSuffix("(from --devices)"), "\(option.message)")
    }

    @Test("-D replaces the file's macro of the same name; -I folders come first")
    func merging() throws {
        var config = try Self.configuration(#"{"defines": ["TILE=16", "USE_FMA"]}"#)
        config.includeDirectories = ["/from-file"]
        let merged = config.sourceOptions(adding: SourceOptions(defines: ["TILE=32"], includeDirectories: ["/from-option"]))
        #expect(merged.defines == ["USE_FMA", "TILE=32"])
        #expect(merged.includeDirectories == ["/from-option", "/from-file"])
    }
}
