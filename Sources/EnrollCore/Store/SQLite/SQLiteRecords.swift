import Foundation
import GRDB

// The SQLite backend's records: one Codable record type per table, columns named in snake
// case by GRDB's coding strategies, typed columns, statuses and flags as their stable strings,
// lists stored as JSON by GRDB's Codable support.

/// Record types of this store name their columns in snake case.
protocol SnakeCaseRecord: FetchableRecord, PersistableRecord {}

extension SnakeCaseRecord {
    static var databaseColumnDecodingStrategy: DatabaseColumnDecodingStrategy { .convertFromSnakeCase }
    static var databaseColumnEncodingStrategy: DatabaseColumnEncodingStrategy { .convertToSnakeCase }
}

extension ApplicationStatus: DatabaseValueConvertible {}
extension RevisionState: DatabaseValueConvertible {}
extension BundleKind: DatabaseValueConvertible {}
extension ReviewFlag: DatabaseValueConvertible {}
extension AuditAction: DatabaseValueConvertible {}

/// An application as the district knows it: its current revision and review state.
struct ApplicationRecord: Codable, SnakeCaseRecord {
    static let databaseTableName = "applications"

    var id: String
    var form: String
    var collectionNumber: String
    var status: ApplicationStatus
    var currentRevision: Int
    var currentDigest: String
    var station: String
    var childId: String?
    var school: String?
    /// Rejection or hold reasons (a JSON array in the database).
    var reasons: [String]
    var firstImportedAt: String
    var updatedAt: String
    /// The application district (since `v5-store-district`).
    var district: String?

    enum Columns {
        static let id = Column("id")
        static let district = Column("district")
        static let form = Column("form")
        static let collectionNumber = Column("collection_number")
        static let status = Column("status")
        static let currentRevision = Column("current_revision")
        static let currentDigest = Column("current_digest")
        static let station = Column("station")
        static let childID = Column("child_id")
        static let school = Column("school")
        static let reasons = Column("reasons")
        static let firstImportedAt = Column("first_imported_at")
        static let updatedAt = Column("updated_at")
    }
}

extension ApplicationRecord {
    /// Read column by column rather than through `Decodable`: the queue, the exports and the
    /// status archive read every application, and GRDB's Codable decoding maps the snake-case
    /// column names again for each row (17% of `review list` over 1,000 applications). A stored
    /// status that is not one of the store's words is an error, as the Codable path made it.
    init(row: Row) throws {
        self.init(
            id: try row.decode(String.self, forColumn: Columns.id.name),
            form: try row.decode(String.self, forColumn: Columns.form.name),
            collectionNumber: try row.decode(String.self, forColumn: Columns.collectionNumber.name),
            status: try row.decode(ApplicationStatus.self, forColumn: Columns.status.name),
            currentRevision: try row.decode(Int.self, forColumn: Columns.currentRevision.name),
            currentDigest: try row.decode(String.self, forColumn: Columns.currentDigest.name),
            station: try row.decode(String.self, forColumn: Columns.station.name),
            childId: try row.decode(String?.self, forColumn: Columns.childID.name),
            school: try row.decode(String?.self, forColumn: Columns.school.name),
            reasons: try Self.reasons(try row.decode(String.self, forColumn: Columns.reasons.name)),
            firstImportedAt: try row.decode(String.self, forColumn: Columns.firstImportedAt.name),
            updatedAt: try row.decode(String.self, forColumn: Columns.updatedAt.name),
            district: try row.decode(String?.self, forColumn: Columns.district.name))
    }

    /// The reasons column: a JSON array of strings (`[]` for almost every application).
    private static func reasons(_ text: String) throws -> [String] {
        if text == "[]" { return [] }
        return try JSONDecoder().decode([String].self, from: Data(text.utf8))
    }
}

/// One imported revision of an application, kept so it can be exported byte for byte.
struct RevisionRecord: Codable, SnakeCaseRecord {
    static let databaseTableName = "revisions"

    /// SHA-256 of the revision's tag manifest.
    var digest: String
    var applicationId: String
    var revision: Int
    var previous: String?
    var kind: BundleKind
    var station: String
    var keyId: String
    var state: RevisionState
    var formJson: String?
    var importedAt: String
    var source: String
    /// What the cross-application rules read from the revision (a JSON object; since
    /// `v3-held-revisions`), applied when a held revision is accepted.
    var facts: CrossApplicationRules.Facts?

