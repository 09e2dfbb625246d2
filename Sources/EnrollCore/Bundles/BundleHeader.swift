import Foundation

/// What an application bundle is: an application, one of the revision kinds of its own a form
/// declares (`x-enroll-revision-kinds`), or its withdrawal (撤销).
public enum BundleKind: String, Sendable, Codable, CaseIterable {
    /// An application (申请), or a plain revision of it.
    case application
    /// A withdrawal of an earlier application (撤销).
    case withdrawal
    /// Harbin's 修改学生姓名: a revision that changes only the child's name.
    case nameChange = "name-change"
    /// Harbin's 修改填报学校 (本区域内): a revision that changes only the school, within the
    /// application district.
    case schoolChange = "school-change"
    /// Beijing 2025's 去授权: the registering guardian grants the legal guardian(s) given in the
    /// detailed information the right to view the child's registration and handle its
    /// enrollment business (授予法定监护人查看孩子的登记信息或办理入学业务的权限).
    case authorization
    /// Beijing 2025's 取消授权: that right is taken back.
    case authorizationRevoked = "authorization-revoked"

    /// Whether the bundle carries form data (`data/form.json`): every kind but a withdrawal.
    public var carriesForm: Bool { self != .withdrawal }

    /// Whether the kind changes only who may act for the family, not what is reviewed: an
    /// authorization or its revocation keeps the application's status and decision.
    public var keepsDecision: Bool { self == .authorization || self == .authorizationRevoked }
}

/// The fixed file names of an application bundle.
public enum BundleLayout {
    /// The SHA-256 tag manifest the signature covers.
    public static let tagManifest = "tagmanifest-sha256.txt"
    /// The station's signature over the tag manifest.
    public static let signature = "tagmanifest-sha256.txt.sig"
    /// The SHA-256 payload manifest.
    public static let manifest = "manifest-sha256.txt"
    /// The form data of an application.
    public static let form = "data/form.json"
    /// The request of a withdrawal.
    public static let withdrawal = "data/withdrawal.json"
    /// Where attachments live: `data/attachments/<slot>/<n>.<ext>`.
    public static let attachments = "data/attachments/"
    /// The tag files an enroll bundle has, in the order they are written and archived.
    public static let tagFiles = ["bagit.txt", "bag-info.txt", manifest, tagManifest, signature]
}

/// The `Enroll-*` fields of a bundle's `bag-info.txt`.
public struct BundleHeader: Hashable, Sendable {
    /// The form id, e.g. `beijing-local-primary-2024`.
    public var form: String
    /// The form's version.
    public var formVersion: String
    /// The application's id, stable across revisions.
    public var applicationID: UUID
    /// The revision number, from 1.
    public var revision: Int
    /// The SHA-256 of the previous revision's tag manifest; nil on revision 1.
    public var previousRevision: String?
    /// Application or withdrawal.
    public var kind: BundleKind
    /// The signing station; nil until signed.
    public var station: String?
    /// The signing key's id; nil until signed.
    public var keyID: KeyID?
    /// When the station signed it (提交), `Enroll-Signed-At`: ISO 8601 with its offset; nil
    /// until signed, and on bundles signed before enroll recorded it.
    public var signedAt: String?
    /// The registrar's reason for submitting outside the form's collection window
    /// (`Enroll-Late-Reason`).
    public var lateReason: String?
    /// The 8-digit 信息采集编号 the station gave at 提交 from its block
    /// (`Enroll-Collection-Number`); nil when the district assigns one at import.
    public var collectionNumber: String?
    /// Which notice texts (须知, 个人信息保护政策) the guardian accepted and when
    /// (`Enroll-Notice-Accepted`, one field each), carried from revision to revision.
    public var noticesAccepted: [NoticeAcceptance] = []

    /// The signing time as a date, when recorded.
    public var signedDate: Date? { signedAt.flatMap(StoreClock.parse) }

