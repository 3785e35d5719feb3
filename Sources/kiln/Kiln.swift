import ArgumentParser
import KilnCore

/// The `kiln` command: compiles compute kernels ahead of time and explains what runs where.
@main
struct Kiln: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiln",
        abstract: "Compile compute kernels ahead of time for a list of devices, and explain what each device will load.",
        version: KilnVersion.current,
        subcommands: [BuildCommand.self, TargetsCommand.self, InspectCommand.self, ExplainCommand.self, DevicesCommand.self, VerifyCommand.self, CacheCommand.self]
    )
}
