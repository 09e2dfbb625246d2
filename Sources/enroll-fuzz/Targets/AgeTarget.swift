import AgeKit

/// The age decryptor (age-encryption.org/v1): header, stanzas, MAC and STREAM payload; the
/// identity and recipients file readers too. An input that starts with an
/// `AGE-SECRET-KEY-1…` line is decrypted with that identity (so the age test vectors, each
/// with its own identity, are seeds that reach the payload), any other with the fuzz identity.
enum AgeTarget {
    static let target = FuzzTarget(name: "age", summary: "AgeDecryptor on ciphertext; identity and recipients files") { input in
        var bytes = Array(input)
        var identities = [FuzzKeys.identity]
        if bytes.starts(with: Array("AGE-SECRET-KEY-1".utf8)), let newline = bytes.firstIndex(of: 0x0A),
           let line = String(validating: bytes[..<newline], as: UTF8.self),
           let identity = try? AgeIdentity(string: line) {
            identities = [identity]
            bytes = Array(bytes[(newline + 1)...])
        }
        if let decryptor = try? AgeDecryptor(identities: identities, ciphertext: bytes) {
            var total = 0
            while let chunk = try? decryptor.nextChunk() {
                total += chunk.count
                fuzzInvariant(total <= bytes.count, "more plaintext than ciphertext")
            }
        }
        if let text = String(validating: Array(input), as: UTF8.self) {
            _ = try? AgeIdentity.parseIdentityFile(text, file: "fuzz.age")
            _ = try? AgeRecipient.parseRecipientsFile(text, file: "fuzz.age.pub")
        }
    }
}
