import KilnCore
import Testing

@Suite("KilnError")
struct KilnErrorTests {
    struct Foreign: Error, CustomStringConvertible {
        var description: String { "disk on fire" }
    }

    @Test("The throw site is recorded without the caller spelling it")
    func location() {
        let line = #line + 1
        let error = KilnError(.io, "cannot read 'x'")
        #expect(error.location.file == "KilnCoreTests/KilnErrorTests.swift")
        #expect(error.location.line == line)
        #expect(error.location.function == "location()")
    }

    @Test("The description is the user's sentence: no file or line")
    func description() {
        let error = KilnError(.io, "cannot read 'x' — check the path")
        #expect(error.description == "cannot read 'x' — check the path")
        #expect(!error.description.contains("KilnErrorTests.swift"))
        #expect(error.debugDescription.contains("KilnCoreTests/KilnErrorTests.swift:"))
    }

    @Test("Wrapping a foreign error keeps it as the cause and records the wrapping site")
    func wrapping() throws {
        let line = #line + 1
        let error = KilnError.wrapping(Foreign(), as: .io, "cannot write 'y'")
        #expect(error.code == .io)
        #expect(error.cause is Foreign)
        #expect(error.location.line == line)
        #expect(error.description == "cannot write 'y' (cause: disk on fire)")
    }

    @Test("Wrapping a KilnError returns it unchanged, so nothing is wrapped twice")
    func wrappingKilnError() {
        let inner = KilnError(.corruptBundle, "bundle 'b' is truncated")
        let error = KilnError.wrapping(inner, as: .io, "never used")
        #expect(error.code == .corruptBundle)
        #expect(error.message == inner.message)
        #expect(error.location == inner.location)
    }

    @Test("Causes form a chain down to the innermost error, each with its own site")
    func chain() throws {
        let innermost = Foreign()
        let middle = KilnError(.io, "cannot read the index", cause: innermost)
        let outer = KilnError(.corruptBundle, "bundle 'b': cannot read the index", cause: middle)
        #expect(outer.causes.count == 2)
        let first = try #require(outer.causes.first as? KilnError)
        #expect(first.location == middle.location)
        #expect(outer.causes.last is Foreign)
        #expect(outer.description == "bundle 'b': cannot read the index (cause: disk on fire)",
                "the middle error's message is already in the outer one; the innermost is not")
        #expect(outer.debugDescription.split(separator: "\n").count == 3)
    }
}
