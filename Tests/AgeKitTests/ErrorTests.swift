import AgeKit
import Foundation
import Testing

@Suite("AgeError codes and messages")
struct ErrorTests {
    /// One value of every case, with every header and key problem.
    static let examples: [AgeError] = {
        let headerProblems: [AgeError.HeaderProblem] = [
            .endsInsideHeader, .lineTooLong(limit: 16384), .headerTooLarge(limit: 1 << 20), .unexpectedLine, .crlfLineEnding,
            .missingStanzaArguments, .emptyStanzaArgument, .invalidStanzaCharacter(column: 7), .bodyLineNotBase64,
            .bodyLineTooLong, .malformedMACLine, .noStanzas, .scryptNotAlone, .x25519ArgumentCount(2), .x25519ShareInvalid,
            .x25519BodyLength(33), .x25519ZeroSharedSecret, .payloadNonceMissing(found: 3),
        ]
        let keyProblems: [AgeError.KeyProblem] = [
            .empty, .invalidCharacter(column: 5), .mixedCase, .missingSeparator, .tooShort, .checksumMismatch,
            .invalidPadding, .wrongType(expected: "age", found: "age1pq"), .wrongLength(expected: 32, found: 31), .noKeys,
            .notUTF8, .lowOrderPoint,
        ]
        return [
            .notAgeFile(firstLine: ""), .notAgeFile(firstLine: "PK??"), .armoredInput, .headerMACMismatch,
            .noIdentityMatched(x25519Stanzas: 1, identities: 1), .unsupportedRecipientTypes(["scrypt"]),
            .payloadAuthenticationFailed(chunk: 2), .emptyFinalChunk(chunk: 1), .truncated(chunks: 3),
            .trailingData(afterChunk: 0), .noRecipients,
            .fileAccess(path: "/keys/district.age", action: .read, errno: ENOENT),
            .fileAccess(path: "/keys/district.age", action: .create, errno: EEXIST),
        ]
            + headerProblems.map { .headerMalformed(line: 3, problem: $0) }
            + keyProblems.map { .keyMalformed(file: "keys.txt", line: 2, problem: $0) }
    }()

    @Test func theCatalogHasOneCodePerCase() {
        let codes = AgeError.Code.all.map(\.rawValue)
        #expect(Set(codes).count == codes.count)
        #expect(codes.allSatisfy { $0.hasPrefix("crypt.") })
        #expect(Set(Self.examples.map(\.code)) == Set(AgeError.Code.all))
        // The codes the project's diagnostics map from, spelled as agreed.
        let agreed: [(AgeError, String)] = [
            (.noIdentityMatched(x25519Stanzas: 1, identities: 1), "crypt.wrong-identity"),
            (.unsupportedRecipientTypes(["mlkem768x25519"]), "crypt.unknown-recipient-type"),
            (.headerMalformed(line: 2, problem: .unexpectedLine), "crypt.header-malformed"),
            (.headerMACMismatch, "crypt.header-mac"),
            (.payloadAuthenticationFailed(chunk: 0), "crypt.payload-tampered"),
            (.truncated(chunks: 1), "crypt.truncated"),
            (.trailingData(afterChunk: 1), "crypt.trailing-data"),
            (.notAgeFile(firstLine: "x"), "crypt.not-age"),
            (.armoredInput, "crypt.armored"),
            (.keyMalformed(file: nil, line: nil, problem: .checksumMismatch), "crypt.key-malformed"),
        ]
        for (error, code) in agreed { #expect(error.code.rawValue == code) }
    }

    @Test func everyMessageIsBilingualAndSpecific() {
        var seen = Set<String>()
        for error in Self.examples {
            let chinese = error.chinese
            let english = error.english
            #expect(error.description == "\(chinese) / \(english)")
            #expect(chinese.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) }, "\(error.code): no Chinese in \(chinese)")
            #expect(english.unicodeScalars.allSatisfy { $0.isASCII || $0 == "…" }, "\(error.code): English text \(english)")
            #expect(!seen.contains(english), "two cases share the message \(english)")
            seen.insert(english)
            #expect(error.localizedDescription == error.description)
        }
        // Where and what: the details are in the text.
        #expect(AgeError.payloadAuthenticationFailed(chunk: 2).english.contains("chunk 3 (plaintext offset 131072)"))
        #expect(AgeError.headerMalformed(line: 3, problem: .unexpectedLine).chinese.contains("第 3 行"))
        #expect(AgeError.unsupportedRecipientTypes(["scrypt", "mlkem768x25519"]).english.contains("scrypt, mlkem768x25519"))
        #expect(AgeError.fileAccess(path: "/k", action: .read, errno: ENOENT).english.contains("No such file or directory"))
        #expect(AgeError.noIdentityMatched(x25519Stanzas: 1, identities: 1).description.hasPrefix("解密失败："))
    }
}
