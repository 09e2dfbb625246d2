import Crypto
import DigestKit
import Foundation

/// A checksum algorithm a BagIt manifest can name (`manifest-<algorithm>.txt`).
///
/// RFC 8493 recommends SHA-256 and SHA-512; MD5 and SHA-1 appear in older bags and are accepted
/// with a warning. Hashing comes from swift-crypto.
public enum ChecksumAlgorithm: String, CaseIterable, Comparable {
    case md5
    case sha1
    case sha224
    case sha256
    case sha384
    case sha512

    /// Whether the algorithm is too weak to protect a bag against deliberate tampering.
    public var isWeak: Bool { self == .md5 || self == .sha1 }

    /// The length of a digest in hexadecimal digits.
    public var hexLength: Int {
        switch self {
        case .md5: 32
        case .sha1: 40
        case .sha224: 56
        case .sha256: 64
        case .sha384: 96
        case .sha512: 128
        }
    }

    /// Strongest first, as used to pick the algorithm that decides.
    public static func < (lhs: ChecksumAlgorithm, rhs: ChecksumAlgorithm) -> Bool {
        lhs.hexLength < rhs.hexLength
    }
}

extension ChecksumAlgorithm: Sendable {}

/// Computes several digests of one stream of bytes in a single pass.
///
/// A bag with both a SHA-256 and a SHA-512 manifest has each payload file read once.
struct MultiHasher {
    private enum State {
        case md5(Insecure.MD5)
        case sha1(Insecure.SHA1)
        case sha256(SHA256)
        case sha384(SHA384)
        case sha512(SHA512)
        case sha224(SHA224Digest)
    }

    private var states: [(ChecksumAlgorithm, State)]

    /// Creates a hasher for the supported algorithms among `algorithms`.
    init(_ algorithms: some Sequence<ChecksumAlgorithm>) {
        states = algorithms.compactMap { algorithm in
            switch algorithm {
            case .md5: (algorithm, .md5(Insecure.MD5()))
            case .sha1: (algorithm, .sha1(Insecure.SHA1()))
            case .sha256: (algorithm, .sha256(SHA256()))
            case .sha384: (algorithm, .sha384(SHA384()))
            case .sha512: (algorithm, .sha512(SHA512()))
            case .sha224: (algorithm, .sha224(Self.makeSHA224()))
            }
        }
    }

    /// Feeds bytes to every digest.
    mutating func update(_ buffer: UnsafeRawBufferPointer) {
        for index in states.indices {
            switch states[index].1 {
            case .md5(var h): h.update(bufferPointer: buffer); states[index].1 = .md5(h)
            case .sha1(var h): h.update(bufferPointer: buffer); states[index].1 = .sha1(h)
            case .sha256(var h): h.update(bufferPointer: buffer); states[index].1 = .sha256(h)
            case .sha384(var h): h.update(bufferPointer: buffer); states[index].1 = .sha384(h)
            case .sha512(var h): h.update(bufferPointer: buffer); states[index].1 = .sha512(h)
            case .sha224(let h): Self.checked { () throws(DigestError) in try h.update(buffer) }
            }
        }
    }

    /// A SHA-224 context from libcrypto (swift-crypto has no SHA-224).
    private static func makeSHA224() -> SHA224Digest {
        checked { () throws(DigestError) in try SHA224Digest() }
    }

    /// Runs a libcrypto call. libcrypto's digest calls fail only when it cannot allocate
    /// memory, which leaves nothing sensible to report a digest for; the process stops with
    /// libcrypto's message rather than report a digest that was never computed.
    private static func checked<T>(_ body: () throws(DigestError) -> T) -> T {
        do {
            return try body()
        } catch {
            fatalError("libcrypto SHA-224 failed in \(error.function): \(error.message)")
        }
    }

    /// The lower-case hexadecimal digests, by algorithm.
    func finalize() -> [ChecksumAlgorithm: String] {
        var result: [ChecksumAlgorithm: String] = [:]
        for (algorithm, state) in states {
            switch state {
            case .md5(let h): result[algorithm] = Hex.encode(h.finalize())
            case .sha1(let h): result[algorithm] = Hex.encode(h.finalize())
            case .sha256(let h): result[algorithm] = Hex.encode(h.finalize())
            case .sha384(let h): result[algorithm] = Hex.encode(h.finalize())
            case .sha512(let h): result[algorithm] = Hex.encode(h.finalize())
            case .sha224(let h): result[algorithm] = Hex.encode(Self.checked { () throws(DigestError) in try h.finalize() })
            }
        }
        return result
    }
}

/// SHA-256 of bytes in memory, as lower-case hexadecimal.
func sha256Hex(_ bytes: some DataProtocol) -> String {
    Hex.encode(SHA256.hash(data: bytes))
}
