import ArgumentParser
import KilnBundle
import KilnCore

/// `kiln sign FILE --key KEY`: sign a bundle in place.
struct SignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Sign a bundle with a private key, replacing any signature it has.",
        discussion: "Signing is deterministic: the same bundle and key give the same bytes. Runs that trust the key's public key (KILN_TRUSTED_KEYS, `kiln verify --trust`) refuse the bundle if any byte changes afterwards.")

    @Argument(help: "The .kiln bundle to sign.")
    var file: String

    @Option(name: .long, help: "The private key file that `kiln keygen` wrote.")
    var key: String

    @OptionGroup var output: OutputOptions

    func run() throws {
        let signer = try BundleSignature.signFile(file, with: SigningKey(file: key))
        if output.json {
            try output.printJSON(["bundle": file, "signer": signer.fingerprint])
        } else {
            print("\(file.terminalSafe()): signed by \(signer.fingerprint)")
        }
    }
}
