import Testing
import KilnCore

@Suite("JITPolicy")
struct JITPolicyTests {
    @Test("an unset or empty KILN_JIT means auto", arguments: [
        [:], ["KILN_JIT": ""], ["KILN_AOT_DEVLIST": "pvc", "KILN_JITTER": "never"],
    ] as [[String: String]])
    func unsetIsAuto(environment: [String: String]) throws {
        #expect(try JITPolicy(environment: environment) == .auto)
    }

    @Test("KILN_JIT names a policy, in any case", arguments: [
        ("auto", JITPolicy.auto), ("never", .never), ("always", .always),
        ("AUTO", .auto), ("Never", .never), ("ALWAYS", .always), ("nEvEr", .never),
    ])
    func value(text: String, policy: JITPolicy) throws {
        #expect(try JITPolicy(environment: ["KILN_JIT": text]) == policy)
    }

    @Test("any other value is an invalid argument that names it and the choices", arguments: [
        "sometimes", "0", "1", "off", " never", "never ", "auto,never", "aot",
    ])
    func invalidValue(text: String) throws {
        let error = try #require(throws: KilnError.self) { try JITPolicy(environment: ["KILN_JIT": text]) }
        #expect(error.code == .invalidArgument)
        #expect(error.message.contains("KILN_JIT='\(text)'"))
        #expect(error.message.contains("auto, never or always"))
    }
}
