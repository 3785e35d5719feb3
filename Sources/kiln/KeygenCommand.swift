import ArgumentParser
import KilnBundle
import KilnCore

/// `kiln keygen -o KEY`: make a key pair for signing bundles.
struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Make an Ed25519 key pair for signing bundles: KEY (private, mode 0600) and KEY.pub.",
        discussion: "Give KEY to `kiln build --sign` or `kiln sign`; give KEY.pub to KILN_TRUSTED_KEYS or `kiln verify --trust` where bundles are run. Existing files are never replaced.")

    @Option(name: [.short, .long], help: "The private key file to write; the public key goes beside it with '.pub' added.")
    var output: String

    @OptionGroup var outputOptions: OutputOptions

    func run() throws {
        let key = try SigningKey()
        try key.write(to: output)
        if outputOptions.json {
            try outputOptions.printJSON(["privateKey": output, "publicKey": output + ".pub", "fingerprint": key.publicKey.fingerprint])
        } else {
            print("\(output.terminalSafe()): private key (keep it secret); \((output + ".pub").terminalSafe()): public key \(key.publicKey.fingerprint)")
        }
    }
}