    /// Creates a header.
    public init(
        form: String, formVersion: String, applicationID: UUID, revision: Int,
        previousRevision: String?, kind: BundleKind, station: String? = nil, keyID: KeyID? = nil
    ) {
        self.form = form
        self.formVersion = formVersion
        self.applicationID = applicationID
        self.revision = revision
        self.previousRevision = previousRevision
        self.kind = kind
        self.station = station
        self.keyID = keyID
    }

    /// Reads the header from bag metadata.
    /// - Parameters:
    ///   - info: The parsed `bag-info.txt`.
    ///   - file: The path of `bag-info.txt`, for locations.
    ///   - requireSignature: Whether `Enroll-Station` and `Enroll-Key-ID` must be present.
    /// - Returns: The header, or nil when a required field is missing or invalid, and the
    ///   problems found.
    /// Reads a bundle's header from its `bag-info.txt` alone, for listings: no file is hashed
    /// and no signature checked (``BundleVerifier`` does that before anything is trusted).
    /// - Parameter directory: The bundle (an enroll bundle: UTF-8 tag files, as DESIGN §3).
    /// - Returns: The header.
    /// - Throws: `EnrollError` (`io.*`) when the file cannot be read, or the header's own
    ///   diagnostics when a required field is missing or invalid.
    public static func read(bundleDirectory directory: String) throws -> BundleHeader {
        let path = directory + "/bag-info.txt"
        let text = TagFileText(bytes: try FileIO.readAll(path), file: path, byteOrderMark: .warning)
        let (info, problems) = BagInfo.parse(text, file: path)
        let (header, more) = parse(info, file: path)
        guard let header else { throw EnrollError((problems + more).errors) }
        return header
    }

