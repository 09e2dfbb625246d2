import Foundation
import Testing

@testable import AgeKit

/// Modified, cut and extended age files: each is refused with its own error, and the
/// streaming decryptor releases exactly the chunks before the damage and nothing after.
@Suite("Tampering, truncation and trailing data")
struct TamperTests {
    /// Four chunks: three full ones and a 1,000-byte final one.
    static let plaintext = pseudoRandomBytes(3 * Age.chunkSize + 1000, seed: 42)
    static let identity = AgeIdentity.generate()
    static let other = AgeIdentity.generate()
    static let ciphertext = try! Age.encrypt(plaintext, to: [identity.recipient, other.recipient])

    /// Where the header ends (after the MAC line's LF).
    static func headerEnd(_ file: [UInt8]) -> Int {
        let marker = Array("\n--- ".utf8)
        let start = (0..<file.count).first { file[$0...].starts(with: marker) }!
        return file[(start + 1)...].firstIndex(of: UInt8(ascii: "\n"))! + 1
    }

    /// Where sealed chunk `index` starts.
    static func chunkStart(_ file: [UInt8], _ index: Int) -> Int {
        headerEnd(file) + Payload.nonceSize + index * Payload.sealedChunkSize
    }

    /// Decrypts with `read(into:)` and a small buffer, keeping what was released.
    func readDecrypt(_ file: [UInt8], identities: [AgeIdentity]) -> StreamOutcome {
        var outcome = StreamOutcome()
        do {
            let decryptor = try AgeDecryptor(identities: identities, ciphertext: file)
            var buffer = [UInt8](repeating: 0, count: 10_000)
            while true {
                let count = try buffer.withUnsafeMutableBytes { try decryptor.read(into: $0) }
                if count == 0 { break }
                outcome.released.append(contentsOf: buffer[..<count])
            }
        } catch {
            outcome.error = error
        }
        return outcome
    }

    /// Checks both pull APIs end in `error` after releasing exactly `releasedChunks` chunks.
    func expectFailure(_ file: [UInt8], _ error: AgeError, releasedChunks: Int, plaintext: [UInt8] = TamperTests.plaintext,
                       sourceLocation: SourceLocation = #_sourceLocation) {
        let expected = Array(plaintext.prefix(releasedChunks * Age.chunkSize))
        let chunked = streamDecrypt(file, identities: [Self.identity])
        #expect(chunked.ageError == error, sourceLocation: sourceLocation)
        #expect(chunked.chunkCount == releasedChunks, sourceLocation: sourceLocation)
        #expect(chunked.released == expected, sourceLocation: sourceLocation)
        let read = readDecrypt(file, identities: [Self.identity])
        #expect(read.ageError == error, sourceLocation: sourceLocation)
        #expect(read.released == expected, sourceLocation: sourceLocation)
    }

    @Test func intactFileDecryptsWithEitherRecipient() throws {
        #expect(try Age.decrypt(Self.ciphertext, with: [Self.identity]) == Self.plaintext)
        #expect(try Age.decrypt(Self.ciphertext, with: [Self.other]) == Self.plaintext)
        let outcome = streamDecrypt(Self.ciphertext, identities: [Self.identity])
        #expect(outcome.error == nil)
        #expect(outcome.chunkCount == 4)
    }

    @Test func bitFlipInEachChunk() {
        for chunk in 0..<4 {
            var file = Self.ciphertext
            file[Self.chunkStart(file, chunk) + 500] ^= 0x10
            expectFailure(file, .payloadAuthenticationFailed(chunk: chunk), releasedChunks: chunk)
            // The tag is the last 16 bytes of a sealed chunk.
            var tag = Self.ciphertext
            let end = chunk == 3 ? tag.count : Self.chunkStart(tag, chunk + 1)
            tag[end - 1] ^= 0x01
            expectFailure(tag, .payloadAuthenticationFailed(chunk: chunk), releasedChunks: chunk)
        }
    }

    @Test func swappedChunksAreRefused() {
        var file = Self.ciphertext
        let first = Self.chunkStart(file, 0)
        let second = Self.chunkStart(file, 1)
        let a = Array(file[first..<second])
        let b = Array(file[second..<(second + Payload.sealedChunkSize)])
        file.replaceSubrange(first..<second, with: b)
        file.replaceSubrange(second..<(second + Payload.sealedChunkSize), with: a)
        expectFailure(file, .payloadAuthenticationFailed(chunk: 0), releasedChunks: 0)
    }

    @Test func truncationAtEachChunkBoundary() {
        for chunks in 0..<4 {
            let file = Array(Self.ciphertext.prefix(Self.chunkStart(Self.ciphertext, chunks)))
            expectFailure(file, .truncated(chunks: chunks), releasedChunks: chunks)
        }
    }

    @Test func truncationInsideEachChunk() {
        for chunk in 0..<4 {
            let cut = Self.chunkStart(Self.ciphertext, chunk) + (chunk == 3 ? 500 : 40_000)
            expectFailure(Array(Self.ciphertext.prefix(cut)), .payloadAuthenticationFailed(chunk: chunk), releasedChunks: chunk)
        }
        // Cut inside the last tag, and one byte short of the end.
        expectFailure(Array(Self.ciphertext.dropLast(1)), .payloadAuthenticationFailed(chunk: 3), releasedChunks: 3)
        expectFailure(Array(Self.ciphertext.dropLast(17)), .payloadAuthenticationFailed(chunk: 3), releasedChunks: 3)
    }