    enum Columns {
        static let digest = Column("digest")
        static let applicationID = Column("application_id")
        static let revision = Column("revision")
        static let kind = Column("kind")
        static let state = Column("state")
        static let importedAt = Column("imported_at")
    }
}

/// One file of a revision and the object holding its bytes.
struct FileRecord: Codable, SnakeCaseRecord {
    static let databaseTableName = "files"

    var digest: String
    var path: String
    var object: String
    var size: Int64

    enum Columns {
        static let digest = Column("digest")
    }
}

/// A guardian phone of an application's current revision (for the per-phone quota).
struct PhoneRecord: Codable, SnakeCaseRecord {
    static let databaseTableName = "phones"

    var applicationId: String
    var phone: String

    enum Columns {
        static let applicationID = Column("application_id")
        static let phone = Column("phone")
    }
}

/// Something about an application a reviewer must look at.
struct FlagRecord: Codable, SnakeCaseRecord {
    static let databaseTableName = "flags"

    var applicationId: String
    var flag: ReviewFlag
    var detail: String
    var createdAt: String

    enum Columns {
        static let applicationID = Column("application_id")
        static let flag = Column("flag")
        static let createdAt = Column("created_at")
    }
}

/// A bundle that was not imported, with every reason.
struct QuarantineRecord: Codable, SnakeCaseRecord {
    static let databaseTableName = "quarantine"

    var key: String
    var source: String
    var applicationId: String?
    var revision: Int?
    var reasons: [StoredDiagnostic]
    var at: String

    enum Columns {
        static let at = Column("at")
    }
}

/// One row of the append-only audit log.
struct EventRecord: Codable, SnakeCaseRecord {
    static let databaseTableName = "events"

    var seq: Int64?
    var at: String
    var actor: String
    var applicationId: String?
    var action: AuditAction
    var detail: [String: String]

    enum Columns {
        static let seq = Column("seq")
        static let applicationID = Column("application_id")
    }

    // The detail is stored as a JSON object with sorted keys, as it always was.
    static func databaseJSONEncoder(for column: String) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}

/// A station key the district trusts.
struct TrustKeyRecord: Codable, SnakeCaseRecord {
    static let databaseTableName = "trust_keys"

    var keyId: String
    var station: String
    var publicKey: String
    var addedAt: String
    var addedBy: String
    var note: String

    enum Columns {
        static let station = Column("station")
    }
}

/// A revoked station key.
struct RevocationRecord: Codable, SnakeCaseRecord {
    static let databaseTableName = "revocations"

    var keyId: String
    var revokedAt: String
    var revokedBy: String
    var reason: String
}

extension QuarantineRecord {
    var entry: QuarantineEntry {
        QuarantineEntry(key: key, source: source, applicationID: applicationId, revision: revision, reasons: reasons, at: at)
    }
}

extension EventRecord {
    var event: AuditEvent {
        AuditEvent(seq: seq ?? 0, at: at, actor: actor, applicationID: applicationId, action: action, detail: detail)
    }
}

extension AccountRole: DatabaseValueConvertible {}

/// A clerk's account.
struct AccountRecord: Codable, SnakeCaseRecord {
    static let databaseTableName = "accounts"

    var name: String
    var role: AccountRole
    var passwordHash: String
    var disabled: Bool
    var failedLogins: Int
    var lockedUntil: String?
    var createdAt: String
    var createdBy: String

    enum Columns {
        static let name = Column("name")
    }

    init(_ account: Account) {
        name = account.name
        role = account.role
        passwordHash = account.passwordHash
        disabled = account.disabled
        failedLogins = account.failedLogins
        lockedUntil = account.lockedUntil
        createdAt = account.createdAt
        createdBy = account.createdBy
    }

    var account: Account {
        Account(
            name: name, role: role, passwordHash: passwordHash, disabled: disabled, failedLogins: failedLogins,
            lockedUntil: lockedUntil, createdAt: createdAt, createdBy: createdBy)
    }
}

/// A signed-in session (the token's SHA-256 only).
struct SessionRecord: Codable, SnakeCaseRecord {
    static let databaseTableName = "sessions"

    var tokenDigest: String
    var account: String
    var createdAt: String
    var expiresAt: String

    enum Columns {
        static let tokenDigest = Column("token_digest")
        static let account = Column("account")
    }
}

/// A common rejection reason.
struct ReviewReasonRecord: Codable, SnakeCaseRecord {
    static let databaseTableName = "review_reasons"

    var id: Int64?
    var text: String
    var addedBy: String
    var addedAt: String

    enum Columns {
        static let id = Column("id")
    }
}
