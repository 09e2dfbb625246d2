import AgeKit
import Foundation
import Testing

/// The community CCTV age test vectors (C2SP/CCTV, `age/testdata`), run through the streaming
/// decryptor: every X25519 vector succeeds or fails exactly as its `expect` line says, and the
/// plaintext released before a failure matches its `payload` hash.
@Suite("CCTV age test vectors")
struct ConformanceTests {
    /// One parsed vector file.
    struct Vector {
        var name: String
        var expect: String
        var payloadHash: String?
        var identities: [String] = []
        var passphrases: [String] = []
        var armored = false
        var compressed: String?
        /// The age file (decompressed when the vector is compressed).
        var body: [UInt8]
    }

    /// Why a vector is not run: the features AgeKit deliberately does not implement.
    enum Skip: String, CaseIterable {
        case armored, scrypt, hybrid
    }

    /// The error each `payload failure` vector must end in, by vector name. The STREAM rules
    /// decide it: a chunk that does not authenticate (or a short one), a missing final chunk,
    /// an empty final chunk after others, or data after a final chunk.
    static let payloadFailures: [String: AgeError] = [
        "stream_bad_tag": .payloadAuthenticationFailed(chunk: 0),
        "stream_bad_tag_second_chunk": .payloadAuthenticationFailed(chunk: 1),
        "stream_bad_tag_second_chunk_full": .payloadAuthenticationFailed(chunk: 1),
        "stream_last_chunk_empty": .emptyFinalChunk(chunk: 1),
        "stream_missing_tag": .payloadAuthenticationFailed(chunk: 0),
        "stream_no_chunks": .truncated(chunks: 0),
        "stream_no_final": .payloadAuthenticationFailed(chunk: 0),
        "stream_no_final_full": .truncated(chunks: 1),
        "stream_no_final_two_chunks": .payloadAuthenticationFailed(chunk: 1),
        "stream_no_final_two_chunks_full": .truncated(chunks: 2),
        "stream_short_chunk": .payloadAuthenticationFailed(chunk: 0),
        "stream_short_second_chunk": .payloadAuthenticationFailed(chunk: 1),
        "stream_trailing_garbage_long": .trailingData(afterChunk: 0),
        "stream_trailing_garbage_short": .trailingData(afterChunk: 0),
        "stream_two_final_chunks": .trailingData(afterChunk: 0),
        "stream_two_final_chunks_full": .trailingData(afterChunk: 0),
        "stream_two_final_chunks_second": .trailingData(afterChunk: 1),
        "stream_two_final_chunks_short": .payloadAuthenticationFailed(chunk: 0),
    ]

    @Test func everyX25519VectorBehavesAsExpected() throws {
        let directory = try #require(conformanceDirectory, "shared/conformance/age/testdata not found above \(#filePath)")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        #expect(names.count >= 100, "the CCTV age suite has well over 100 vectors; found \(names.count)")
        let pigz = try requireTool("pigz", package: "pigz")
        var skipped: [Skip: Int] = [:]
        var run = 0
        var outcomes: [String: Int] = [:]
        for name in names {
            let vector = try Self.parse(name: name, bytes: readFile(directory + "/" + name), pigz: pigz)
            if let skip = Self.skipReason(vector) {
                skipped[skip, default: 0] += 1
                continue
            }
            run += 1
            outcomes[vector.expect, default: 0] += 1
            try check(vector)
        }
        let skippedTotal = skipped.values.reduce(0, +)
        #expect(run == names.count - skippedTotal)
        #expect(run >= 60, "only \(run) X25519 vectors ran")
        // Each kind of outcome the suite has for X25519 files was exercised.
        for expect in ["success", "no match", "HMAC failure", "header failure", "payload failure"] {
            #expect((outcomes[expect] ?? 0) > 0, "no vector expecting \(expect) ran")
        }
        // Every skipped kind is actually present, so a change in the suite is noticed.
        for skip in Skip.allCases {
            #expect((skipped[skip] ?? 0) > 0, "no \(skip.rawValue) vector found to skip")
        }
        print("CCTV age: \(run) X25519 vectors run, skipped \(skipped.map { "\($0.value) \($0.key.rawValue)" }.sorted().joined(separator: ", ")) of \(names.count); outcomes \(outcomes.sorted { $0.key < $1.key })")
    }

