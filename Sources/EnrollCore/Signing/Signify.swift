import AgeKit
import Crypto
import Foundation

/// An 8-byte signify key number, shown as 16 hexadecimal digits (the `Enroll-Key-ID`).
public struct KeyID: Hashable, Comparable, CustomStringConvertible {
    /// The raw key number.
    public let bytes: [UInt8]

    /// Creates a key ID from 8 bytes.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 8 else { return nil }
        self.bytes = bytes
    }

    /// Parses 16 hexadecimal digits.
    public init?(_ text: some StringProtocol) {
        guard text.count == 16, let bytes = Hex.decode(text) else { return nil }
        self.bytes = bytes
    }

    /// A fresh random key number.
    static func random() -> KeyID {
        var generator = SystemRandomNumberGenerator()
        return KeyID(bytes: (0..<8).map { _ in UInt8.random(in: .min ... .max, using: &generator) })!
    }

    /// The 16 lower-case hexadecimal digits.
    public var description: String { Hex.encode(bytes) }

    public static func < (lhs: KeyID, rhs: KeyID) -> Bool { lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }
}

extension KeyID: Sendable {}

/// Reading and writing OpenBSD signify's key and signature files (Ed25519).
///
/// Every signify file is two lines: `untrusted comment: …` and the base64 of a binary blob that
/// starts with the algorithm `Ed`:
/// - public key: `Ed` ‖ keynum[8] ‖ pk[32];
/// - secret key: `Ed` ‖ `BK` ‖ kdfrounds (u32, big-endian) ‖ salt[16] ‖ checksum[8] ‖ keynum[8]
///   ‖ sk[64], where sk is seed ‖ pk and checksum is the first 8 bytes of SHA-512(sk);
///   kdfrounds 0 means no passphrase;
/// - signature: `Ed` ‖ keynum[8] ‖ sig[64].
/// The cryptography is swift-crypto's `Curve25519.Signing`.
enum SignifyFile {
    static let commentPrefix = "untrusted comment: "

    /// Splits a signify file into its comment and decoded blob.
    static func decode(
        _ bytes: [UInt8], path: String, expectedLength: Int, kind: LocalizedText
    ) throws -> (comment: String, blob: [UInt8]) {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw malformed(path, kind, zh: "不是文本文件", en: "it is not a text file")
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count >= 2, lines[0].hasPrefix(commentPrefix) else {
            throw malformed(path, kind, zh: "第一行应以“untrusted comment: ”开头", en: "the first line must start with \"untrusted comment: \"")
        }
        guard let blob = Data(base64Encoded: String(lines[1])) else {
            throw malformed(path, kind, zh: "第二行不是有效的 base64", en: "the second line is not valid base64")
        }
        guard blob.count == expectedLength else {
            throw malformed(
                path, kind,
                zh: "数据长度为 \(blob.count) 字节，应为 \(expectedLength) 字节（文件被截断或不是这种文件）",
                en: "its data is \(blob.count) bytes, expected \(expectedLength) (the file is truncated or of another kind)")
        }
        guard blob.starts(with: Array("Ed".utf8)) else {
            throw malformed(path, kind, zh: "算法不是 Ed25519（Ed）", en: "the algorithm is not Ed25519 (Ed)")
        }
        return (String(lines[0].dropFirst(commentPrefix.count)), Array(blob))
    }

    /// Builds a signify file from a comment and a blob.
    static func encode(comment: String, blob: [UInt8]) -> [UInt8] {
        Array("\(commentPrefix)\(comment)\n\(Data(blob).base64EncodedString())\n".utf8)
    }

    static func malformed(_ path: String, _ kind: LocalizedText, zh: String, en: String) -> EnrollError {
        EnrollError.invalid(
            .sigMalformed, Location(file: path),
            zh: "\(kind.zh)格式错误：\(zh)。请使用 enroll keys generate 或 signify 生成的文件。",
            en: "Malformed \(kind.en): \(en). Use a file made by enroll keys generate or signify.")
    }
}