    @Test func truncationInsideTheNonceAndTheHeader() {
        let end = Self.headerEnd(Self.ciphertext)
        expectFailure(Array(Self.ciphertext.prefix(end + 5)), .headerMalformed(line: nil, problem: .payloadNonceMissing(found: 5)), releasedChunks: 0)
        expectFailure(Array(Self.ciphertext.prefix(end)), .headerMalformed(line: nil, problem: .payloadNonceMissing(found: 0)), releasedChunks: 0)
        // Without the MAC line's LF, and in the middle of the first stanza.
        expectFailure(Array(Self.ciphertext.prefix(end - 1)), .headerMalformed(line: 6, problem: .endsInsideHeader), releasedChunks: 0)
        expectFailure(Array(Self.ciphertext.prefix(40)), .headerMalformed(line: 2, problem: .endsInsideHeader), releasedChunks: 0)
        expectFailure(Array(Self.ciphertext.prefix(10)), .notAgeFile(firstLine: "age-encryp"), releasedChunks: 0)
        expectFailure([], .notAgeFile(firstLine: ""), releasedChunks: 0)
    }

    @Test func appendedBytes() throws {
        // After a full final chunk, an appended byte is trailing data, reported after both
        // authenticated chunks were released.
        let twoChunks = pseudoRandomBytes(2 * Age.chunkSize, seed: 5)
        let full = try Age.encrypt(twoChunks, to: [Self.identity.recipient])
        expectFailure(full + [0], .trailingData(afterChunk: 1), releasedChunks: 2, plaintext: twoChunks)
        expectFailure(full + [UInt8](repeating: 7, count: Payload.sealedChunkSize + 3), .trailingData(afterChunk: 1),
                      releasedChunks: 2, plaintext: twoChunks)
        // A short final chunk absorbs the extra byte and no longer authenticates: the
        // three full chunks before it were released, it was not.
        expectFailure(Self.ciphertext + [0], .payloadAuthenticationFailed(chunk: 3), releasedChunks: 3)
        // An empty payload's single empty chunk likewise.
        let empty = try Age.encrypt([], to: [Self.identity.recipient])
        expectFailure(empty + [0], .payloadAuthenticationFailed(chunk: 0), releasedChunks: 0, plaintext: [])
        // A whole extra final chunk after a full final chunk.
        let sealedExtra = Array(full[Self.chunkStart(full, 1)...])
        expectFailure(full + sealedExtra, .trailingData(afterChunk: 1), releasedChunks: 2, plaintext: twoChunks)
    }

    @Test func errorsAreSticky() throws {
        var file = Self.ciphertext
        file[Self.chunkStart(file, 1) + 9] ^= 0x80
        let decryptor = try AgeDecryptor(identities: [Self.identity], ciphertext: file)
        #expect(try decryptor.nextChunk() == Array(Self.plaintext.prefix(Age.chunkSize)))
        for _ in 0..<2 {
            #expect(throws: AgeError.payloadAuthenticationFailed(chunk: 1)) { _ = try decryptor.nextChunk() }
        }
        #expect(!decryptor.isFinished)
        #expect(decryptor.chunksAuthenticated == 1)
    }

    // MARK: Header

    /// The header's lines, as written: version, two X25519 stanzas of two lines each, MAC.
    static func headerLines(_ file: [UInt8]) -> [String] {
        String(decoding: file.prefix(headerEnd(file) - 1), as: UTF8.self).components(separatedBy: "\n")
    }

    /// The file with one header line replaced.
    static func replacingHeaderLine(_ index: Int, in file: [UInt8], with line: String) -> [UInt8] {
        var lines = headerLines(file)
        lines[index] = line
        return Array((lines.joined(separator: "\n") + "\n").utf8) + file[headerEnd(file)...]
    }

    /// A base64 character with a different 6-bit value (so the encoding stays canonical).
    static func otherCharacter(_ character: Character) -> Character {
        character == "A" ? "B" : "A"
    }

    @Test func headerMACProtectsOtherStanzas() {
        // The second stanza (for `other`) changed: the first still unwraps, but the MAC fails.
        var line = Array(Self.headerLines(Self.ciphertext)[4])
        line[0] = Self.otherCharacter(line[0])
        let file = Self.replacingHeaderLine(4, in: Self.ciphertext, with: String(line))
        expectFailure(file, .headerMACMismatch, releasedChunks: 0)
        // For `other` it is the wrong key now: its stanza no longer opens, and the first is not its.
        #expect(streamDecrypt(file, identities: [Self.other]).ageError == .noIdentityMatched(x25519Stanzas: 2, identities: 1))
    }

