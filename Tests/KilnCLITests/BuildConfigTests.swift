import Foundation
import KilnBundle
import KilnTestSupport
import Testing

/// `kiln build --config kiln.json`: the file is read when the build runs, so an edit shows in the
/// next bundle, and its errors are placed at the file's line and column.
@Suite("kiln build --config")
struct BuildConfigTests {
    /// A folder with a kernel that includes `inc/scale.h` and uses the macro `SCALE`.
    static func project() throws -> String {
        let folder = try SpecialFiles.folder()
        try FileManager.default.createDirectory(atPath: folder + "/inc", withIntermediateDirectories: true)
        try "#define FACTOR (SCALE * 2)\n".write(toFile: folder + "/inc/scale.h", atomically: false, encoding: .utf8)
        try "#include \"scale.h\"\nkernel void scale(global float* x) { x[get_global_id(0)] *= FACTOR; }\n"
            .write(toFile: folder + "/k.cl", atomically: false, encoding: .utf8)
        return folder
    }

    static func write(_ json: String, in folder: String) throws {
        try json.write(toFile: folder + "/kiln.json", atomically: false, encoding: .utf8)
    }

    static func build(_ folder: String, _ extra: [String] = [], environment: [String: String] = [:]) async throws -> KilnProcess.Outcome {
        try await KilnProcess.run(["build", folder + "/k.cl", "--config", folder + "/kiln.json", "-o", folder + "/app.kiln", "--no-cache"] + extra,
                            environment: ["KILN_AOT_DEVLIST": ""].merging(environment) { $1 }, limit: .seconds(120))
    }

    @Test("devices, defines and includes come from the file, and an edit shows in the next build")
    func readsAtBuildTime() async throws {
        let folder = try Self.project()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Self.write(#"{"devices": "none", "defines": ["SCALE=3"], "includes": ["inc"]}"#, in: folder)
        let first = try await Self.build(folder)
        #expect(first.status == 0, "\(first.stderr)")
        let reader = try BundleReader(path: folder + "/app.kiln")
        #expect(try reader.manifest().deviceList == "none")
        let source = String(decoding: try reader.image(module: "k", target: "source"), as: UTF8.self)
        #expect(source.contains("#define SCALE 3") && source.contains("#define FACTOR (SCALE * 2)"), "\(source)")

        try Self.write(#"{"devices": "none,no-ptx", "defines": ["SCALE=5"], "includes": ["inc"]}"#, in: folder)
        let second = try await Self.build(folder, ["-D", "EXTRA", "-DJOINED=7"])
        #expect(second.status == 0, "\(second.stderr)")
        let edited = try BundleReader(path: folder + "/app.kiln")
        #expect(try edited.manifest().deviceList == "none,no-ptx")
        let text = String(decoding: try edited.image(module: "k", target: "source"), as: UTF8.self)
        #expect(text.contains("#define SCALE 5") && text.contains("#define EXTRA 1"), "\(text)")
        #expect(text.contains("#define JOINED 7"), "-DNAME=VALUE, joined as compilers take it: \(text)")
    }

    @Test("--devices beats KILN_AOT_DEVLIST, which beats the file; each error says where the list came from")
    func precedence() async throws {
        let folder = try Self.project()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Self.write("{\n  \"devices\": \"cpu,pvcc\",\n  \"defines\": [\"SCALE=1\"], \"includes\": [\"inc\"]\n}\n", in: folder)
        let file = try await Self.build(folder)
        #expect(file.status != 0)
        #expect(file.stderr.hasPrefix(folder + "/kiln.json:2:14: error: device list 'cpu,pvcc': unknown device 'pvcc'"), "\(file.stderr)")
        let variable = try await Self.build(folder, environment: ["KILN_AOT_DEVLIST": "ats-m15"])
        #expect(variable.status != 0)
        #expect(variable.stderr.contains("(from KILN_AOT_DEVLIST, which overrides \"devices\" in \(folder)/kiln.json"), "\(variable.stderr)")
        let option = try await Self.build(folder, ["--devices", "none"], environment: ["KILN_AOT_DEVLIST": "ats-m15"])
        #expect(option.status == 0, "\(option.stderr)")
        #expect(try BundleReader(path: folder + "/app.kiln").manifest().deviceList == "none")
    }

    @Test("a file that is not valid kiln.json fails before anything compiles, with the place")
    func invalid() async throws {
        let folder = try Self.project()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Self.write(#"{"devices": "none", "include": ["inc"]}"#, in: folder)
        let run = try await Self.build(folder)
        #expect(run.status != 0)
        #expect(run.stderr.hasPrefix(folder + "/kiln.json:1:21: error: unknown key \"include\" — did you mean \"includes\"?"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/app.kiln"))
        let json = try await KilnProcess.run(["build", folder + "/k.cl", "--config", folder + "/kiln.json", "-o", folder + "/app.kiln", "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stderr.utf8)) as? [String: [String: String]]
        #expect(object?["error"]?["code"] == "invalidArgument")
        let missing = try await KilnProcess.run(["build", folder + "/k.cl", "--config", folder + "/nope.json", "-o", folder + "/app.kiln"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("nope.json"), "\(missing.stderr)")
    }
}