/// A station's or district's public key in signify's format.
public struct SignifyPublicKey: Hashable {
    /// The key number that ties signatures to this key.
    public let keyID: KeyID
    /// The Ed25519 public key bytes.
    public let rawKey: [UInt8]
    /// The file's untrusted comment.
    public let comment: String

    /// Parses a public key file's content.
    /// - Throws: `EnrollError` `sig.malformed` if the content is not a signify public key.
    public init(bytes: [UInt8], path: String = "") throws {
        let (comment, blob) = try SignifyFile.decode(
            bytes, path: path, expectedLength: 42, kind: LocalizedText(zh: "公钥文件", en: "public key file"))
        self.comment = comment
        keyID = KeyID(bytes: Array(blob[2..<10]))!
        rawKey = Array(blob[10..<42])
    }

    /// Reads a public key file.
    public init(contentsOf path: String) throws {
        try self.init(bytes: try FileIO.readAll(path), path: path)
    }

    init(keyID: KeyID, rawKey: [UInt8], comment: String) {
        self.keyID = keyID
        self.rawKey = rawKey
        self.comment = comment
    }

    /// The file content.
    public var fileContents: [UInt8] {
        SignifyFile.encode(comment: comment, blob: Array("Ed".utf8) + keyID.bytes + rawKey)
    }

    /// Whether `signature` is this key's valid signature of `message`.
    public func isValidSignature(_ signature: SignifySignature, for message: some DataProtocol) -> Bool {
        guard signature.keyID == keyID,
              let key = try? Curve25519.Signing.PublicKey(rawRepresentation: rawKey)
        else { return false }
        return key.isValidSignature(signature.rawSignature, for: message)
    }
}

extension SignifyPublicKey: Sendable {}

/// A secret signing key in signify's format, without a passphrase.
///
/// Files made by `enroll keys generate` and by `signify -G -n` are both read. Passphrase-protected
/// keys (kdfrounds > 0) are refused with a clear message: the field stations sign unattended.
public struct SignifySecretKey {
    /// The key number.
    public let keyID: KeyID
    /// The file's untrusted comment.
    public let comment: String
    private let privateKey: Curve25519.Signing.PrivateKey

