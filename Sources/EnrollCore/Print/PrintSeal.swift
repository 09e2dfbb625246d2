import Crypto
import Foundation

/// Which printed document a seal belongs to.
public enum PrintedDocumentKind: String, Sendable, CaseIterable, Codable {
    /// 学龄人口信息采集表, issued by the district (or the station, from its bundles).
    case collectionForm = "C"
    /// The station's receipt (回执) for a submitted application.
    case receipt = "R"
    /// 入学通知书, issued by the district to an admitted child.
    case admissionNotice = "A"

    /// The document's name in both languages.
    public var title: LocalizedText {
        switch self {
        case .collectionForm: LocalizedText(zh: "学龄人口信息采集表", en: "School-age population information collection form")
        case .receipt: LocalizedText(zh: "信息采集回执", en: "Submission receipt")
        case .admissionNotice: LocalizedText(zh: "入学通知书", en: "Admission notice")
        }
    }

    /// The name used in file names and audit events (`collection-form`).
    public var slug: String {
        switch self {
        case .collectionForm: "collection-form"
        case .receipt: "receipt"
        case .admissionNotice: "admission-notice"
        }
    }
}

/// The signed facts a printout carries in its QR code, and the 校验码 derived from the
/// signature (docs/FORMATS.md, "Printed documents").
///
/// The QR text is `EP1|kind|number|name|maskedID|district|extra|issuedAt|keyID|signature`:
/// the canonical string is everything before the last `|`, as UTF-8; the signature is
/// Ed25519 (swift-crypto, through ``SignifySecretKey/sign(_:)``) over those bytes, written
/// base64url without padding.
public struct PrintSeal: Sendable, Hashable {
    /// The format tag and version that starts every payload.
    public static let formatTag = "EP1"

    /// The document kind.
    public var kind: PrintedDocumentKind
    /// The collection number (信息采集编号); for a receipt made before the district gave one,
    /// the application ID.
    public var number: String
    /// The child's name.
    public var childName: String
    /// The child's ID number, masked with ``Privacy/maskIDNumber(_:)``.
    public var maskedID: String
    /// The application district (所在区).
    public var district: String
    /// The admission notice's school, the receipt's station; empty on a collection form.
    public var extra: String
    /// When the document was issued: ISO 8601 UTC to the second (`2026-12-01T11:30:00Z`).
    public var issuedAt: String
    /// The signing key's ID (16 hexadecimal digits).
    public var keyID: KeyID
    /// The 64-byte Ed25519 signature over ``canonicalBytes``.
    public var signature: [UInt8]

    /// The bytes the signature covers.
    public var canonicalBytes: [UInt8] { Array(canonicalText.utf8) }

    private var canonicalText: String {
        [Self.formatTag, kind.rawValue, number, childName, maskedID, district, extra, issuedAt, keyID.description].joined(separator: "|")
    }

    /// The text the QR code holds.
    public var qrText: String { canonicalText + "|" + Base64URL.encode(signature) }

    /// The 校验码: the first 10 characters of the base32 (RFC 4648) SHA-256 of the signature.
    public var checkCode: String { Self.checkCode(of: signature) }

    /// The 校验码 of a signature.
    public static func checkCode(of signature: [UInt8]) -> String {
        String(Base32.encode(Array(SHA256.hash(data: signature))).prefix(10))
    }

    /// Signs the facts of a document.
    /// - Throws: `print.field-unprintable` when a field holds `|` or a line break, which the
    ///   payload cannot carry; `EnrollError` if signing fails.
    public static func sign(
        kind: PrintedDocumentKind, number: String, childName: String, idNumber: String, district: String, extra: String,
        issuedAt: Date, key: SignifySecretKey
    ) throws -> PrintSeal {
        let fields = [("number", number), ("name", childName), ("id", idNumber), ("district", district), ("extra", extra)]
        for (name, value) in fields where value.contains(where: { $0 == "|" || $0.isNewline }) {
            throw EnrollError.invalid(
                .printFieldUnprintable, Location(),
                zh: "字段 \(name) 含有“|”或换行，无法写入打印件的二维码。请先更正该字段。",
                en: "The field \(name) contains \"|\" or a line break, which a printout's QR code cannot carry. Correct the field first.")
        }
        var seal = PrintSeal(
            kind: kind, number: number, childName: childName, maskedID: Privacy.maskIDNumber(idNumber), district: district, extra: extra,
            issuedAt: Self.timestamp(issuedAt), keyID: key.keyID, signature: [])
        seal.signature = try key.sign(seal.canonicalBytes).rawSignature
        return seal
    }

