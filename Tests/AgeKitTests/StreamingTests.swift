import Crypto
import Foundation
import Testing

@testable import AgeKit

@Suite("Streaming encryption and decryption")
struct StreamingTests {
    static let sizes = [0, 1, 65535, 65536, 65537, 3 * 65536, (1 << 20) + 123]

    /// The size of an age payload: nonce, plaintext, one tag per chunk (at least one chunk).
    static func payloadSize(_ plaintext: Int) -> Int {
        let chunks = max(1, (plaintext + Age.chunkSize - 1) / Age.chunkSize)
        return Payload.nonceSize + plaintext + chunks * Payload.tagSize
    }

    @Test(arguments: sizes)
    func roundTrip(size: Int) throws {
        let identity = AgeIdentity.generate()
        let plaintext = pseudoRandomBytes(size, seed: UInt64(size))
        var writes: [Int] = []
        var ciphertext: [UInt8] = []
        let encryptor = try AgeEncryptor(recipients: [identity.recipient]) { bytes in
            writes.append(bytes.count)
            ciphertext.append(contentsOf: bytes)
        }
        try encryptor.update(plaintext)
        try encryptor.finish()
        #expect(encryptor.plaintextCount == size)
        // One write for the header and nonce, then one per sealed chunk: full chunks of
        // 64 KiB + 16, and a final one that may be full but is empty only for an empty payload.
        let headerSize = TamperTests.headerEnd(ciphertext) + Payload.nonceSize
        #expect(writes.first == headerSize)
        let chunkWrites = Array(writes.dropFirst())
        #expect(chunkWrites.count == max(1, (size + Age.chunkSize - 1) / Age.chunkSize))
        #expect(chunkWrites.dropLast().allSatisfy { $0 == Payload.sealedChunkSize })
        let lastPlaintext = size == 0 ? 0 : (size - 1) % Age.chunkSize + 1
        #expect(chunkWrites.last == lastPlaintext + Payload.tagSize)
        #expect(ciphertext.count == TamperTests.headerEnd(ciphertext) + Self.payloadSize(size))

        #expect(try Age.decrypt(ciphertext, with: [identity]) == plaintext)
        let outcome = streamDecrypt(ciphertext, identities: [identity])
        #expect(outcome.error == nil)
        #expect(outcome.released == plaintext)
        #expect(outcome.chunkCount == (size + Age.chunkSize - 1) / Age.chunkSize)
    }

    /// However the plaintext is split into updates, the file decrypts to it; full chunks are
    /// written as soon as the next byte shows they are not the last.
    @Test func updateSplitsDoNotMatter() throws {
        let identity = AgeIdentity.generate()
        let plaintext = pseudoRandomBytes(200_000, seed: 9)
        for split in [7, 4096, 65535, 65536, 65537, 131_073, 200_000] {
            var ciphertext: [UInt8] = []
            let encryptor = try AgeEncryptor(recipients: [identity.recipient]) { ciphertext.append(contentsOf: $0) }
            var offset = 0
            while offset < plaintext.count {
                let end = min(offset + split, plaintext.count)
                try encryptor.update(plaintext[offset..<end].withUnsafeBytes { Data($0) })
                offset = end
                // Everything but the last (possibly full) chunk is already out.
                let sealed = (offset - 1) / Age.chunkSize
                #expect(ciphertext.count == TamperTests.headerEnd(ciphertext) + Payload.nonceSize + sealed * Payload.sealedChunkSize, "split \(split)")
            }
            try encryptor.finish()
            #expect(try Age.decrypt(ciphertext, with: [identity]) == plaintext, "split \(split)")
        }
    }

    @Test func byteByByte() throws {
        let identity = AgeIdentity.generate()
        let plaintext = pseudoRandomBytes(Age.chunkSize + 300, seed: 11)
        var ciphertext: [UInt8] = []
        let encryptor = try AgeEncryptor(recipients: [identity.recipient]) { ciphertext.append(contentsOf: $0) }
        for byte in plaintext { try encryptor.update([byte]) }
        try encryptor.finish()
        // A source that hands out one byte per call.
        var offset = 0
        let decryptor = try AgeDecryptor(identities: [identity]) { buffer in
            guard offset < ciphertext.count else { return 0 }
            buffer[0] = ciphertext[offset]
            offset += 1
            return 1
        }
        #expect(try decryptor.readToEnd() == plaintext)
        #expect(decryptor.isFinished)
        #expect(decryptor.chunksAuthenticated == 2)
    }