    /// Parses a secret key file's content.
    /// - Throws: `EnrollError` with `sig.malformed`, `sig.key-encrypted` or `sig.key-corrupt`.
    public init(bytes: [UInt8], path: String = "") throws {
        let kind = LocalizedText(zh: "私钥文件", en: "secret key file")
        let (comment, blob) = try SignifyFile.decode(bytes, path: path, expectedLength: 104, kind: kind)
        guard blob[2..<4].elementsEqual(Array("BK".utf8)) else {
            throw SignifyFile.malformed(path, kind, zh: "密钥派生算法不是 BK", en: "the key-derivation algorithm is not BK")
        }
        let rounds = blob[4..<8].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        guard rounds == 0 else {
            throw EnrollError.invalid(
                .sigKeyEncrypted, Location(file: path),
                zh: "该私钥有口令保护（kdfrounds=\(rounds)），enroll 不支持。请用 enroll keys generate 或 signify -G -n 生成无口令密钥，并妥善保管（权限 0600）。",
                en: "This secret key is passphrase-protected (kdfrounds=\(rounds)), which enroll does not support. Generate one without a passphrase with enroll keys generate or signify -G -n, and keep it safe (mode 0600).")
        }
        let checksum = Array(blob[24..<32])
        let secret = Array(blob[40..<104])
        guard Array(SHA512.hash(data: secret).prefix(8)) == checksum,
              let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: secret[0..<32]),
              Array(key.publicKey.rawRepresentation) == Array(secret[32..<64])
        else {
            throw EnrollError.invalid(
                .sigKeyCorrupt, Location(file: path),
                zh: "私钥校验和不符：文件已损坏或被改动。请使用备份或重新生成密钥。",
                en: "The secret key's checksum does not match: the file is damaged or was changed. Use a backup or generate a new key.")
        }
        keyID = KeyID(bytes: Array(blob[32..<40]))!
        self.comment = comment
        privateKey = key
    }

    /// Reads a secret key file, refusing one that others can read.
    /// - Throws: `sig.key-permissions` if the file is readable by group or others.
    public init(contentsOf path: String) throws {
        if let mode = FileIO.permissions(path), mode & 0o077 != 0 {
            throw EnrollError.invalid(
                .sigKeyPermissions, Location(file: path),
                zh: "私钥文件权限为 \(String(mode, radix: 8))，其他用户可读。请执行 chmod 600 \(path)。",
                en: "The secret key file has mode \(String(mode, radix: 8)) and can be read by other users. Run chmod 600 \(path).")
        }
        try self.init(bytes: try FileIO.readAll(path), path: path)
    }

    /// Generates a fresh key pair.
    /// - Parameter name: The station or district name, put in the files' comments.
    public static func generate(name: String) -> (SignifySecretKey, SignifyPublicKey) {
        let key = Curve25519.Signing.PrivateKey()
        let secret = SignifySecretKey(keyID: .random(), privateKey: key, comment: "enroll secret key for \(name)")
        return (secret, secret.publicKey(comment: "enroll public key for \(name)"))
    }

    private init(keyID: KeyID, privateKey: Curve25519.Signing.PrivateKey, comment: String) {
        self.keyID = keyID
        self.privateKey = privateKey
        self.comment = comment
    }

    /// The matching public key.
    public func publicKey(comment: String) -> SignifyPublicKey {
        SignifyPublicKey(keyID: keyID, rawKey: Array(privateKey.publicKey.rawRepresentation), comment: comment)
    }

    /// The file content (mode 0600 is the writer's job).
    public var fileContents: [UInt8] {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let secret = Array(privateKey.rawRepresentation) + Array(privateKey.publicKey.rawRepresentation)
        let checksum = Array(SHA512.hash(data: secret).prefix(8))
        let blob = Array("EdBK".utf8) + [0, 0, 0, 0] + salt + checksum + keyID.bytes + secret
        return SignifyFile.encode(comment: comment, blob: blob)
    }

    /// Signs a message.
    /// - Throws: `EnrollError` if swift-crypto fails to sign.
    public func sign(_ message: some DataProtocol) throws -> SignifySignature {
        let signature = try privateKey.signature(for: message)
        return SignifySignature(keyID: keyID, rawSignature: Array(signature))
    }
}

extension SignifySecretKey: Sendable {}

/// A signify signature file: the signer's key number and an Ed25519 signature.
public struct SignifySignature: Hashable {
    /// The key number of the key that made it.
    public let keyID: KeyID
    /// The 64 signature bytes.
    public let rawSignature: [UInt8]

    init(keyID: KeyID, rawSignature: [UInt8]) {
        self.keyID = keyID
        self.rawSignature = rawSignature
    }

    /// Parses a signature file's content.
    /// - Throws: `EnrollError` `sig.malformed`.
    public init(bytes: [UInt8], path: String = "") throws {
        let (_, blob) = try SignifyFile.decode(
            bytes, path: path, expectedLength: 74, kind: LocalizedText(zh: "签名文件", en: "signature file"))
        keyID = KeyID(bytes: Array(blob[2..<10]))!
        rawSignature = Array(blob[10..<74])
    }

    /// The file content, with signify's `verify with KEY.pub` comment.
    public func fileContents(publicKeyName: String) -> [UInt8] {
        SignifyFile.encode(comment: "verify with \(publicKeyName)", blob: Array("Ed".utf8) + keyID.bytes + rawSignature)
    }
}

extension SignifySignature: Sendable {}

/// Writing key pairs to disk.
public enum KeyFiles {
    /// The files `generate` wrote.
    public struct Written: Sendable, Hashable {
        /// The signify secret key (`NAME.sec`, mode 0600).
        public var secret: String
        /// The signify public key (`NAME.pub`).
        public var `public`: String
        /// The signify key ID.
        public var keyID: KeyID
        /// The age identity (`NAME.age`, mode 0600), unless asked not to write one.
        public var ageIdentity: String?
        /// The age recipient (`NAME.age.pub`, its `age1…` line), unless asked not to write one.
        public var ageRecipient: String?
        /// The recipient itself (`age1…`).
        public var recipient: String?
    }