    /// Reads a QR payload.
    /// - Throws: `print.payload-malformed` saying which part is wrong.
    public init(qrText text: String) throws {
        func malformed(_ zh: String, _ en: String) -> EnrollError {
            EnrollError.invalid(
                .printPayloadMalformed, Location(),
                zh: "二维码内容不是 enroll 打印件的格式（\(zh)）。请重新扫描，或核对输入的文字。",
                en: "The QR text is not an enroll printout payload (\(en)). Scan it again or check the text entered.")
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let parts = trimmed.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard parts.first == Self.formatTag else { throw malformed("应以 \(Self.formatTag)| 开头", "it must start with \(Self.formatTag)|") }
        guard parts.count == 10 else { throw malformed("应有 10 段，实有 \(parts.count) 段", "expected 10 fields, found \(parts.count)") }
        guard let kind = PrintedDocumentKind(rawValue: parts[1]) else {
            throw malformed("未知的文档类型“\(parts[1])”", "unknown document kind \"\(parts[1])\"")
        }
        guard let keyID = KeyID(parts[8]) else { throw malformed("密钥号应为 16 位十六进制", "the key ID must be 16 hexadecimal digits") }
        guard let signature = Base64URL.decode(parts[9]), signature.count == 64 else {
            throw malformed("签名应为 64 字节的 base64url", "the signature must be 64 bytes of base64url")
        }
        self.init(
            kind: kind, number: parts[2], childName: parts[3], maskedID: parts[4], district: parts[5], extra: parts[6], issuedAt: parts[7],
            keyID: keyID, signature: signature)
    }

    /// Creates a seal from its parts (for readers and tests).
    public init(
        kind: PrintedDocumentKind, number: String, childName: String, maskedID: String, district: String, extra: String,
        issuedAt: String, keyID: KeyID, signature: [UInt8]
    ) {
        self.kind = kind
        self.number = number
        self.childName = childName
        self.maskedID = maskedID
        self.district = district
        self.extra = extra
        self.issuedAt = issuedAt
        self.keyID = keyID
        self.signature = signature
    }

    /// Checks the signature against trusted keys.
    /// - Returns: The signer's name when the seal is genuine.
    /// - Throws: `print.altered` when the signature does not match the facts (an edited or
    ///   forged printout), `print.unknown-key` when no trusted key has its key ID,
    ///   `sig.revoked-key` when the key was revoked.
    public func verify(trust: TrustStore) throws -> String {
        let location = Location()
        switch trust.verify(SignifySignature(keyID: keyID, rawSignature: signature), message: canonicalBytes, location: location) {
        case .trusted(let entry):
            return entry.name
        case .rejected(let diagnostic) where diagnostic.code == .sigUntrustedKey:
            throw EnrollError.invalid(
                .printUnknownKey, location,
                zh: "打印件由密钥 \(keyID) 签发，该密钥不在信任目录中：无法确认真伪。请向签发单位索取其 .pub 公钥放入信任目录。",
                en: "The printout was signed with key \(keyID), which is not in the trust directory, so it cannot be confirmed. Get the issuer's .pub key into the trust directory.")
        case .rejected(let diagnostic) where diagnostic.code == .sigInvalid:
            throw EnrollError.invalid(
                .printAltered, location,
                zh: "打印件的内容与签名不符：它被改动过或是伪造的（\(kind.title.zh)，编号 \(number)）。不要接受这份打印件。",
                en: "The printout's content does not match its signature: it was altered or forged (\(kind.title.en), number \(number)). Do not accept it.")
        case .rejected(let diagnostic):
            throw EnrollError([diagnostic])
        }
    }

    /// `date` as the seal writes it: ISO 8601 UTC to the second.
    public static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}

/// RFC 4648 base64url without padding, as the QR payload writes signatures.
enum Base64URL {
    static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: String) -> [UInt8]? {
        guard text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else { return nil }
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        standard += String(repeating: "=", count: (4 - standard.count % 4) % 4)
        return Data(base64Encoded: standard).map(Array.init)
    }
}

/// RFC 4648 base32 (A–Z, 2–7) without padding: the 校验码's alphabet, easy to read aloud and type.
enum Base32 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")

    static func encode(_ bytes: [UInt8]) -> String {
        var output = ""
        var buffer = 0
        var bits = 0
        for byte in bytes {
            buffer = ((buffer << 8) | Int(byte)) & 0xFFFF
            bits += 8
            while bits >= 5 {
                output.append(alphabet[(buffer >> (bits - 5)) & 31])
                bits -= 5
            }
        }
        if bits > 0 { output.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return output
    }
}
