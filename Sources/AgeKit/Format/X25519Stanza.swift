import Crypto
import Foundation

/// The X25519 recipient stanza: wrapping a file key to a recipient and unwrapping it with an
/// identity, with swift-crypto's `Curve25519.KeyAgreement`, `HKDF<SHA256>` and `ChaChaPoly`.
///
///     -> X25519 <base64 ephemeral share>
///     <base64 of ChaCha20-Poly1305(wrap key, nonce 0, file key)>
///
/// wrap key = HKDF-SHA-256(ikm: shared secret, salt: share ‖ recipient,
/// info: "age-encryption.org/v1/X25519").
enum X25519Stanza {
    /// The stanza type.
    static let type = "X25519"
    /// The HKDF info of the wrap key.
    private static let label = Array("age-encryption.org/v1/X25519".utf8)
    /// The fixed ChaCha20-Poly1305 nonce of the body: 12 zero bytes.
    private static let zeroNonce = [UInt8](repeating: 0, count: 12)

    /// Wraps a file key to a recipient with a fresh ephemeral key.
    /// - Parameters:
    ///   - fileKey: The 16-byte file key.
    ///   - recipient: Whom the file is for.
    /// - Returns: The stanza.
    /// - Throws: ``AgeError/keyMalformed(file:line:problem:)`` with
    ///   ``AgeError/KeyProblem/lowOrderPoint`` if the recipient is a low-order point.
    static func wrap(fileKey: SymmetricKey, to recipient: AgeRecipient) throws(AgeError) -> Stanza {
        let ephemeral = Curve25519.KeyAgreement.PrivateKey()
        let share = Array(ephemeral.publicKey.rawRepresentation)
        guard let secret = try? ephemeral.sharedSecretFromKeyAgreement(with: recipient.publicKey),
              !isAllZero(secret)
        else {
            throw .keyMalformed(file: nil, line: nil, problem: .lowOrderPoint)
        }
        let wrapKey = secret.hkdfDerivedSymmetricKey(
            using: SHA256.self, salt: share + recipient.bytes, sharedInfo: label, outputByteCount: 32)
        do {
            let sealed = try ChaChaPoly.seal(fileKey.bytes, using: wrapKey, nonce: ChaChaPoly.Nonce(data: zeroNonce))
            return Stanza(type: type, arguments: [Base64.encodeString(share)], body: Array(sealed.ciphertext + sealed.tag))
        } catch {
            preconditionFailure("ChaChaPoly.seal with a 32-byte key and a 12-byte nonce cannot fail: \(error)")
        }
    }

    /// Checks an X25519 stanza's form, as the specification requires before any decryption.
    /// - Returns: The 32-byte ephemeral share.
    /// - Throws: ``AgeError/headerMalformed(line:problem:)`` naming the stanza's line if it
    ///   does not have exactly one argument after its type, the share is not the canonical
    ///   base64 of 32 bytes, or the body is not 32 bytes.
    static func validate(_ stanza: Stanza) throws(AgeError) -> [UInt8] {
        guard stanza.arguments.count == 1 else {
            throw .headerMalformed(line: stanza.line, problem: .x25519ArgumentCount(stanza.arguments.count))
        }
        guard let share = Base64.decode(Array(stanza.arguments[0].utf8)), share.count == 32 else {
            throw .headerMalformed(line: stanza.line, problem: .x25519ShareInvalid)
        }
        guard stanza.body.count == 32 else {
            throw .headerMalformed(line: stanza.line, problem: .x25519BodyLength(stanza.body.count))
        }
        return share
    }

    /// Tries to unwrap the file key of a validated X25519 stanza with one identity.
    /// - Parameters:
    ///   - stanza: A stanza that passed ``validate(_:)``.
    ///   - share: The share ``validate(_:)`` returned.
    ///   - identity: The identity to try.
    /// - Returns: The 16-byte file key, or `nil` if the stanza is not for this identity.
    /// - Throws: ``AgeError/headerMalformed(line:problem:)`` with
    ///   ``AgeError/HeaderProblem/x25519ZeroSharedSecret`` if the share is a low-order point.
    static func unwrap(_ stanza: Stanza, share: [UInt8], with identity: AgeIdentity) throws(AgeError) -> SymmetricKey? {
        guard let publicShare = try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: share),
              let secret = try? identity.privateKey.sharedSecretFromKeyAgreement(with: publicShare),
              !isAllZero(secret)
        else {
            throw .headerMalformed(line: stanza.line, problem: .x25519ZeroSharedSecret)
        }
        let wrapKey = secret.hkdfDerivedSymmetricKey(
            using: SHA256.self, salt: share + identity.recipient.bytes, sharedInfo: label, outputByteCount: 32)
        guard let box = try? ChaChaPoly.SealedBox(combined: zeroNonce + stanza.body),
              let fileKey = try? ChaChaPoly.open(box, using: wrapKey)
        else { return nil }
        return SymmetricKey(data: fileKey)
    }

    private static func isAllZero(_ secret: SharedSecret) -> Bool {
        secret.withUnsafeBytes { bytes in bytes.reduce(0) { $0 | $1 } == 0 }
    }
}

extension SymmetricKey {
    /// The key's bytes.
    var bytes: [UInt8] { withUnsafeBytes { Array($0) } }
}