    /// Generates a key pair and writes `NAME.sec` (mode 0600) and `NAME.pub` into a directory,
    /// and with them an age identity `NAME.age` (mode 0600, as `age-keygen` writes it) and its
    /// recipient `NAME.age.pub` (one `age1…` line, as `age -R` reads it).
    /// - Parameters:
    ///   - directory: Where to write; created if missing.
    ///   - name: The station or district name (letters, digits, `-`, `_`, `.`).
    ///   - age: Whether to write the age identity and recipient too.
    /// - Returns: The paths written and the key ID.
    /// - Throws: `EnrollError` if a file exists already (nothing is overwritten, and nothing is
    ///   written) or cannot be written.
    public static func generate(in directory: String, name: String, age: Bool = true) throws -> Written {
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }),
              !name.hasPrefix(".")
        else {
            throw EnrollError.usage(
                .usageBadName, Location(),
                zh: "名称“\(name)”不可用：只能包含英文字母、数字、-、_ 和 .。",
                en: "The name \"\(name)\" cannot be used: only letters, digits, -, _ and . are allowed.")
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let secretPath = directory + "/" + name + ".sec"
        let publicPath = directory + "/" + name + ".pub"
        let identityPath = directory + "/" + name + ".age"
        let recipientPath = directory + "/" + name + ".age.pub"
        for path in [secretPath, publicPath] + (age ? [identityPath, recipientPath] : []) where DirectoryWalker.kind(of: path) != nil {
            throw EnrollError.io(
                .ioExists, Location(file: path),
                zh: "密钥文件已存在，不会覆盖。若要换新密钥，请先移走旧文件，并把新公钥交给区教育局。",
                en: "The key file already exists and will not be overwritten. To replace the key, move the old files away first and give the new public key to the district office.")
        }
        let (secret, publicKey) = SignifySecretKey.generate(name: name)
        try FileIO.createExclusive(secretPath, secret.fileContents, mode: 0o600)
        try FileIO.createExclusive(publicPath, publicKey.fileContents, mode: 0o644)
        var written = Written(secret: secretPath, public: publicPath, keyID: secret.keyID)
        guard age else { return written }
        let identity = AgeIdentity.generate()
        do throws(AgeError) {
            try identity.writeIdentityFile(atPath: identityPath)
        } catch {
            throw EnrollError.io(
                .ioFailed, Location(file: identityPath),
                zh: "无法写入 age 私钥：\(error.chinese)", en: "Cannot write the age identity: \(error.english)")
        }
        let recipientFile = AgeRecipient.recipientsFileContents([identity.recipient], comment: "age recipient of \(name) (enroll keys generate)")
        try FileIO.createExclusive(recipientPath, Array(recipientFile.utf8), mode: 0o644)
        written.ageIdentity = identityPath
        written.ageRecipient = recipientPath
        written.recipient = identity.recipient.string
        return written
    }

    /// The station's (or district's) name a key file carries: its last component without the
    /// extension, the inverse of `generate` (`keys/st1.sec` and `trust/st1.pub` → `st1`).
    /// - Parameter path: The key file's path.
    /// - Returns: The name.
    public static func name(ofKeyFile path: String) -> String {
        PathName(path).stem
    }

    /// Reads a secret key and the name it signs as.
    /// - Parameters:
    ///   - path: The secret key file (signify format, mode 0600).
    ///   - name: The station's (or district's) name; nil takes the key file's name.
    /// - Returns: The key and the name, as bundle signing and packing take them.
    /// - Throws: `EnrollError` if the key cannot be read or is not a usable secret key.
    public static func signer(keyFile path: String, name: String? = nil) throws -> (key: SignifySecretKey, station: String) {
        (try SignifySecretKey(contentsOf: path), name ?? Self.name(ofKeyFile: path))
    }
}
