import Crypto
import Foundation
import Testing

@testable import AgeKit

@Suite("Bech32, identities, recipients and key files")
struct KeyTests {
    /// The X25519 example pair of the age specification (C2SP age.md).
    static let specIdentity = "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX"
    static let specRecipient = "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj"

    /// The key problem `body` fails with, or nil if it succeeds or fails otherwise.
    private func problem(_ body: () throws -> Void) -> AgeError.KeyProblem? {
        do {
            try body()
            return nil
        } catch {
            guard case .keyMalformed(_, _, let problem)? = error as? AgeError else { return nil }
            return problem
        }
    }

    // MARK: Bech32

    /// BIP 173's valid test strings: each decodes and encodes back to itself (lowercased).
    @Test(arguments: [
        "A12UEL5L",
        "a12uel5l",
        "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
        "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
        "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
        "?1ezyfcl",
    ])
    func bip173ValidStrings(_ string: String) throws {
        let decoded = try Bech32.decode(string)
        let encoded = Bech32.encode(hrp: decoded.hrp, data: decoded.data)
        #expect(encoded == string.lowercased())
    }

    /// BIP 173's invalid test strings, each refused for its own reason.
    @Test func bip173InvalidStrings() {
        let cases: [(String, AgeError.KeyProblem)] = [
            ("\u{20}1nwldj5", .invalidCharacter(column: 1)),  // HRP character out of range
            ("\u{7F}1axkwrx", .invalidCharacter(column: 1)),
            ("\u{80}1eym55h", .invalidCharacter(column: 1)),
            ("pzry9x0s0muk", .missingSeparator),
            ("1pzry9x0s0muk", .missingSeparator),  // empty HRP
            ("x1b4n0q5v", .invalidCharacter(column: 3)),  // 'b' is not a data character
            ("li1dgmt3", .tooShort),  // checksum too short
            ("de1lg7wt\u{FF}", .invalidCharacter(column: 9)),
            ("A1G7SGD8", .checksumMismatch),  // checksum computed over the uppercase HRP
            ("10a06t8", .missingSeparator),
            ("1qzzfhee", .missingSeparator),
            ("A12uEL5L", .mixedCase),
        ]
        for (string, expected) in cases {
            #expect(problem { _ = try Bech32.decode(string) } == expected, "\(string.debugDescription)")
        }
    }

    /// age lifts BIP 173's 90-character limit (post-quantum recipients are ~2,000 characters):
    /// BIP 173's "overall max length exceeded" string, whose checksum is right, is accepted.
    @Test func noLengthLimit() throws {
        let string = "an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx"
        #expect(try Bech32.decode(string).hrp == "an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio")
        let long = pseudoRandomBytes(1216, seed: 7)
        let encoded = Bech32.encode(hrp: "age1pq", data: long)
        #expect(try Bech32.decode(encoded).data == long)
    }

    // MARK: Identities and recipients

    @Test func specificationExamplePair() throws {
        let identity = try AgeIdentity(string: Self.specIdentity)
        #expect(identity.string == Self.specIdentity)
        #expect(identity.recipient.string == Self.specRecipient)
        #expect(try AgeRecipient(string: Self.specRecipient) == identity.recipient)
        // The secret is never printed.
        #expect("\(identity)" == "AgeIdentity(\(Self.specRecipient))")
        #expect(!String(reflecting: identity).contains("SECRET"))
    }

    @Test func generatedIdentitiesRoundTrip() throws {
        let identity = AgeIdentity.generate()
        #expect(identity.string.hasPrefix("AGE-SECRET-KEY-1"))
        #expect(identity.string.count == 74)
        #expect(identity.recipient.string.hasPrefix("age1"))
        #expect(identity.recipient.string.count == 62)
        let reparsed = try AgeIdentity(string: "  \(identity.string)\n")
        #expect(reparsed.string == identity.string)
        #expect(reparsed.recipient == identity.recipient)
        #expect(AgeIdentity.generate().string != identity.string)
    }

