import AgeKit
import Foundation
import Testing

/// The random-access plaintext view (`AgeRandomAccessPayload`): the same bytes as the stream
/// at any offset and length, every chunk authenticated before it is released, the length
/// authenticated on opening, and never a file accepted that the streaming decryptor refuses.
@Suite("Random access to an age file's plaintext")
struct RandomAccessTests {
    static let chunk = Age.chunkSize
    static let sealedChunk = Age.chunkSize + 16

    /// Opens an in-memory age file for random access.
    static func open(_ ciphertext: [UInt8], _ identities: [AgeIdentity]) throws -> AgeRandomAccessPayload {
        try AgeRandomAccessPayload(identities: identities, ciphertextSize: Int64(ciphertext.count)) { offset, buffer in
            guard offset < Int64(ciphertext.count) else { return 0 }
            let count = min(buffer.count, ciphertext.count - Int(offset))
            ciphertext.withUnsafeBytes { raw in
                buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[Int(offset)..<(Int(offset) + count)]))
            }
            return count
        }
    }

    /// Reads `count` bytes at `offset` through `read` (the authenticated or the planning read).
    static func read(
        _ payload: AgeRandomAccessPayload, at offset: Int64, count: Int, planning: Bool = false
    ) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let got = try bytes.withUnsafeMutableBytes { raw in
            planning ? try payload.readUnauthenticated(at: offset, into: raw) : try payload.read(at: offset, into: raw)
        }
        return Array(bytes.prefix(got))
    }

    /// The whole plaintext in reads of `step` bytes.
    static func readAll(_ payload: AgeRandomAccessPayload, step: Int) throws -> [UInt8] {
        var output: [UInt8] = []
        while true {
            let piece = try read(payload, at: Int64(output.count), count: step)
            if piece.isEmpty { return output }
            output += piece
        }
    }

    @Test(arguments: InteropTests.sizes)
    func everyOffsetAndLengthReadsWhatTheStreamReads(size: Int) throws {
        let identity = AgeIdentity.generate()
        let plaintext = pseudoRandomBytes(size, seed: UInt64(size) + 300)
        let payload = try Self.open(try Age.encrypt(plaintext, to: [identity.recipient]), [identity])
        #expect(payload.plaintextSize == Int64(size))
        for step in [1 << 20, Self.chunk, 100_000, 4096 + 7] {
            #expect(try Self.readAll(payload, step: step) == plaintext, "reads of \(step) bytes")
        }
        // Ranges across chunk boundaries, at the ends, and past the end.
        var generator = SplitMix(seed: UInt64(size))
        for _ in 0..<200 where size > 0 {
            let offset = Int(generator.next() % UInt64(size))
            let count = 1 + Int(generator.next() % UInt64(3 * Self.chunk))
            let expected = Array(plaintext[offset..<min(size, offset + count)])
            #expect(try Self.read(payload, at: Int64(offset), count: count) == expected, "\(count) at \(offset)")
            #expect(try Self.read(payload, at: Int64(offset), count: count, planning: true) == expected, "planning: \(count) at \(offset)")
        }
        #expect(try Self.read(payload, at: Int64(size), count: 10).isEmpty)
        #expect(try Self.read(payload, at: Int64(size) + 12_345, count: 10, planning: true).isEmpty)
    }

    @Test func readsFromSeveralThreadsAtOnce() throws {
        let identity = AgeIdentity.generate()
        let plaintext = pseudoRandomBytes(40 * Self.chunk + 999, seed: 7)
        let payload = try Self.open(try Age.encrypt(plaintext, to: [identity.recipient]), [identity])
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: 8) { part in
            let start = part * plaintext.count / 8
            let end = (part + 1) * plaintext.count / 8
            var offset = start
            while offset < end {
                let count = min(70_001, end - offset)
                let got = (try? Self.read(payload, at: Int64(offset), count: count)) ?? []
                if got != Array(plaintext[offset..<(offset + count)]) { failures.add("part \(part) at \(offset)") }
                offset += count
            }
        }
        #expect(failures.all.isEmpty, "\(failures.all)")
    }

    @Test func readsWhatTheAgeToolEncrypted() throws {
        let age = try requireTool("age", package: "age")
        let directory = TemporaryDirectory()
        let identity = AgeIdentity.generate()
        let plaintext = pseudoRandomBytes(5 * Self.chunk + 17, seed: 11)
        try writeFile(directory("in"), plaintext)
        let result = try runProcess(age, ["-r", identity.recipient.string, "-o", directory("file.age"), directory("in")])
        #expect(result.status == 0, "age -r failed: \(result.stderr)")
        let payload = try Self.open(try readFile(directory("file.age")), [identity])
        #expect(try Self.readAll(payload, step: 123_457) == plaintext)
    }

    @Test func aTamperedInnerChunkFailsOnlyTheReadsThatTouchIt() throws {
        let identity = AgeIdentity.generate()
        let plaintext = pseudoRandomBytes(4 * Self.chunk + 500, seed: 21)
        var ciphertext = try Age.encrypt(plaintext, to: [identity.recipient])
        let payloadStart = ciphertext.count - (4 * Self.sealedChunk + 500 + 16)
        ciphertext[payloadStart + Self.sealedChunk + 1000] ^= 0x20  // inside chunk 1
        let payload = try Self.open(ciphertext, [identity])
        #expect(try Self.read(payload, at: 0, count: Self.chunk) == Array(plaintext[..<Self.chunk]))
        #expect(try Self.read(payload, at: Int64(2 * Self.chunk), count: 2 * Self.chunk + 500) == Array(plaintext[(2 * Self.chunk)...]))
        #expect(throws: AgeError.payloadAuthenticationFailed(chunk: 1)) {
            try Self.read(payload, at: Int64(Self.chunk) - 10, count: 20)
        }
        #expect(throws: AgeError.payloadAuthenticationFailed(chunk: 1)) { try Self.readAll(payload, step: 1 << 20) }
        // The planning read does not authenticate: it shows the flipped bit, as documented.
        let planned = try Self.read(payload, at: Int64(Self.chunk + 1000), count: 1, planning: true)
        #expect(planned == [plaintext[Self.chunk + 1000] ^ 0x20])
    }

    @Test func theEndIsAuthenticatedOnOpening() throws {
        let identity = AgeIdentity.generate()
        let other = AgeIdentity.generate()
        let plaintext = pseudoRandomBytes(3 * Self.chunk + 200, seed: 31)
        let good = try Age.encrypt(plaintext, to: [identity.recipient])
        let payloadStart = good.count - (3 * Self.sealedChunk + 200 + 16)

        var flippedFinal = good
        flippedFinal[flippedFinal.count - 5] ^= 0x01
        #expect(throws: AgeError.payloadAuthenticationFailed(chunk: 3)) { try Self.open(flippedFinal, [identity]) }
        // Cut at a chunk boundary: the last chunk left opens only as an inner one.
        #expect(throws: AgeError.truncated(chunks: 3)) {
            try Self.open(Array(good[..<(payloadStart + 3 * Self.sealedChunk)]), [identity])
        }
        #expect(throws: AgeError.payloadAuthenticationFailed(chunk: 3)) { try Self.open(Array(good.dropLast(100)), [identity]) }
        #expect(throws: AgeError.payloadAuthenticationFailed(chunk: 3)) { try Self.open(good + [0x00], [identity]) }
        #expect(throws: AgeError.truncated(chunks: 0)) { try Self.open(Array(good[..<payloadStart]), [identity]) }
        #expect(throws: AgeError.noIdentityMatched(x25519Stanzas: 1, identities: 1)) { try Self.open(good, [other]) }
        var badMAC = good
        let text = String(decoding: good.prefix(payloadStart), as: UTF8.self)
        let mac = try #require(text.range(of: "\n--- "))
        let macIndex = text.utf8.distance(from: text.startIndex, to: mac.upperBound)
        badMAC[macIndex] = badMAC[macIndex] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        #expect(throws: AgeError.headerMACMismatch) { try Self.open(badMAC, [identity]) }
    }

    /// The view never accepts a CCTV vector the streaming decryptor refuses, and reads every
    /// accepted one exactly; header failures are the same errors.
    @Test func everyX25519VectorIsAcceptedOnlyWhereTheStreamAcceptsIt() throws {
        let directory = try #require(conformanceDirectory, "shared/conformance/age/testdata not found above \(#filePath)")
        let pigz = try requireTool("pigz", package: "pigz")
        var run = 0
        var refusedOnOpening = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: directory).sorted() {
            let vector = try ConformanceTests.parse(name: name, bytes: readFile(directory + "/" + name), pigz: pigz)
            guard ConformanceTests.skipReason(vector) == nil else { continue }
            run += 1
            let identities = try vector.identities.map { try AgeIdentity(string: $0) }
            let stream = streamDecrypt(vector.body, identities: identities)
            var plaintext: [UInt8]?
            var failure: (any Error)?
            do {
                let payload = try Self.open(vector.body, identities)
                do {
                    plaintext = try Self.readAll(payload, step: 50_000)
                } catch {
                    failure = error
                }
            } catch {
                refusedOnOpening += 1
                failure = error
            }
            if vector.expect == "success" {
                #expect(failure == nil && plaintext.map(sha256Hex) == vector.payloadHash, "\(name): \(String(describing: failure))")
            } else {
                #expect(failure != nil && stream.error != nil, "\(name) (expect: \(vector.expect)) was accepted")
                if vector.expect != "payload failure" {
                    #expect(failure as? AgeError == stream.ageError, "\(name): the header's error is the stream's")
                }
            }
        }
        #expect(run >= 60, "only \(run) X25519 vectors ran")
        #expect(refusedOnOpening > 0)
    }
}

/// SplitMix64, for reproducible offsets.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Failures collected from several threads.
final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func add(_ failure: String) { lock.withLock { list.append(failure) } }
    var all: [String] { lock.withLock { list } }
}
