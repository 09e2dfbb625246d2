import Foundation
import JSONSchema

/// An application as review commands and the web apps show it.
public struct ApplicationSummary: Sendable, Codable, Hashable {
    public var applicationId: String
    public var collectionNumber: String
    public var form: String
    public var status: ApplicationStatus
    public var revision: Int
    public var station: String
    public var school: String?
    public var reasons: [String]
    public var flags: [ReviewFlag]
    public var updatedAt: String
    /// The application's version: the sequence number of its latest audit event. A decision
    /// that names the version it was made on is refused (`review.stale`) once another
    /// decision or import has changed the application since.
    public var version: Int64 = 0
    /// Beijing 2025's 授权 status (去授权 / 取消授权 revisions), nil when never granted.
    public var authorization: AuthorizationStatus?
}

extension ApplicationSummary {
    private enum CodingKeys: String, CodingKey {
        case applicationId, collectionNumber, form, status, revision, station, school, reasons, flags, updatedAt, version, authorization
    }

    /// Decodes a summary; one written before `version` existed reads as version 0, one
    /// written before `authorization` as never granted.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        applicationId = try container.decode(String.self, forKey: .applicationId)
        collectionNumber = try container.decode(String.self, forKey: .collectionNumber)
        form = try container.decode(String.self, forKey: .form)
        status = try container.decode(ApplicationStatus.self, forKey: .status)
        revision = try container.decode(Int.self, forKey: .revision)
        station = try container.decode(String.self, forKey: .station)
        school = try container.decodeIfPresent(String.self, forKey: .school)
        reasons = try container.decode([String].self, forKey: .reasons)
        flags = try container.decode([ReviewFlag].self, forKey: .flags)
        updatedAt = try container.decode(String.self, forKey: .updatedAt)
        version = try container.decodeIfPresent(Int64.self, forKey: .version) ?? 0
        authorization = try container.decodeIfPresent(AuthorizationStatus.self, forKey: .authorization)
    }
}

/// Which applications to list.
public struct ApplicationQuery: Sendable, Hashable {
    /// Only this status.
    public var status: ApplicationStatus?
    /// Only applications carrying this flag.
    public var flag: ReviewFlag?
    /// Only this station's applications.
    public var station: String?

    public init(status: ApplicationStatus? = nil, flag: ReviewFlag? = nil, station: String? = nil) {
        self.status = status
        self.flag = flag
        self.station = station
    }
}

/// One application in full: its summary, every revision, every flag, the current form data.
public struct ApplicationDetail: Sendable, Codable {
    /// One stored revision.
    public struct Revision: Sendable, Codable, Hashable {
        public var revision: Int
        public var digest: String
        public var kind: BundleKind
        public var state: RevisionState
        public var station: String
        public var keyId: String
        public var importedAt: String
        public var source: String
    }
    /// One flag with what raised it.
    public struct Flag: Sendable, Codable, Hashable {
        public var flag: ReviewFlag
        public var detail: String
        public var createdAt: String
    }
    public var summary: ApplicationSummary
    public var revisions: [Revision]
    public var flags: [Flag]
    /// The current revision's form data (UTF-8 JSON).
    public var formJSON: String?
}

extension ApplicationDetail {
    /// The detail as `review show` shows it by default, for sharing: the form data masked
    /// (`Privacy.maskPersonalData`: ID numbers, phones, dates to the year) and the numbers the
    /// reviewer's reasons and the flags quote (`Privacy.maskText`). The form data is dropped
    /// when it is not JSON, rather than shown unmasked.
    public func masked() -> ApplicationDetail {
        var detail = self
        detail.formJSON = formJSON.flatMap { Privacy.maskPersonalData(inJSON: $0) }
        detail.summary.reasons = summary.reasons.map(Privacy.maskText)
        detail.flags = flags.map { flag in
            var flag = flag
            flag.detail = Privacy.maskText(flag.detail)
            return flag
        }
        return detail
    }
}

/// Which applications an export streams (`enroll export xlsx --status S --form F`, and the
/// admitted children of one school), by collection number.
public struct ExportQuery: Sendable, Hashable {
    /// Only this status.
    public var status: ApplicationStatus?
    /// Only this form.
    public var form: String?
    /// Only applications admitted to (or naming) this school.
    public var school: String?

    public init(status: ApplicationStatus? = nil, form: String? = nil, school: String? = nil) {
        self.status = status
        self.form = form
        self.school = school
    }
}

/// An application with its current form data, for exports.
public struct ExportRow: Sendable {
    public var summary: ApplicationSummary
    /// The current revision's form data.
    public var data: JSONValue?
}

