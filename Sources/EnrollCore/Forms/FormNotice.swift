import Crypto
import Foundation
import JSONSchema

/// A text the guardian reads and accepts before 提交, shipped with its form
/// (`x-enroll-notices`): the seeds' 监护人须知 / 家长须知 ("我已认真阅读并同意该条款") and
/// 《个人信息保护政策》 ("我已阅读并同意").
///
/// The text is a UTF-8 file beside the schemas (`Schemas/notices/…`); its identity is the
/// notice id, the version the form declares and the SHA-256 of the file's bytes. A bundle
/// records which one was accepted, and when, as ``NoticeAcceptance``.
public struct FormNotice: Sendable, Hashable {
    /// The notice's id within the form, e.g. `guardian-notice`, `privacy-policy`.
    public var id: String
    /// What the manual calls it (监护人须知, 个人信息保护政策).
    public var label: LocalizedText
    /// The text's version, e.g. `2024.1`; a changed text gets a new version.
    public var version: String
    /// The file, relative to the schema directory.
    public var file: String
    /// The text itself.
    public var text: String
    /// The SHA-256 of the file's bytes, lowercase hex.
    public var sha256: String
    /// The form field whose `true` says the guardian accepted the text, if any; without one
    /// the text is accepted by every signed application of the form.
    public var acceptedBy: JSONPointer?

    /// Whether the form data says this text was accepted.
    public func isAccepted(in document: JSONValue) -> Bool {
        guard let acceptedBy else { return true }
        return document.value(at: acceptedBy) == .bool(true)
    }

    /// The SHA-256 of a notice text's bytes, as the bundle records it (lowercase hex).
    public static func digest(_ bytes: [UInt8]) -> String {
        Hex.encode(SHA256.hash(data: bytes))
    }
}

/// Which notice text a guardian accepted, and when: one `Enroll-Notice-Accepted` field of the
/// signed bag-info, `ID VERSION SHA256 TIME` (e.g. `privacy-policy 2024.1 9f86…08 2024-05-08T10:00:00+08:00`).
public struct NoticeAcceptance: Sendable, Hashable {
    /// The bag-info label.
    public static let label = "Enroll-Notice-Accepted"

    /// The notice's id (``FormNotice/id``).
    public var notice: String
    /// The text's version.
    public var version: String
    /// The SHA-256 of the text accepted, lowercase hex.
    public var sha256: String
    /// When it was accepted (the signing time of the revision that first recorded it), ISO 8601
    /// with its offset.
    public var acceptedAt: String

    /// Creates an acceptance.
    public init(notice: String, version: String, sha256: String, acceptedAt: String) {
        self.notice = notice
        self.version = version
        self.sha256 = sha256
        self.acceptedAt = acceptedAt
    }

    /// Reads a field value; nil unless it is four blank-separated parts with a 64-digit hex
    /// digest and an ISO 8601 time with its offset.
    public init?(fieldValue: String) {
        let parts = fieldValue.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard parts.count == 4, parts[2].count == 64, Hex.decode(parts[2]) != nil, StoreClock.parse(parts[3]) != nil else { return nil }
        self.init(notice: parts[0], version: parts[1], sha256: parts[2].lowercased(), acceptedAt: parts[3])
    }

    /// The field value, `ID VERSION SHA256 TIME`.
    public var fieldValue: String { "\(notice) \(version) \(sha256) \(acceptedAt)" }
}

/// The notice rules, pure: what a signing records and what a check of a bundle finds.
public enum NoticeRule {
    /// The acceptances a revision records when it is signed: those already recorded (carried
    /// from the previous revision) and, for every notice of the form the data accepts that is
    /// not recorded at its current version, one accepted now.
    /// - Parameters:
    ///   - notices: The form's notices.
    ///   - document: The revision's form data.
    ///   - signedAt: The signing time, ISO 8601 with its offset.
    ///   - recorded: The acceptances the header already carries.
    public static func record(
        _ notices: [FormNotice], document: JSONValue, signedAt: String, recorded: [NoticeAcceptance]
    ) -> [NoticeAcceptance] {
        var result = recorded
        for notice in notices where notice.isAccepted(in: document) {
            let known = recorded.contains { $0.notice == notice.id && $0.version == notice.version && $0.sha256 == notice.sha256 }
            if !known {
                result.append(NoticeAcceptance(notice: notice.id, version: notice.version, sha256: notice.sha256, acceptedAt: signedAt))
            }
        }
        return result
    }

    /// Checks a bundle's recorded acceptances against the texts its form ships.
    /// - Parameters:
    ///   - acceptances: The bundle's `Enroll-Notice-Accepted` fields.
    ///   - form: The form.
    ///   - file: The bag-info path, for locations.
    /// - Returns: `form.notice-unknown` for a notice id or version the form does not ship,
    ///   `form.notice-digest` for a digest that is not the shipped text's.
    public static func check(_ acceptances: [NoticeAcceptance], form: Form, file: String) -> [Diagnostic] {
        acceptances.compactMap { acceptance -> Diagnostic? in
            let location = Location(file: file)
            guard let notice = form.notices.first(where: { $0.id == acceptance.notice && $0.version == acceptance.version }) else {
                let known = form.notices.map { "\($0.id) \($0.version)" }.joined(separator: ", ")
                return Diagnostic.error(
                    .formNoticeUnknown, location,
                    zh: "申请包记录同意了“\(acceptance.notice)”第 \(acceptance.version) 版，本表单没有这一文本（本机有：\(known.isEmpty ? "无" : known)）。请更新表单定义，或在采集点重新确认。",
                    en: "The bundle records acceptance of \"\(acceptance.notice)\" version \(acceptance.version), which this form does not ship (known: \(known.isEmpty ? "none" : known)). Update the form schemas, or have the text accepted again at the station.")
            }
            guard acceptance.sha256 == notice.sha256 else {
                return Diagnostic.error(
                    .formNoticeDigest, location,
                    zh: "申请包记录同意的“\(notice.label.zh)”第 \(notice.version) 版摘要为 \(acceptance.sha256)，与随表单发布的文本（\(notice.sha256)）不一致：监护人同意的不是这份文本。请在采集点重新阅读并同意后提交。",
                    en: "The bundle records acceptance of \"\(notice.label.en)\" version \(notice.version) with the digest \(acceptance.sha256), but the text shipped with the form has \(notice.sha256): the guardian did not accept this text. Have it read and accepted again at the station.")
            }
            return nil
        }
    }
}
