import AgeKit
import Foundation

/// The keys a district (or a station, for status archives) accepts signatures from.
///
/// On disk a trust directory holds one `NAME.pub` signify public key per station (the file's
/// name is the station's name) and optionally `revoked.txt`: one revoked key per line,
/// `KEYID [reason…]`, with `#` starting a comment. An unknown or revoked key is an error,
/// never a warning. A `NAME.age.pub` beside them (the age recipient `enroll keys generate`
/// writes) is read as an age recipients file, never as a signify key: it signs nothing, so it
/// is kept apart in ``recipients``.
public struct TrustStore: Sendable {
    /// A trusted key and who holds it.
    public struct Entry: Sendable {
        /// The station or district the key belongs to.
        public var name: String
        /// The key.
        public var key: SignifyPublicKey
        /// Where the key came from (a file path or a store).
        public var source: String
    }

    /// The trusted keys by key ID.
    public private(set) var keys: [KeyID: Entry] = [:]
    /// The revoked keys with their reasons.
    public private(set) var revoked: [KeyID: String] = [:]
    /// The age recipients of the directory's `NAME.age.pub` files, by name. They are what
    /// archives for that station or district are encrypted to, and are never trusted to sign.
    public private(set) var recipients: [String: [AgeRecipient]] = [:]

    /// An empty trust store, which trusts nobody.
    public init() {}

    /// Loads a trust directory.
    /// - Throws: `EnrollError` if the directory cannot be read, a `.pub` file is not a public
    ///   key, a `.age.pub` file is not an age recipients file (`sig.trust-recipient-malformed`),
    ///   or two files hold the same key ID.
    public init(directory: String) throws {
        guard DirectoryWalker.kind(of: directory) == .directory else {
            throw EnrollError.io(
                .sigTrustMissing, Location(file: directory),
                zh: "信任目录不存在或不是目录。请指定存放各站点 .pub 公钥的目录。",
                en: "The trust directory does not exist or is not a directory. Name the directory that holds the stations' .pub keys.")
        }
        for entry in try DirectoryWalker.walk(directory) where entry.kind == .file && !entry.path.contains("/") {
            let path = directory + "/" + entry.path
            if entry.path.hasSuffix(".age.pub") {
                try addRecipients(path, name: String(entry.path.dropLast(8)))
            } else if entry.path.hasSuffix(".pub") {
                try add(SignifyPublicKey(contentsOf: path), name: String(entry.path.dropLast(4)), source: path)
            } else if entry.path == "revoked.txt" {
                try loadRevocations(path)
            }
        }
    }

    private mutating func addRecipients(_ path: String, name: String) throws {
        do throws(AgeError) {
            recipients[name] = try AgeRecipient.readRecipientsFile(atPath: path)
        } catch {
            throw EnrollError.invalid(
                .sigTrustRecipientMalformed, Location(file: path),
                zh: "“\(name).age.pub”不是 age 收件人文件（每行一个 age1… 公钥）：\(error.chinese)请换成 enroll keys generate 写出的 .age.pub，或把它移出信任目录。",
                en: "\"\(name).age.pub\" is not an age recipients file (one age1… key per line): \(error.english) Replace it with the .age.pub that enroll keys generate wrote, or move it out of the trust directory.")
        }
    }

    /// Trusts a key for a station.
    /// - Throws: `EnrollError` if another station already holds the same key ID.
    public mutating func add(_ key: SignifyPublicKey, name: String, source: String) throws {
        if let existing = keys[key.keyID], existing.key != key || existing.name != name {
            throw EnrollError.invalid(
                .sigTrustDuplicate, Location(file: source),
                zh: "密钥 \(key.keyID) 已属于“\(existing.name)”（\(existing.source)），同一密钥号不能属于两个站点。",
                en: "Key \(key.keyID) already belongs to \"\(existing.name)\" (\(existing.source)); one key ID cannot belong to two stations.")
        }
        keys[key.keyID] = Entry(name: name, key: key, source: source)
    }

    /// Revokes a key.
    public mutating func revoke(_ keyID: KeyID, reason: String) {
        revoked[keyID] = reason
    }

    /// Adds every key and revocation of another store.
    public mutating func merge(_ other: TrustStore) throws {
        for entry in other.keys.values { try add(entry.key, name: entry.name, source: entry.source) }
        for (id, reason) in other.revoked { revoked[id] = reason }
        recipients.merge(other.recipients) { $1 }
    }

    private mutating func loadRevocations(_ path: String) throws {
        let text = String(decoding: try FileIO.readAll(path), as: UTF8.self)
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let parts = line.split(maxSplits: 1, whereSeparator: { $0 == " " || $0 == "\t" })
            guard let first = parts.first else { continue }
            guard let id = KeyID(first) else {
                throw EnrollError.invalid(
                    .sigRevocationMalformed, Location(file: path, line: index + 1),
                    zh: "吊销列表行应以 16 位十六进制密钥号开头。",
                    en: "A revocation line must start with a 16-digit hexadecimal key ID.")
            }
            revoked[id] = parts.count > 1 ? String(parts[1]).trimmingCharacters(in: [" ", "\t", "\r"]) : ""
        }
    }

    /// What a trust check decided.
    public enum Verdict: Sendable {
        /// The signature is good and its key trusted and not revoked.
        case trusted(Entry)
        /// The signature is refused, for the reason given.
        case rejected(Diagnostic)
    }

    /// Checks a signature over a message against the store.
    /// - Parameters:
    ///   - signature: The signature.
    ///   - message: The signed bytes.
    ///   - location: Where the signature file is, for diagnostics.
    /// - Returns: The signer's entry when the signature is valid and the key trusted and not
    ///   revoked; otherwise the diagnostic saying why not.
    public func verify(
        _ signature: SignifySignature, message: some DataProtocol, location: Location
    ) -> Verdict {
        let id = signature.keyID
        if let reason = revoked[id] {
            let who = keys[id].map { "“\($0.name)”" } ?? ""
            let whoEn = keys[id].map { " (\"\($0.name)\")" } ?? ""
            return .rejected(.error(
                .sigRevokedKey, location,
                zh: "签名密钥 \(id)\(who) 已被吊销\(reason.isEmpty ? "" : "：\(reason)")。用该密钥签名的材料不予接受，请站点用新密钥重新签名。",
                en: "The signing key \(id)\(whoEn) has been revoked\(reason.isEmpty ? "" : ": \(reason)"). Material signed with it is not accepted; the station must sign again with a new key."))
        }
        guard let entry = keys[id] else {
            return .rejected(.error(
                .sigUntrustedKey, location,
                zh: "签名密钥 \(id) 不在信任列表中。若这是新站点，请先把它的 .pub 公钥加入信任目录。",
                en: "The signing key \(id) is not in the trust store. If this is a new station, add its .pub key to the trust directory first."))
        }
        guard entry.key.isValidSignature(signature, for: message) else {
            return .rejected(.error(
                .sigInvalid, location,
                zh: "签名无效：被签名的内容在签名后被改动，或签名文件已损坏（密钥 \(id)，\(entry.name)）。",
                en: "The signature does not verify: the signed content was changed after signing, or the signature file is damaged (key \(id), \(entry.name))."))
        }
        return .trusted(entry)
    }
}
