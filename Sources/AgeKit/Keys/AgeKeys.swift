import Crypto
import Foundation

/// An age X25519 identity: the secret key that decrypts files encrypted to its ``recipient``.
///
/// Written as Bech32 with the type `AGE-SECRET-KEY-`, in uppercase:
/// `AGE-SECRET-KEY-1…` (74 characters), as `age-keygen` prints it. Its description never shows
/// the secret, only the public recipient.
public struct AgeIdentity: Sendable {
    /// The Bech32 type of an X25519 identity.
    static let bech32Type = "AGE-SECRET-KEY-"

    /// The X25519 private key (`Curve25519.KeyAgreement.PrivateKey`).
    public let privateKey: Curve25519.KeyAgreement.PrivateKey

    /// Wraps an existing X25519 private key.
    /// - Parameter privateKey: The key.
    public init(privateKey: Curve25519.KeyAgreement.PrivateKey) {
        self.privateKey = privateKey
    }

    /// Creates a new random identity (32 bytes from the system's CSPRNG, via swift-crypto).
    /// - Returns: The identity.
    public static func generate() -> AgeIdentity {
        AgeIdentity(privateKey: Curve25519.KeyAgreement.PrivateKey())
    }

    /// Parses an identity string `AGE-SECRET-KEY-1…`.
    ///
    /// Like `age`, only the uppercase form is accepted, with surrounding whitespace ignored.
    /// - Parameter string: The identity.
    /// - Throws: ``AgeError/keyMalformed(file:line:problem:)`` (without a location) if it is
    ///   not valid Bech32, not of the `AGE-SECRET-KEY-` type, or not 32 bytes.
    public init(string: String) throws(AgeError) {
        let data = try KeyNames.decodeKey(string, type: Self.bech32Type)
        guard let key = try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: data) else {
            throw .keyMalformed(file: nil, line: nil, problem: .wrongLength(expected: 32, found: data.count))
        }
        self.privateKey = key
    }

    /// The identity as `AGE-SECRET-KEY-1…`, the form `age -i` reads.
    ///
    /// This is the secret: write it only to a file with mode 0600
    /// (``AgeIdentity/writeIdentityFile(atPath:created:timeZone:)``).
    public var string: String {
        Bech32.encode(hrp: Self.bech32Type, data: Array(privateKey.rawRepresentation), uppercase: true)
    }

    /// The public recipient that files for this identity are encrypted to.
    public var recipient: AgeRecipient {
        AgeRecipient(publicKey: privateKey.publicKey)
    }
}

extension AgeIdentity: CustomStringConvertible, CustomDebugStringConvertible {
    /// `AgeIdentity(age1…)`: the recipient only, never the secret.
    public var description: String { "AgeIdentity(\(recipient.string))" }

    /// Same as ``description``: the secret is never printed.
    public var debugDescription: String { description }
}

/// An age X25519 recipient: the public key that files are encrypted to.
///
/// Written as lowercase Bech32 with the type `age`: `age1…` (62 characters), as
/// `age-keygen -y` prints it and `age -r` takes it.
public struct AgeRecipient: Hashable, Sendable {
    /// The Bech32 type of an X25519 recipient.
    static let bech32Type = "age"

    /// The X25519 public key (`Curve25519.KeyAgreement.PublicKey`).
    public let publicKey: Curve25519.KeyAgreement.PublicKey

    /// Wraps an existing X25519 public key.
    /// - Parameter publicKey: The key.
    public init(publicKey: Curve25519.KeyAgreement.PublicKey) {
        self.publicKey = publicKey
    }

    /// Parses a recipient string `age1…`.
    ///
    /// Like `age`, only the lowercase form is accepted, with surrounding whitespace ignored.
    /// - Parameter string: The recipient.
    /// - Throws: ``AgeError/keyMalformed(file:line:problem:)`` (without a location) if it is
    ///   not valid Bech32, not of the `age` type (post-quantum `age1pq1…`, tagged or plugin
    ///   recipients are other types), or not 32 bytes.
    public init(string: String) throws(AgeError) {
        let data = try KeyNames.decodeKey(string, type: Self.bech32Type)
        guard let key = try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: data) else {
            throw .keyMalformed(file: nil, line: nil, problem: .wrongLength(expected: 32, found: data.count))
        }
        self.publicKey = key
    }

    /// The recipient as `age1…`, the form `age -r` takes.
    public var string: String {
        Bech32.encode(hrp: Self.bech32Type, data: Array(publicKey.rawRepresentation))
    }

    /// The 32 bytes of the public key.
    var bytes: [UInt8] { Array(publicKey.rawRepresentation) }

    /// Whether two recipients are the same public key.
    public static func == (lhs: AgeRecipient, rhs: AgeRecipient) -> Bool {
        lhs.publicKey.rawRepresentation == rhs.publicKey.rawRepresentation
    }

    /// Hashes the public key's bytes.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(publicKey.rawRepresentation)
    }
}

extension AgeRecipient: CustomStringConvertible {
    /// The recipient as `age1…`.
    public var description: String { string }
}

/// Names of key types for error messages, so that a message never echoes unknown text from
/// a line (which could be part of a secret).
enum KeyNames {
    /// Decodes a Bech32 key string of one type into its 32 bytes.
    /// - Throws: ``AgeError/keyMalformed(file:line:problem:)`` if it is not valid Bech32, not of
    ///   `type`, or not 32 bytes long.
    static func decodeKey(_ string: String, type: String) throws(AgeError) -> [UInt8] {
        let trimmed = string.trimmingCharacters(in: .whitespacesAndNewlines)
        let decoded: (hrp: String, data: [UInt8])
        do {
            decoded = try Bech32.decode(trimmed)
        } catch {
            throw refine(error, for: trimmed, expected: type)
        }
        guard decoded.hrp == type else {
            throw .keyMalformed(file: nil, line: nil, problem: .wrongType(expected: type, found: describe(hrp: decoded.hrp)))
        }
        guard decoded.data.count == 32 else {
            throw .keyMalformed(file: nil, line: nil, problem: .wrongLength(expected: 32, found: decoded.data.count))
        }
        return decoded.data
    }

    /// Key types age knows, by Bech32 type or line prefix, for "wrong type" messages.
    private static let known: [String] = [
        "AGE-SECRET-KEY-PQ-", "AGE-SECRET-KEY-", "AGE-PLUGIN-", "age1pq", "age1tagpq", "age1tag", "age",
    ]

    /// A printable name for a Bech32 type: the type itself if age knows it, else "unknown".
    static func describe(hrp: String) -> String {
        if let match = known.first(where: { hrp == $0 }) { return match }
        if let match = known.first(where: { hrp.lowercased() == $0.lowercased() }) { return match + " (wrong case)" }
        if hrp.hasPrefix("AGE-PLUGIN-") { return "AGE-PLUGIN-…" }
        if hrp.hasPrefix("age1") { return "age1… (plugin)" }
        return "unknown"
    }

    /// Turns a Bech32 failure into the most helpful error: a line that is plainly another
    /// kind of key (an SSH key, say) is reported as a wrong type, not as bad Bech32.
    static func refine(_ error: AgeError, for string: String, expected: String) -> AgeError {
        for prefix in ["ssh-ed25519 ", "ssh-rsa ", "-----BEGIN"] where string.hasPrefix(prefix) {
            let found = prefix.hasPrefix("-") ? "PEM (-----BEGIN …)" : prefix.trimmingCharacters(in: .whitespaces)
            return .keyMalformed(file: nil, line: nil, problem: .wrongType(expected: expected, found: found))
        }
        return error
    }
}