    @Test func changedMAC() {
        var mac = Array(Self.headerLines(Self.ciphertext)[5])
        #expect(mac.count == 4 + 43)
        mac[4] = Self.otherCharacter(mac[4])
        expectFailure(Self.replacingHeaderLine(5, in: Self.ciphertext, with: String(mac)), .headerMACMismatch, releasedChunks: 0)
        // The last character carries 2 unused bits: setting one makes the base64 non-canonical.
        var nonCanonical = Array(Self.headerLines(Self.ciphertext)[5])
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        let value = alphabet.firstIndex(of: nonCanonical[46])!
        nonCanonical[46] = alphabet[value | 1]
        expectFailure(Self.replacingHeaderLine(5, in: Self.ciphertext, with: String(nonCanonical)),
                      .headerMalformed(line: 6, problem: .malformedMACLine), releasedChunks: 0)
        // Without its "--- " the MAC is a stray line after the last stanza.
        expectFailure(Self.replacingHeaderLine(5, in: Self.ciphertext, with: String(mac.dropFirst(4))),
                      .headerMalformed(line: 6, problem: .unexpectedLine), releasedChunks: 0)
    }

    @Test func changedStanzas() {
        // The type renamed: nothing is addressed to X25519 any more.
        let lines = Self.headerLines(Self.ciphertext)
        var file = Self.replacingHeaderLine(1, in: Self.ciphertext, with: lines[1].replacingOccurrences(of: "X25519", with: "Y25519"))
        file = Self.replacingHeaderLine(3, in: file, with: lines[3].replacingOccurrences(of: "X25519", with: "Y25519"))
        expectFailure(file, .unsupportedRecipientTypes(["Y25519"]), releasedChunks: 0)
        // An extra argument, a missing argument, CR LF, an empty argument, a control character.
        expectFailure(Self.replacingHeaderLine(1, in: Self.ciphertext, with: lines[1] + " extra"),
                      .headerMalformed(line: 2, problem: .x25519ArgumentCount(2)), releasedChunks: 0)
        expectFailure(Self.replacingHeaderLine(1, in: Self.ciphertext, with: "-> X25519"),
                      .headerMalformed(line: 2, problem: .x25519ArgumentCount(0)), releasedChunks: 0)
        expectFailure(Self.replacingHeaderLine(1, in: Self.ciphertext, with: lines[1] + "\r"),
                      .headerMalformed(line: 2, problem: .crlfLineEnding), releasedChunks: 0)
        expectFailure(Self.replacingHeaderLine(1, in: Self.ciphertext, with: lines[1].replacingOccurrences(of: " X25519", with: "  X25519")),
                      .headerMalformed(line: 2, problem: .emptyStanzaArgument), releasedChunks: 0)
        expectFailure(Self.replacingHeaderLine(1, in: Self.ciphertext, with: lines[1].replacingOccurrences(of: "X25519", with: "X25\t519")),
                      .headerMalformed(line: 2, problem: .invalidStanzaCharacter(column: 7)), releasedChunks: 0)
        // A body line cut short: 40 characters are the base64 of 30 bytes, not 32.
        expectFailure(Self.replacingHeaderLine(2, in: Self.ciphertext, with: String(lines[2].dropLast(3))),
                      .headerMalformed(line: 2, problem: .x25519BodyLength(30)), releasedChunks: 0)
        // Converted to CR LF line ends on the way.
        let crlf = Array((Self.headerLines(Self.ciphertext).joined(separator: "\r\n") + "\r\n").utf8) + Self.ciphertext[Self.headerEnd(Self.ciphertext)...]
        expectFailure(crlf, .headerMalformed(line: 1, problem: .crlfLineEnding), releasedChunks: 0)
        // The version line changed.
        expectFailure(Self.replacingHeaderLine(0, in: Self.ciphertext, with: "age-encryption.org/v2"),
                      .notAgeFile(firstLine: "age-encryption.org/v2"), releasedChunks: 0)
    }

    /// Every single-bit flip anywhere in the header is refused with a header-level error, and
    /// nothing is released.
    @Test func everyHeaderBitFlipIsRefused() throws {
        let small = try Age.encrypt(Array("a short message".utf8), to: [Self.identity.recipient])
        let end = Self.headerEnd(small)
        var codes: [AgeError.Code: Int] = [:]
        for position in 0..<(end + Payload.nonceSize) {
            for bit in [0, 3, 6] {
                var file = small
                file[position] ^= UInt8(1 << bit)
                let outcome = streamDecrypt(file, identities: [Self.identity])
                let error = try #require(outcome.ageError, "a flip of bit \(bit) at byte \(position) was accepted")
                #expect(outcome.released.isEmpty)
                codes[error.code, default: 0] += 1
                if position >= end {
                    // The payload nonce changes the payload key: the first chunk fails.
                    #expect(error == .payloadAuthenticationFailed(chunk: 0))
                }
            }
        }
        let headerCodes: Set<AgeError.Code> = [.notAge, .headerMalformed, .headerMAC, .wrongIdentity, .unknownRecipientType, .payloadTampered]
        #expect(Set(codes.keys).isSubset(of: headerCodes), "\(codes)")
        #expect(codes[.notAge] != nil && codes[.headerMalformed] != nil && codes[.headerMAC] != nil && codes[.wrongIdentity] != nil)
    }
}