    @Test func readIntoSmallAndLargeBuffers() throws {
        let identity = AgeIdentity.generate()
        let plaintext = pseudoRandomBytes(3 * Age.chunkSize + 5, seed: 12)
        let ciphertext = try Age.encrypt(plaintext, to: [identity.recipient])
        for size in [1, 1000, Age.chunkSize, 4 * Age.chunkSize] {
            let decryptor = try AgeDecryptor(identities: [identity], ciphertext: ciphertext)
            var output: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: size)
            while true {
                let count = try buffer.withUnsafeMutableBytes { try decryptor.read(into: $0) }
                if count == 0 { break }
                #expect(count <= min(size, Age.chunkSize))
                output.append(contentsOf: buffer[..<count])
            }
            #expect(output == plaintext, "buffer \(size)")
            #expect(decryptor.isFinished)
        }
        // read(into:) and nextChunk() mix: the rest of a started chunk comes first.
        let decryptor = try AgeDecryptor(identities: [identity], ciphertext: ciphertext)
        var head = [UInt8](repeating: 0, count: 10)
        #expect(try head.withUnsafeMutableBytes { try decryptor.read(into: $0) } == 10)
        #expect(try decryptor.nextChunk() == Array(plaintext[10..<Age.chunkSize]))
        #expect(try decryptor.nextChunk() == Array(plaintext[Age.chunkSize..<(2 * Age.chunkSize)]))
    }

    @Test func multipleRecipients() throws {
        let identities = (0..<3).map { _ in AgeIdentity.generate() }
        let plaintext = pseudoRandomBytes(100_000, seed: 13)
        let ciphertext = try Age.encrypt(plaintext, to: identities.map(\.recipient))
        let header = String(decoding: ciphertext.prefix(TamperTests.headerEnd(ciphertext)), as: UTF8.self)
        #expect(header.components(separatedBy: "\n-> X25519 ").count == 4)
        for identity in identities {
            #expect(try Age.decrypt(ciphertext, with: [identity]) == plaintext)
        }
        // The right identity need not come first.
        let stranger = AgeIdentity.generate()
        #expect(try Age.decrypt(ciphertext, with: [stranger, identities[2]]) == plaintext)
        #expect(throws: AgeError.noIdentityMatched(x25519Stanzas: 3, identities: 1)) {
            _ = try Age.decrypt(ciphertext, with: [stranger])
        }
        #expect(throws: AgeError.noIdentityMatched(x25519Stanzas: 3, identities: 0)) {
            _ = try Age.decrypt(ciphertext, with: [])
        }
    }

    @Test func wrongIdentity() throws {
        let ciphertext = try Age.encrypt(Array("for the district".utf8), to: [AgeIdentity.generate().recipient])
        let error = AgeError.noIdentityMatched(x25519Stanzas: 1, identities: 2)
        #expect(throws: error) {
            _ = try AgeDecryptor(identities: [AgeIdentity.generate(), AgeIdentity.generate()], ciphertext: ciphertext)
        }
        #expect(error.code.rawValue == "crypt.wrong-identity")
    }

    @Test func recipientsThatCannotBeUsed() throws {
        #expect(throws: AgeError.noRecipients) { _ = try Age.encrypt([1, 2, 3], to: []) }
        // The all-zero point is of low order: every shared secret with it is zero.
        let zero = AgeRecipient(publicKey: try Curve25519.KeyAgreement.PublicKey(rawRepresentation: [UInt8](repeating: 0, count: 32)))
        #expect(throws: AgeError.keyMalformed(file: nil, line: nil, problem: .lowOrderPoint)) {
            _ = try Age.encrypt([1, 2, 3], to: [zero])
        }
    }

    /// Errors of the caller's sink and source come through unchanged.
    @Test func sinkAndSourceErrorsPassThrough() throws {
        struct DiskFull: Error, Equatable {}
        let identity = AgeIdentity.generate()
        #expect(throws: DiskFull()) {
            _ = try AgeEncryptor(recipients: [identity.recipient]) { _ in throw DiskFull() }
        }
        var writes = 0
        let encryptor = try AgeEncryptor(recipients: [identity.recipient]) { _ in
            writes += 1
            if writes > 1 { throw DiskFull() }
        }
        #expect(throws: DiskFull()) { try encryptor.update(pseudoRandomBytes(Age.chunkSize + 1, seed: 1)) }

        struct Unplugged: Error, Equatable {}
        #expect(throws: Unplugged()) {
            _ = try AgeDecryptor(identities: [identity]) { _ in throw Unplugged() }
        }
        let ciphertext = try Age.encrypt(pseudoRandomBytes(3 * Age.chunkSize, seed: 2), to: [identity.recipient])
        var delivered = 0
        let decryptor = try AgeDecryptor(identities: [identity]) { buffer in
            // The stick is pulled out after 100 KiB.
            guard delivered < 100 * 1024 else { throw Unplugged() }
            let count = min(buffer.count, 4096, ciphertext.count - delivered)
            ciphertext.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[delivered..<(delivered + count)])) }
            delivered += count
            return count
        }
        #expect(try decryptor.nextChunk()?.count == Age.chunkSize)
        #expect(throws: Unplugged()) { _ = try decryptor.nextChunk() }
        #expect(throws: Unplugged()) { _ = try decryptor.nextChunk() }
    }

    // MARK: Header format

    @Test func headerIsCanonical() throws {
        let recipient = AgeIdentity.generate().recipient
        let ciphertext = try Age.encrypt([], to: [recipient])
        let lines = TamperTests.headerLines(ciphertext)
        #expect(lines.count == 4)
        #expect(lines[0] == "age-encryption.org/v1")
        #expect(lines[1].hasPrefix("-> X25519 ") && lines[1].count == 10 + 43)
        #expect(lines[2].count == 43)  // 32 bytes of body, one short line
        #expect(lines[3].hasPrefix("--- ") && lines[3].count == 4 + 43)
        let base64 = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        for text in [String(lines[1].dropFirst(10)), lines[2], String(lines[3].dropFirst(4))] {
            #expect(text.unicodeScalars.allSatisfy { base64.contains($0) })
        }
    }

    /// Bodies are wrapped at 64 columns and end in a shorter line, empty if need be.
    @Test(arguments: [0, 1, 47, 48, 49, 96, 100])
    func stanzaBodiesWrapAndParseBack(bodySize: Int) throws {
        let stanzas = [
            Stanza(type: "example.com/test", arguments: ["a", "!~"], body: pseudoRandomBytes(bodySize, seed: UInt64(bodySize))),
            Stanza(type: "X25519", arguments: ["share"], body: []),
        ]
        let text = Header.encodeForMAC(stanzas)
        let lines = String(decoding: text, as: UTF8.self).components(separatedBy: "\n")
        let bodyLines = lines[2..<(lines.count - 3)]
        #expect(bodyLines.dropLast().allSatisfy { $0.count == 64 })
        #expect(bodyLines.last!.count < 64)
        #expect(bodyLines.count == bodySize / 48 + 1)
        var parser = HeaderParser()
        var parsedMAC: [UInt8]?
        let full = text + Header.encodeMACTail([UInt8](repeating: 9, count: 32))
        for line in full.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropFirst().dropLast() {
            parsedMAC = try parser.consume(line)
        }
        #expect(parsedMAC == [UInt8](repeating: 9, count: 32))
        #expect(parser.stanzas.map(\.type) == stanzas.map(\.type))
        #expect(parser.stanzas.map(\.arguments) == stanzas.map(\.arguments))
        #expect(parser.stanzas.map(\.body) == stanzas.map(\.body))
    }

    @Test func armoredAndForeignInput() throws {
        let armored = Array("-----BEGIN AGE ENCRYPTED FILE-----\nYWdlLWVuY3J5cHRpb24ub3JnL3YxCg==\n-----END AGE ENCRYPTED FILE-----\n".utf8)
        #expect(throws: AgeError.armoredInput) { _ = try Age.decrypt(armored, with: [AgeIdentity.generate()]) }
        #expect(throws: AgeError.armoredInput) { _ = try Age.decrypt(Array("\n  \r\n".utf8) + armored, with: []) }
        #expect(throws: AgeError.notAgeFile(firstLine: "PK??")) { _ = try Age.decrypt([0x50, 0x4b, 0x03, 0x04, 0x0a], with: []) }
        let long = [UInt8](repeating: UInt8(ascii: "x"), count: 5000)
        #expect(throws: AgeError.notAgeFile(firstLine: String(repeating: "x", count: 32) + "…")) { _ = try Age.decrypt(long, with: []) }
        // A header line beyond the limit is refused before it is held in memory.
        var huge = Array("age-encryption.org/v1\n-> X25519 ".utf8)
        huge += [UInt8](repeating: UInt8(ascii: "A"), count: Header.maximumLineLength + 10)
        #expect(throws: AgeError.headerMalformed(line: 2, problem: .lineTooLong(limit: Header.maximumLineLength))) {
            _ = try Age.decrypt(huge, with: [])
        }
        // scrypt must be alone; alone, it is a type AgeKit does not implement.
        let identity = AgeIdentity.generate()
        let x25519 = try X25519Stanza.wrap(fileKey: SymmetricKey(size: .init(bitCount: 128)), to: identity.recipient)
        let scrypt = Stanza(type: "scrypt", arguments: ["c2FsdHNhbHRzYWx0c2FsdA", "18"], body: pseudoRandomBytes(32, seed: 3))
        for (stanzas, error) in [
            ([x25519, scrypt], AgeError.headerMalformed(line: nil, problem: .scryptNotAlone)),
            ([scrypt], AgeError.unsupportedRecipientTypes(["scrypt"])),
            ([], AgeError.headerMalformed(line: 2, problem: .noStanzas)),
        ] {
            let file = Header.encodeForMAC(stanzas) + Header.encodeMACTail([UInt8](repeating: 0, count: 32)) + pseudoRandomBytes(40, seed: 4)
            #expect(throws: error) { _ = try Age.decrypt(file, with: [identity]) }
        }
    }
}