/// A stored revision's files: what `export bundle` writes back byte for byte.
public struct StoredRevision: Sendable, Hashable {
    /// The application's collection number.
    public var collectionNumber: String
    /// The revision's tag-manifest digest.
    public var digest: String
    /// Every file of the bundle with the object holding its bytes.
    public var files: [StoredFile]
}

/// One file of a stored revision.
public struct StoredFile: Sendable, Hashable {
    /// The path inside the bundle.
    public var path: String
    /// The SHA-256 of its bytes: the object's name.
    public var object: String
    /// Its size in bytes.
    public var size: Int64
}

/// A station key the district trusts or revoked, as `enroll trust list` shows it.
public struct TrustedKey: Sendable, Codable, Hashable {
    public var keyId: String
    public var station: String
    public var addedAt: String
    public var addedBy: String
    public var note: String
    public var revokedAt: String?
    public var revokedBy: String?
    public var reason: String?
}

/// One entry of the append-only audit log.
public struct AuditEvent: Sendable, Hashable {
    /// The position in the log.
    public var seq: Int64
    /// When (ISO 8601, UTC).
    public var at: String
    /// Who: a reviewer's account, the login name at the keyboard, or the importer's.
    public var actor: String
    /// The application concerned, if any.
    public var applicationID: String?
    /// What happened.
    public var action: AuditAction
    /// Details (never a full ID number or phone).
    public var detail: [String: String]
}

extension AuditEvent {
    /// The detail as one line of JSON with sorted keys, as the log stores it.
    public var detailText: String { AuditEntry.detailText(detail) }
}

extension AuditEvent: Encodable {
    private enum CodingKeys: String, CodingKey {
        // The JSON shape of `enroll log --format json` since the first release.
        case seq, at, actor, action, detail
        case applicationID = "application_id"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(seq, forKey: .seq)
        try container.encode(at, forKey: .at)
        try container.encode(actor, forKey: .actor)
        try container.encodeIfPresent(applicationID, forKey: .applicationID)
        try container.encode(action, forKey: .action)
        try container.encode(AuditEntry.detailText(detail), forKey: .detail)
    }
}

/// An event to append to the audit log.
public struct AuditEntry: Sendable, Hashable {
    public var actor: String
    public var applicationID: String?
    public var action: AuditAction
    public var detail: [String: String]

    public init(actor: String, application: String? = nil, action: AuditAction, detail: [String: String]) {
        self.actor = actor
        self.applicationID = application
        self.action = action
        self.detail = detail
    }

    /// The detail as the log stores it: a JSON object with sorted keys, every value masked
    /// (`Privacy.maskText`), since the log is shown and exported (`enroll log`).
    static func detailText(_ detail: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(detail.mapValues(Privacy.maskText))).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

/// A diagnostic as the store keeps it (quarantine reasons): code, location, both messages.
public struct StoredDiagnostic: Sendable, Codable, Hashable {
    public var code: String
    public var location: String
    public var zh: String
    public var en: String

    public init(_ diagnostic: Diagnostic) {
        code = diagnostic.code.rawValue
        location = diagnostic.location.description
        zh = diagnostic.message.zh
        en = diagnostic.message.en
    }
}

/// A bundle that was not imported, with every reason.
public struct QuarantineEntry: Sendable, Hashable {
    /// What identifies the bundle: its tag-manifest digest, or `source:PATH` when unreadable.
    public var key: String
    /// Where it came from (a path, or `ARCHIVE!entry`).
    public var source: String
    public var applicationID: String?
    public var revision: Int?
    public var reasons: [StoredDiagnostic]
    /// When (ISO 8601).
    public var at: String
}

/// A revision ready to merge: verified, validated, its files already in the object store.
public struct IncomingBundle: Sendable {
    /// The bundle's signed bag-info fields.
    public var header: BundleHeader
    /// The tag-manifest digest.
    public var digest: String
    /// `data/form.json` as stored.
    public var formJSON: String?
    /// The bundle's files, already in the object store.
    public var files: [StoredFile]
    /// Where it came from.
    public var source: String
    /// What the cross-application rules read from it (nil for a withdrawal or an unknown form).
    public var facts: CrossApplicationRules.Facts?
    /// The form's year (two-digit prefix of new collection numbers).
    public var formYear: Int?
    /// What may change from the previous revision (the form's immutable fields and revision
    /// kinds); nil for an unknown form.
    public var revisionRules: RevisionRules?
    /// Why the bundle was signed outside its form's collection window (the time, the windows,
    /// the late reason), or nil when it was inside, or its signing time is not recorded.
    public var outsideWindow: String?
    /// The application district in the form data (`x-form.applicationDistrict`), if any.
    public var district: String?
}

/// One application's status as a backend reads it for the status archive.
public struct ApplicationStatusRow: Sendable, Hashable {
    public var summary: ApplicationSummary
    /// The child's ID number, if known (never leaves the district in clear).
    public var childID: String?
}