    static func parse(_ info: BagInfo, file: String) -> (BundleHeader?, [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        func location(_ label: String) -> Location {
            Location(file: file, line: info.field(label)?.line)
        }
        func required(_ label: String) -> String? {
            let values = info.values(label)
            if values.count > 1 {
                diagnostics.append(.error(
                    .bagInfoFieldRepeated, location(label),
                    zh: "字段 \(label) 出现了 \(values.count) 次，只能有一个。",
                    en: "The field \(label) appears \(values.count) times; it must appear once."))
            }
            guard let value = values.first, !value.isEmpty else {
                diagnostics.append(.error(
                    .bagInfoFieldMissing, Location(file: file),
                    zh: "bag-info.txt 缺少字段 \(label)：这不是一个完整的 enroll 申请包。",
                    en: "bag-info.txt lacks the field \(label): this is not a complete enroll bundle."))
                return nil
            }
            return value
        }
        func invalid(_ label: String, _ value: String, zh: String, en: String) {
            diagnostics.append(.error(
                .bagInfoFieldInvalid, location(label),
                zh: "字段 \(label) 的值“\(value)”无效：\(zh)。", en: "The field \(label) has the invalid value \"\(value)\": \(en)."))
        }

        let form = required("Enroll-Form")
        let formVersion = required("Enroll-Form-Version")
        let idText = required("Enroll-Application-ID")
        let revisionText = required("Enroll-Revision")
        let kindText = required("Enroll-Kind")
        let previous = info["Enroll-Previous-Revision"]
        let station = info["Enroll-Station"]
        let keyText = info["Enroll-Key-ID"]

        let id = idText.flatMap { UUID(uuidString: $0) }
        if let idText, id == nil { invalid("Enroll-Application-ID", idText, zh: "应为 UUID", en: "expected a UUID") }
        let revision = revisionText.flatMap { Int($0) }.flatMap { $0 >= 1 ? $0 : nil }
        if let revisionText, revision == nil { invalid("Enroll-Revision", revisionText, zh: "应为从 1 开始的整数", en: "expected a whole number from 1") }
        let kind = kindText.flatMap { BundleKind(rawValue: $0) }
        if let kindText, kind == nil { invalid("Enroll-Kind", kindText, zh: "应为 \(BundleKind.allCases.map(\.rawValue).joined(separator: "、")) 之一", en: "expected one of \(BundleKind.allCases.map(\.rawValue).joined(separator: ", "))") }
        if let previous, previous.count != 64 || Hex.decode(previous) == nil {
            invalid("Enroll-Previous-Revision", previous, zh: "应为 64 位十六进制 SHA-256", en: "expected a 64-digit hexadecimal SHA-256")
        }
        if let revision, revision == 1, previous != nil {
            invalid("Enroll-Previous-Revision", previous!, zh: "第 1 版不能有上一版", en: "revision 1 cannot have a previous revision")
        }
        if let revision, revision > 1, previous == nil {
            diagnostics.append(.error(
                .bagInfoFieldMissing, Location(file: file),
                zh: "第 \(revision) 版缺少 Enroll-Previous-Revision，无法与上一版相连。",
                en: "Revision \(revision) lacks Enroll-Previous-Revision, so it cannot be chained to the previous revision."))
        }
        let keyID = keyText.flatMap { KeyID($0) }
        if let keyText, keyID == nil { invalid("Enroll-Key-ID", keyText, zh: "应为 16 位十六进制", en: "expected 16 hexadecimal digits") }
        let signedAt = info["Enroll-Signed-At"]
        if let signedAt, StoreClock.parse(signedAt) == nil {
            invalid("Enroll-Signed-At", signedAt, zh: "应为带时区的 ISO 8601 时间，例如 2024-06-05T10:00:00+08:00", en: "expected an ISO 8601 date-time with its offset, e.g. 2024-06-05T10:00:00+08:00")
        }
        let collectionNumber = info["Enroll-Collection-Number"]
        if let collectionNumber, collectionNumber.count != 8 || !collectionNumber.allSatisfy({ $0.isASCII && $0.isNumber }) {
            invalid("Enroll-Collection-Number", collectionNumber, zh: "应为 8 位数字", en: "expected 8 digits")
        }

        var notices: [NoticeAcceptance] = []
        for value in info.values(NoticeAcceptance.label) {
            if let acceptance = NoticeAcceptance(fieldValue: value) {
                notices.append(acceptance)
            } else {
                invalid(
                    NoticeAcceptance.label, value, zh: "应为“须知 id 版本 SHA-256 同意时间”，例如 privacy-policy 2024.1 <64 位十六进制> 2024-05-08T10:00:00+08:00",
                    en: "expected \"NOTICE-ID VERSION SHA256 TIME\", e.g. privacy-policy 2024.1 <64 hex digits> 2024-05-08T10:00:00+08:00")
            }
        }

        guard let form, let formVersion, let id, let revision, let kind, !diagnostics.containsErrors else {
            return (nil, diagnostics)
        }
        var header = BundleHeader(
            form: form, formVersion: formVersion, applicationID: id, revision: revision,
            previousRevision: previous?.lowercased(), kind: kind, station: station, keyID: keyID)
        header.signedAt = signedAt
        header.lateReason = info["Enroll-Late-Reason"]
        header.collectionNumber = collectionNumber
        header.noticesAccepted = notices
        return (header, diagnostics)
    }

    /// Writes the header's fields into bag metadata (removing station and key when unset).
    func apply(to info: inout BagInfo) {
        info.set("Enroll-Form", form)
        info.set("Enroll-Form-Version", formVersion)
        info.set("Enroll-Application-ID", applicationID.uuidString.lowercased())
        info.set("Enroll-Revision", String(revision))
        info.set("Enroll-Previous-Revision", previousRevision)
        info.set("Enroll-Kind", kind.rawValue)
        info.set("Enroll-Station", station)
        info.set("Enroll-Key-ID", keyID?.description)
        info.set("Enroll-Signed-At", signedAt)
        info.set("Enroll-Late-Reason", lateReason)
        info.set("Enroll-Collection-Number", collectionNumber)
        info.setAll(NoticeAcceptance.label, noticesAccepted.map(\.fieldValue))
    }
}
