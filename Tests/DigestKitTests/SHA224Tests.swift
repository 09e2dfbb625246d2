import DigestKit
import Testing

@Suite("SHA-224 over libcrypto")
struct SHA224Tests {
    private func hex(_ bytes: [UInt8]) -> String {
        bytes.map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
        }.joined()
    }

    /// FIPS 180-4 example vectors (NIST CSRC "SHA224.pdf").
    @Test func knownAnswerVectors() throws {
        #expect(hex(try SHA224Digest.hash(Array("abc".utf8)))
            == "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7")
        #expect(hex(try SHA224Digest.hash([UInt8]()))
            == "d14a028c2a3a2bc9476102bb288234c415a2b01f828ea62ac5b3e42f")
        #expect(hex(try SHA224Digest.hash(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)))
            == "75388b16512776cc5dba5da1fd890150b0c6455cb4f58b1952522525")
    }

    @Test func incrementalUpdatesEqualOneShot() throws {
        let bytes = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let digest = try SHA224Digest()
        for chunk in stride(from: 0, to: bytes.count, by: 777) {
            try Array(bytes[chunk..<min(chunk + 777, bytes.count)]).withUnsafeBytes { try digest.update($0) }
        }
        #expect(try digest.finalize() == (try SHA224Digest.hash(bytes)))
    }

    @Test func finalizeLeavesTheDigestRunning() throws {
        let digest = try SHA224Digest()
        try Array("ab".utf8).withUnsafeBytes { try digest.update($0) }
        let partial = try digest.finalize()
        #expect(partial == (try SHA224Digest.hash(Array("ab".utf8))))
        #expect(try digest.finalize() == partial)
        try Array("c".utf8).withUnsafeBytes { try digest.update($0) }
        #expect(hex(try digest.finalize()) == "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7")
    }
}
