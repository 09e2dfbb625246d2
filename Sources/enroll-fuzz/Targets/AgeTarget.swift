import AgeKit

/// The age decryptor (age-encryption.org/v1): header, stanzas, MAC and STREAM payload; the
/// identity and recipients file readers too. An input that starts with an
/// `AGE-SECRET-KEY-1…` line is decrypted with that identity (so the age test vectors, each
/// with its own identity, are seeds that reach the payload), any other with the fuzz identity.
/// The random-access view the parts of an extraction read must agree with the stream exactly.
enum AgeTarget {
    static let target = FuzzTarget(name: "age", summary: "AgeDecryptor and the random-access view on ciphertext; identity and recipients files") { input in
        var bytes = Array(input)
        var identities = [FuzzKeys.identity]
        if bytes.starts(with: Array("AGE-SECRET-KEY-1".utf8)), let newline = bytes.firstIndex(of: 0x0A),
           let line = String(validating: bytes[..<newline], as: UTF8.self),
           let identity = try? AgeIdentity(string: line) {
            identities = [identity]
            bytes = Array(bytes[(newline + 1)...])
        }
        // The stream's verdict: the whole plaintext, or nil when it fails anywhere.
        var streamed: [UInt8]?
        if let decryptor = try? AgeDecryptor(identities: identities, ciphertext: bytes) {
            var released: [UInt8] = []
            do {
                while let chunk = try decryptor.nextChunk() {
                    released += chunk
                    fuzzInvariant(released.count <= bytes.count, "more plaintext than ciphertext")
                }
                streamed = released
            } catch {}
        }
        // The random-access view (extraction in parts) accepts exactly what the stream
        // accepts, and reads exactly its plaintext, here in reads that straddle chunks.
        let ciphertext = bytes
        var viewed: [UInt8]?
        if let payload = try? AgeRandomAccessPayload(identities: identities, ciphertextSize: Int64(ciphertext.count), reader: { offset, buffer in
            let count = max(0, min(buffer.count, ciphertext.count - Int(offset)))
            ciphertext.withUnsafeBytes { raw in
                buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[Int(offset)..<(Int(offset) + count)]))
            }
            return count
        }) {
            var read = [UInt8](repeating: 0, count: Int(payload.plaintextSize))
            let complete = read.withUnsafeMutableBytes { raw -> Bool in
                var offset = 0
                while offset < raw.count {
                    let piece = UnsafeMutableRawBufferPointer(rebasing: raw[offset..<min(raw.count, offset + 40_000)])
                    guard let got = try? payload.read(at: Int64(offset), into: piece), got == piece.count else { return false }
                    offset += got
                }
                return true
            }
            if complete { viewed = read }
        }
        fuzzInvariant(viewed == streamed, "the random-access view and the stream disagree on a file")
        if let text = String(validating: Array(input), as: UTF8.self) {
            _ = try? AgeIdentity.parseIdentityFile(text, file: "fuzz.age")
            _ = try? AgeRecipient.parseRecipientsFile(text, file: "fuzz.age.pub")
        }
    }
}
