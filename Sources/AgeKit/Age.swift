/// The age file-encryption format (age-encryption.org/v1) with X25519 recipients.
///
/// AgeKit writes files that the `age` tool decrypts and decrypts files that `age` writes:
/// ``AgeEncryptor`` and ``AgeDecryptor`` stream, ``encrypt(_:to:)`` and ``decrypt(_:with:)``
/// work in memory. Keys are ``AgeIdentity`` (`AGE-SECRET-KEY-1…`) and ``AgeRecipient``
/// (`age1…`), read from the key files `age -i` and `age -R` read. All cryptography is
/// swift-crypto's: X25519, HKDF-SHA-256, HMAC-SHA-256 and ChaCha20-Poly1305.
///
/// Not supported: passphrase (scrypt), post-quantum (ML-KEM), SSH and plugin recipients,
/// and ASCII armor; each is reported as its own ``AgeError``.
public enum Age {
    /// The plaintext size of a payload chunk: 64 KiB.
    public static let chunkSize = Payload.chunkSize

    /// Encrypts bytes held in memory.
    /// - Parameters:
    ///   - plaintext: The bytes to encrypt.
    ///   - recipients: Who can decrypt them: one or more `age1…` recipients.
    /// - Returns: The age file.
    /// - Throws: ``AgeError/noRecipients`` or ``AgeError/keyMalformed(file:line:problem:)``
    ///   for a low-order recipient.
    public static func encrypt(_ plaintext: [UInt8], to recipients: [AgeRecipient]) throws(AgeError) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(plaintext.count + plaintext.count / Payload.chunkSize * Payload.tagSize + 256 * recipients.count)
        do {
            let encryptor = try AgeEncryptor(recipients: recipients) { output.append(contentsOf: $0) }
            try encryptor.update(plaintext)
            try encryptor.finish()
        } catch let error as AgeError {
            throw error
        } catch {
            preconditionFailure("an in-memory sink does not throw: \(error)")
        }
        return output
    }

    /// Decrypts an age file held in memory.
    /// - Parameters:
    ///   - ciphertext: The age file.
    ///   - identities: The identities to try.
    /// - Returns: The plaintext, returned only if the whole file authenticated.
    /// - Throws: ``AgeError``, as ``AgeDecryptor`` reports it.
    public static func decrypt(_ ciphertext: [UInt8], with identities: [AgeIdentity]) throws(AgeError) -> [UInt8] {
        do {
            return try AgeDecryptor(identities: identities, ciphertext: ciphertext).readToEnd()
        } catch let error as AgeError {
            throw error
        } catch {
            preconditionFailure("an in-memory source does not throw: \(error)")
        }
    }
}