    @Test func malformedKeysHaveTheirOwnProblems() throws {
        let identity = Self.specIdentity
        let recipient = Self.specRecipient
        var typo = Array(identity)
        typo[30] = typo[30] == "Q" ? "P" : "Q"
        #expect(problem { _ = try AgeIdentity(string: String(typo)) } == .checksumMismatch)
        #expect(problem { _ = try AgeIdentity(string: "") } == .empty)
        // Only the uppercase identity and the lowercase recipient are age's forms.
        #expect(problem { _ = try AgeIdentity(string: identity.lowercased()) }
            == .wrongType(expected: "AGE-SECRET-KEY-", found: "AGE-SECRET-KEY- (wrong case)"))
        #expect(problem { _ = try AgeRecipient(string: recipient.uppercased()) }
            == .wrongType(expected: "age", found: "age (wrong case)"))
        // A recipient where an identity belongs, and the reverse.
        #expect(problem { _ = try AgeIdentity(string: recipient) } == .wrongType(expected: "AGE-SECRET-KEY-", found: "age"))
        #expect(problem { _ = try AgeRecipient(string: identity) } == .wrongType(expected: "age", found: "AGE-SECRET-KEY-"))
        // Post-quantum and plugin keys are other types.
        let pq = Bech32.encode(hrp: "age1pq", data: pseudoRandomBytes(1216, seed: 1))
        #expect(problem { _ = try AgeRecipient(string: pq) } == .wrongType(expected: "age", found: "age1pq"))
        let pqIdentity = Bech32.encode(hrp: "AGE-SECRET-KEY-PQ-", data: pseudoRandomBytes(32, seed: 2), uppercase: true)
        #expect(problem { _ = try AgeIdentity(string: pqIdentity) }
            == .wrongType(expected: "AGE-SECRET-KEY-", found: "AGE-SECRET-KEY-PQ-"))
        let plugin = Bech32.encode(hrp: "AGE-PLUGIN-YUBIKEY-", data: pseudoRandomBytes(20, seed: 3), uppercase: true)
        #expect(problem { _ = try AgeIdentity(string: plugin) } == .wrongType(expected: "AGE-SECRET-KEY-", found: "AGE-PLUGIN-…"))
        // An unknown type is not echoed (it could be part of a secret).
        let other = Bech32.encode(hrp: "password", data: [1, 2, 3])
        #expect(problem { _ = try AgeRecipient(string: other) } == .wrongType(expected: "age", found: "unknown"))
        // SSH keys are named as such.
        #expect(problem { _ = try AgeRecipient(string: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKey user@host") }
            == .wrongType(expected: "age", found: "ssh-ed25519"))
        // Right type, wrong length.
        let short = Bech32.encode(hrp: "age", data: pseudoRandomBytes(31, seed: 4))
        #expect(problem { _ = try AgeRecipient(string: short) } == .wrongLength(expected: 32, found: 31))
    }

    // MARK: Key files

    @Test func identityFileWithCommentsBlankLinesAndSeveralKeys() throws {
        let first = AgeIdentity.generate()
        let second = AgeIdentity.generate()
        let text = "# created: 2026-03-01T09:30:00+08:00\r\n# public key: \(first.recipient)\r\n\(first.string)\r\n\n   \n# second\n\t\(second.string)  \n"
        let identities = try AgeIdentity.parseIdentityFile(text)
        #expect(identities.map(\.string) == [first.string, second.string])
    }

    @Test func keyFileErrorsNameTheLine() throws {
        let identity = AgeIdentity.generate()
        var typo = Array(identity.string)
        typo[20] = typo[20] == "Q" ? "P" : "Q"
        let bad = "# comment\n\(identity.string)\n\(String(typo))\n"
        #expect(throws: AgeError.keyMalformed(file: "ids.txt", line: 3, problem: .checksumMismatch)) {
            _ = try AgeIdentity.parseIdentityFile(bad, file: "ids.txt")
        }
        #expect(throws: AgeError.keyMalformed(file: nil, line: nil, problem: .noKeys)) {
            _ = try AgeIdentity.parseIdentityFile("# only a comment\n\n")
        }
        let recipients = "# district\n\(identity.recipient)\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKey\n"
        #expect(throws: AgeError.keyMalformed(file: "r.txt", line: 3, problem: .wrongType(expected: "age", found: "ssh-ed25519"))) {
            _ = try AgeRecipient.parseRecipientsFile(recipients, file: "r.txt")
        }
        let error = AgeError.keyMalformed(file: "r.txt", line: 3, problem: .checksumMismatch)
        #expect(error.code == .keyMalformed)
        #expect(error.description.contains("r.txt 第 3 行"))
        #expect(error.description.contains("r.txt, line 3"))
    }

    @Test func recipientsFileRoundTrip() throws {
        let recipients = [AgeIdentity.generate().recipient, AgeIdentity.generate().recipient]
        let text = AgeRecipient.recipientsFileContents(recipients, comment: "district of Haidian")
        #expect(text.hasPrefix("# district of Haidian\n"))
        #expect(try AgeRecipient.parseRecipientsFile(text) == recipients)
    }

    @Test func identityFileIsWrittenLikeAgeKeygen() throws {
        let directory = TemporaryDirectory()
        let identity = AgeIdentity.generate()
        let created = Date(timeIntervalSince1970: 1_772_328_600)  // 2026-03-01T01:30:00Z
        let beijing = try #require(TimeZone(identifier: "Asia/Shanghai"))
        let path = directory("district.age")
        let previousMask = umask(0)  // The file must be 0600 whatever the umask.
        defer { umask(previousMask) }
        try identity.writeIdentityFile(atPath: path, created: created, timeZone: beijing)
        var info = stat()
        #expect(stat(path, &info) == 0)
        #expect(info.st_mode & 0o7777 == 0o600)
        let text = String(decoding: try readFile(path), as: UTF8.self)
        #expect(text == "# created: 2026-03-01T09:30:00+08:00\n# public key: \(identity.recipient)\n\(identity.string)\n")
        #expect(try AgeIdentity.readIdentityFile(atPath: path).map(\.string) == [identity.string])
        // No temporary file is left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["district.age"])
    }

    @Test func identityFileIsNeverOverwritten() throws {
        let directory = TemporaryDirectory()
        let path = directory("station.age")
        let original = AgeIdentity.generate()
        try original.writeIdentityFile(atPath: path)
        let before = try readFile(path)
        #expect(throws: AgeError.fileAccess(path: path, action: .create, errno: EEXIST)) {
            try AgeIdentity.generate().writeIdentityFile(atPath: path)
        }
        #expect(try readFile(path) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["station.age"])
    }

    @Test func unreadableKeyFiles() throws {
        let directory = TemporaryDirectory()
        let missing = directory("missing.age")
        #expect(throws: AgeError.fileAccess(path: missing, action: .read, errno: ENOENT)) {
            _ = try AgeIdentity.readIdentityFile(atPath: missing)
        }
        let binary = directory("binary")
        try writeFile(binary, [0xff, 0xfe, 0x00, 0x41])
        #expect(throws: AgeError.keyMalformed(file: binary, line: nil, problem: .notUTF8)) {
            _ = try AgeRecipient.readRecipientsFile(atPath: binary)
        }
        let noDirectory = directory("no/such/dir/key.age")
        do {
            try AgeIdentity.generate().writeIdentityFile(atPath: noDirectory)
            Issue.record("writing into a missing directory succeeded")
        } catch {
            guard case .fileAccess(_, .create, ENOENT) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
        }
    }
}
