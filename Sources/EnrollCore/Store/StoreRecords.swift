import Foundation
import GRDB

/// An application as the district knows it: its current revision and review state.
struct ApplicationRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "applications"

    var id: String
    var form: String
    var collectionNumber: String
    var status: String
    var currentRevision: Int
    var currentDigest: String
    var station: String
    var childID: String?
    var school: String?
    /// JSON array of rejection or hold reasons.
    var reasons: String
    var firstImportedAt: String
    var updatedAt: String

    enum CodingKeys: String, CodingKey {
        case id, form, status, station, school, reasons
        case collectionNumber = "collection_number"
        case currentRevision = "current_revision"
        case currentDigest = "current_digest"
        case childID = "child_id"
        case firstImportedAt = "first_imported_at"
        case updatedAt = "updated_at"
    }
}

/// One imported revision of an application, kept so it can be exported byte for byte.
struct RevisionRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "revisions"

    /// SHA-256 of the revision's tag manifest.
    var digest: String
    var applicationID: String
    var revision: Int
    var previous: String?
    var kind: String
    var station: String
    var keyID: String
    /// `current`, `superseded` or `conflict`.
    var state: String
    var formJSON: String?
    var importedAt: String
    var source: String

    enum CodingKeys: String, CodingKey {
        case digest, revision, previous, kind, station, state, source
        case applicationID = "application_id"
        case keyID = "key_id"
        case formJSON = "form_json"
        case importedAt = "imported_at"
    }
}

/// One file of a revision and the object holding its bytes.
struct FileRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "files"

    var digest: String
    var path: String
    var object: String
    var size: Int64
}

/// A guardian phone of an application's current revision (for the per-phone quota).
struct PhoneRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "phones"

    var applicationID: String
    var phone: String

    enum CodingKeys: String, CodingKey {
        case phone
        case applicationID = "application_id"
    }
}

/// Something about an application a reviewer must look at.
struct FlagRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "flags"

    var applicationID: String
    var flag: String
    var detail: String
    var createdAt: String

    enum CodingKeys: String, CodingKey {
        case flag, detail
        case applicationID = "application_id"
        case createdAt = "created_at"
    }
}

/// A bundle that was not imported, with every reason.
struct QuarantineRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "quarantine"

    /// What identifies the bundle: its tag-manifest digest, or its source path when unreadable.
    var key: String
    var source: String
    var applicationID: String?
    var revision: Int?
    /// JSON array of diagnostics.
    var reasons: String
    var at: String

    enum CodingKeys: String, CodingKey {
        case key, source, revision, reasons, at
        case applicationID = "application_id"
    }
}

/// One entry of the append-only audit log.
public struct AuditEvent: Codable, FetchableRecord, PersistableRecord, Sendable {
    public static let databaseTableName = "events"

    /// The position in the log.
    public var seq: Int64?
    /// When (ISO 8601).
    public var at: String
    /// Who: a reviewer, or `import`.
    public var actor: String
    /// The application concerned, if any.
    public var applicationID: String?
    /// What happened: `import.new`, `import.updated`, `review.verify`, `trust.add`, …
    public var action: String
    /// Details as JSON.
    public var detail: String

    enum CodingKeys: String, CodingKey {
        case seq, at, actor, action, detail
        case applicationID = "application_id"
    }
}

/// A station key the district trusts.
struct TrustKeyRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "trust_keys"

    var keyID: String
    var station: String
    var publicKey: String
    var addedAt: String
    var addedBy: String
    var note: String

    enum CodingKeys: String, CodingKey {
        case station, note
        case keyID = "key_id"
        case publicKey = "public_key"
        case addedAt = "added_at"
        case addedBy = "added_by"
    }
}

/// A revoked station key.
struct RevocationRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "revocations"

    var keyID: String
    var revokedAt: String
    var revokedBy: String
    var reason: String

    enum CodingKeys: String, CodingKey {
        case reason
        case keyID = "key_id"
        case revokedAt = "revoked_at"
        case revokedBy = "revoked_by"
    }
}

/// The database schema. Migrations are registered by name and never edited once shipped.
enum StoreSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "applications") { t in
                t.primaryKey("id", .text)
                t.column("form", .text).notNull()
                t.column("collection_number", .text).notNull().unique()
                t.column("status", .text).notNull()
                t.column("current_revision", .integer).notNull()
                t.column("current_digest", .text).notNull()
                t.column("station", .text).notNull()
                t.column("child_id", .text).indexed()
                t.column("school", .text)
                t.column("reasons", .text).notNull()
                t.column("first_imported_at", .text).notNull()
                t.column("updated_at", .text).notNull()
            }
            try db.create(table: "revisions") { t in
                t.primaryKey("digest", .text)
                t.column("application_id", .text).notNull().indexed()
                t.column("revision", .integer).notNull()
                t.column("previous", .text)
                t.column("kind", .text).notNull()
                t.column("station", .text).notNull()
                t.column("key_id", .text).notNull()
                t.column("state", .text).notNull()
                t.column("form_json", .text)
                t.column("imported_at", .text).notNull()
                t.column("source", .text).notNull()
            }
            try db.create(table: "files") { t in
                t.column("digest", .text).notNull().references("revisions", onDelete: .restrict)
                t.column("path", .text).notNull()
                t.column("object", .text).notNull()
                t.column("size", .integer).notNull()
                t.primaryKey(["digest", "path"])
            }
            try db.create(table: "phones") { t in
                t.column("application_id", .text).notNull().indexed()
                t.column("phone", .text).notNull().indexed()
                t.primaryKey(["application_id", "phone"])
            }
            try db.create(table: "flags") { t in
                t.column("application_id", .text).notNull().indexed()
                t.column("flag", .text).notNull()
                t.column("detail", .text).notNull()
                t.column("created_at", .text).notNull()
                t.primaryKey(["application_id", "flag", "detail"])
            }
            try db.create(table: "quarantine") { t in
                t.primaryKey("key", .text)
                t.column("source", .text).notNull()
                t.column("application_id", .text)
                t.column("revision", .integer)
                t.column("reasons", .text).notNull()
                t.column("at", .text).notNull()
            }
            try db.create(table: "events") { t in
                t.autoIncrementedPrimaryKey("seq")
                t.column("at", .text).notNull()
                t.column("actor", .text).notNull()
                t.column("application_id", .text).indexed()
                t.column("action", .text).notNull()
                t.column("detail", .text).notNull()
            }
            // The audit log is append-only: the database itself refuses changes and deletions.
            try db.execute(sql: """
                CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
                BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
                BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                """)
            try db.create(table: "trust_keys") { t in
                t.primaryKey("key_id", .text)
                t.column("station", .text).notNull()
                t.column("public_key", .text).notNull()
                t.column("added_at", .text).notNull()
                t.column("added_by", .text).notNull()
                t.column("note", .text).notNull()
            }
            try db.create(table: "revocations") { t in
                t.primaryKey("key_id", .text)
                t.column("revoked_at", .text).notNull()
                t.column("revoked_by", .text).notNull()
                t.column("reason", .text).notNull()
            }
            try db.create(table: "counters") { t in
                t.primaryKey("year", .integer)
                t.column("next", .integer).notNull()
            }
        }
        return migrator
    }
}