    /// Decrypts one vector through the streaming API and checks the outcome.
    private func check(_ vector: Vector) throws {
        let identities = try vector.identities.map { try AgeIdentity(string: $0) }
        let outcome = streamDecrypt(vector.body, identities: identities)
        let comment = Comment(rawValue: "vector \(vector.name) (expect: \(vector.expect)), got \(outcome.error.map { "\($0)" } ?? "success")")
        switch vector.expect {
        case "success":
            #expect(outcome.error == nil, comment)
            #expect(sha256Hex(outcome.released) == vector.payloadHash, comment)
        case "HMAC failure":
            #expect(outcome.ageError == .headerMACMismatch, comment)
            #expect(outcome.released.isEmpty, comment)
        case "header failure":
            // A file whose first line is not the v1 version line is "not age" (empty file,
            // unsupported version); everything else, CR LF line ends included, is a
            // malformed header.
            let firstLine = vector.body.split(separator: UInt8(ascii: "\n"), maxSplits: 1, omittingEmptySubsequences: false).first ?? []
            if String(decoding: firstLine, as: UTF8.self).trimmingCharacters(in: ["\r"]) == "age-encryption.org/v1" {
                guard case .headerMalformed = outcome.ageError else {
                    Issue.record(comment)
                    return
                }
            } else {
                guard case .notAgeFile = outcome.ageError else {
                    Issue.record(comment)
                    return
                }
            }
            #expect(outcome.released.isEmpty, comment)
        case "no match":
            // With an X25519 stanza present the key is wrong; without one (say a lowercase
            // "x25519" type, which is another type) nothing was addressed to X25519 at all.
            let text = String(decoding: vector.body, as: UTF8.self)
            if text.contains("\n-> X25519 ") {
                guard case .noIdentityMatched = outcome.ageError else {
                    Issue.record(comment)
                    return
                }
            } else {
                guard case .unsupportedRecipientTypes(let types) = outcome.ageError, !types.isEmpty else {
                    Issue.record(comment)
                    return
                }
            }
            #expect(outcome.released.isEmpty, comment)
        case "payload failure":
            let expected = try #require(Self.payloadFailures[vector.name], "no expected error recorded for \(vector.name)")
            #expect(outcome.ageError == expected, comment)
            // Whatever was released before the failure is exactly the authenticated prefix.
            #expect(sha256Hex(outcome.released) == vector.payloadHash, comment)
        default:
            Issue.record("vector \(vector.name) has an expectation this test does not know: \(vector.expect)")
        }
    }

    /// Parses a vector file: `key: value` lines, an empty line, then the age file.
    static func parse(name: String, bytes: [UInt8], pigz: String) throws -> Vector {
        var lines: [String] = []
        var index = 0
        while true {
            let newline = try #require(bytes[index...].firstIndex(of: UInt8(ascii: "\n")), "vector \(name): no blank line ends its header")
            if newline == index { break }
            lines.append(String(decoding: bytes[index..<newline], as: UTF8.self))
            index = newline + 1
        }
        var vector = Vector(name: name, expect: "", body: Array(bytes[(index + 1)...]))
        for line in lines {
            let parts = line.split(separator: ": ", maxSplits: 1).map(String.init)
            try #require(parts.count == 2, "vector \(name): header line \"\(line)\" is not \"key: value\"")
            switch parts[0] {
            case "expect": vector.expect = parts[1]
            case "payload": vector.payloadHash = parts[1]
            case "identity": vector.identities.append(parts[1])
            case "passphrase": vector.passphrases.append(parts[1])
            case "armored": vector.armored = parts[1] == "yes"
            case "compressed": vector.compressed = parts[1]
            case "file key", "comment": break
            default: Issue.record("vector \(name): unknown header key \"\(parts[0])\"")
            }
        }
        try #require(!vector.expect.isEmpty, "vector \(name) has no expect line")
        if let compressed = vector.compressed {
            try #require(compressed == "zlib", "vector \(name): unknown compression \(compressed)")
            let scratch = TemporaryDirectory()
            try writeFile(scratch("body.zz"), vector.body)
            let result = try runProcess(pigz, ["-d", "-z", "-c", scratch("body.zz")])
            try #require(result.status == 0, "vector \(name): pigz could not inflate it: \(result.stderr)")
            vector.body = Array(result.stdout)
        }
        return vector
    }

    /// Why a vector is skipped, from its content: armor, passphrases, post-quantum identities.
    static func skipReason(_ vector: Vector) -> Skip? {
        if vector.armored { return .armored }
        if !vector.passphrases.isEmpty { return .scrypt }
        if vector.identities.contains(where: { $0.hasPrefix("AGE-SECRET-KEY-PQ-1") }) { return .hybrid }
        return nil
    }
}
