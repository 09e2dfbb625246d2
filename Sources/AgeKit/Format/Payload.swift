import Crypto
import Foundation

/// The key schedule and chunk nonces of the age payload (STREAM with ChaCha20-Poly1305).
///
/// payload key = HKDF-SHA-256(ikm: file key, salt: 16-byte nonce, info: "payload"); each
/// 64 KiB chunk is sealed with the 12-byte nonce `counter (11 bytes, big endian) ‖ last flag`.
enum Payload {
    /// Plaintext bytes per chunk.
    static let chunkSize = 64 * 1024
    /// The Poly1305 tag after each chunk's ciphertext.
    static let tagSize = 16
    /// Ciphertext bytes of a full chunk.
    static let sealedChunkSize = chunkSize + tagSize
    /// The random nonce at the start of the payload.
    static let nonceSize = 16

    /// Derives the payload key from the file key and the payload nonce.
    static func key(fileKey: SymmetricKey, nonce: [UInt8]) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(
            inputKeyMaterial: fileKey, salt: nonce, info: Array("payload".utf8), outputByteCount: 32)
    }

    /// Derives the header MAC key from the file key.
    static func macKey(fileKey: SymmetricKey) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(
            inputKeyMaterial: fileKey, salt: [UInt8](), info: Array("header".utf8), outputByteCount: 32)
    }

    /// The header MAC: HMAC-SHA-256 over the header up to and including `---`.
    static func mac(header: [UInt8], fileKey: SymmetricKey) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: header, using: macKey(fileKey: fileKey)))
    }

    /// Whether a MAC is right for a header, compared in constant time by swift-crypto.
    static func isValidMAC(_ mac: [UInt8], header: [UInt8], fileKey: SymmetricKey) -> Bool {
        HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: header, using: macKey(fileKey: fileKey))
    }

    /// The 12-byte STREAM nonce of chunk `index`: the index as an 11-byte big-endian
    /// counter, then the last-chunk flag.
    static func nonceBytes(chunk index: Int64, last: Bool) -> [UInt8] {
        precondition(index >= 0)
        var nonce = [UInt8](repeating: 0, count: 12)
        var rest = UInt64(index)
        for position in stride(from: 10, through: 3, by: -1) {
            nonce[position] = UInt8(truncatingIfNeeded: rest)
            rest >>= 8
        }
        nonce[11] = last ? 1 : 0
        return nonce
    }

    /// `count` bytes from the system's CSPRNG, through swift-crypto's key generation.
    static func randomBytes(_ count: Int) -> [UInt8] {
        SymmetricKey(size: SymmetricKeySize(bitCount: count * 8)).bytes
    }
}

/// The STREAM nonce of the current chunk: an 11-byte big-endian counter and the last-chunk flag.
struct ChunkCounter {
    /// The zero-based index of the current chunk.
    private(set) var index = 0
    private var bytes = [UInt8](repeating: 0, count: 12)

    /// The ChaCha20-Poly1305 nonce of the current chunk.
    /// - Parameter last: Whether the chunk is the final one.
    func nonce(last: Bool) -> ChaChaPoly.Nonce {
        var nonce = bytes
        nonce[11] = last ? 1 : 0
        return try! ChaChaPoly.Nonce(data: nonce)  // 12 bytes, always valid.
    }

    /// The nonce bytes of the current chunk.
    func nonceBytes(last: Bool) -> [UInt8] {
        var nonce = bytes
        nonce[11] = last ? 1 : 0
        return nonce
    }

    /// Moves on to the next chunk.
    mutating func advance() {
        index += 1
        // Increment the 11-byte big-endian counter in bytes 0..<11.
        var position = 10
        while position >= 0 {
            bytes[position] &+= 1
            if bytes[position] != 0 { break }
            position -= 1
        }
    }
}
