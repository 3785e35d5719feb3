import KilnCore

extension BundleWriter {
    /// The bundle's bytes, signed with a key (``BundleSignature``): the same inputs and key give
    /// the same bytes.
    ///
    /// - Throws: as ``serialize()``.
    public func serialize(signedWith key: SigningKey) throws(KilnError) -> [UInt8] {
        try BundleSignature.sign(serialize(), with: key)
    }

    /// Writes the bundle signed with a key, as ``write(to:)`` writes it unsigned.
    ///
    /// - Throws: as ``write(to:)``.
    public func write(to path: String, signedWith key: SigningKey) throws(KilnError) {
        try OutputFile.write(try serialize(signedWith: key), to: path, inputs: [], what: "bundle")
    }
}

extension BundleSignature {
    /// Signs the bundle at a path in place (written to a temporary file and renamed), after
    /// checking that it is a whole, undamaged bundle, and checks the result.
    ///
    /// - Returns: The signer's public key.
    /// - Throws: `KilnError.corruptBundle` for a damaged bundle; `.io` if it cannot be read or written.
    @discardableResult
    public static func signFile(_ path: String, with key: SigningKey) throws(KilnError) -> SigningPublicKey {
        let bytes = try InputFile.bytes(path, what: "bundle")
        _ = try unsigned(bytes)
        let signed = try sign(bytes, with: key)
        try OutputFile.write(signed, to: path, inputs: [], what: "bundle")
        let reader = try BundleReader.checked(path: path)
        try reader.requireSignature(trustedBy: TrustedKeys(keys: [key.publicKey]))
        return key.publicKey
    }
}
