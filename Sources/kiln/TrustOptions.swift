import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import KilnBundle
import KilnCore

/// `--trust`, shared by the commands that load a bundle's images (`verify`, `cache warm`): the
/// public keys one of which must have signed the bundle.
struct TrustOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Refuse the bundle unless this public key signed it (repeatable; default: KILN_TRUSTED_KEYS).", valueName: "key.pub"))
    var trust: [String] = []

    /// The keys `--trust` names, else those `KILN_TRUSTED_KEYS` names (none when it is unset).
    func keys() throws(KilnError) -> TrustedKeys {
        trust.isEmpty ? try TrustedKeys(environment: ProcessInfo.processInfo.environment) : try TrustedKeys(files: trust)
    }
}
