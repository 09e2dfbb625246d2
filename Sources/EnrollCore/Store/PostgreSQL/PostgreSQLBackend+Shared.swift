import Foundation
import PostgresNIO

/// What the PostgreSQL backend's jobs share: reading rows into the store's records, finding
/// an application, summaries with flags and versions, appending to the audit log.
extension PostgreSQLBackend {
    /// The columns of `applications`, in the order ``applicationRecord(_:)`` reads them.
    static let applicationColumns = """
        a.id, a.form, a.collection_number, a.status, a.current_revision, a.current_digest, a.station, a.child_id, a.school,
        a.reasons, a.first_imported_at, a.updated_at, a.district
        """

    /// The columns of `revisions`, in the order ``revisionRecord(_:)`` reads them.
    static let revisionColumns = """
        r.digest, r.application_id, r.revision, r.previous, r.kind, r.station, r.key_id, r.state, r.form_json, r.imported_at,
        r.source, r.facts
        """

    static func applicationRecord(_ row: PostgresRandomAccessRow) throws -> ApplicationRecord {
        ApplicationRecord(
            id: try row.value("id"), form: try row.value("form"), collectionNumber: try row.value("collection_number"),
            status: try vocabulary(row, "status"), currentRevision: try row.value("current_revision", Int.self),
            currentDigest: try row.value("current_digest"), station: try row.value("station"), childId: try row.value("child_id"),
            school: try row.value("school"), reasons: try decodeJSON([String].self, try row.value("reasons", String.self)),
            firstImportedAt: try row.value("first_imported_at"), updatedAt: try row.value("updated_at"),
            district: try row.value("district"))
    }

    static func revisionRecord(_ row: PostgresRandomAccessRow) throws -> RevisionRecord {
        RevisionRecord(
            digest: try row.value("digest"), applicationId: try row.value("application_id"), revision: try row.value("revision", Int.self),
            previous: try row.value("previous"), kind: try vocabulary(row, "kind"), station: try row.value("station"),
            keyId: try row.value("key_id"), state: try vocabulary(row, "state"), formJson: try row.value("form_json"),
            importedAt: try row.value("imported_at"), source: try row.value("source"),
            facts: try (try row.value("facts", String?.self)).map { try decodeJSON(CrossApplicationRules.Facts.self, $0) })
    }

    /// A column holding one of the store's words (a status, a state, a kind).
    static func vocabulary<T: RawRepresentable>(_ row: PostgresRandomAccessRow, _ name: String) throws -> T where T.RawValue == String {
        let text = try row.value(name, String.self)
        guard let value = T(rawValue: text) else { throw corrupt("\(name) = \(text)") }
        return value
    }

    static func decodeJSON<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(text.utf8))
        } catch {
            throw corrupt("JSON \(text.prefix(80))")
        }
    }

    /// JSON text with sorted keys, as the SQLite store writes it.
    static func encodeJSON<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func corrupt(_ what: String) -> EnrollError {
        EnrollError.io(
            .storeUnavailable, Location(),
            zh: "PostgreSQL 库中有无法读取的值（\(what)），请检查该库是否由本程序写入。",
            en: "The PostgreSQL store holds a value this release cannot read (\(what)); check that the store was written by enroll.")
    }

    /// Finds an application by its id, a unique id prefix, or its 8-digit collection number.
    /// - Throws: `store.unknown-application` if none or several match.
    static func application(_ db: PostgresSession, _ reference: String, forUpdate: Bool = false) throws -> ApplicationRecord {
        let key = reference.lowercased()
        if let row = try db.first("SELECT \(unescaped: applicationColumns) FROM applications a WHERE a.collection_number = \(key)") {
            return try applicationRecord(row)
        }
        let pattern = SQLiteBackend.likePrefix(key)
        let matches = try db.rows("SELECT \(unescaped: applicationColumns) FROM applications a WHERE a.id LIKE \(pattern) ESCAPE '\\' LIMIT 2")
        guard matches.count == 1 else { throw StoreErrors.unknownApplication(reference, ambiguous: !matches.isEmpty) }
        return try applicationRecord(matches[0])
    }

    /// Finds an application as ``application(_:_:forUpdate:)`` and takes its advisory lock
    /// inside the caller's transaction, reading it again under the lock.
    static func lockedApplication(_ db: PostgresSession, _ reference: String) throws -> ApplicationRecord {
        let found = try application(db, reference)
        try db.lock(.application, found.id)
        guard let row = try db.first("SELECT \(unescaped: applicationColumns) FROM applications a WHERE a.id = \(found.id)") else {
            throw StoreErrors.unknownApplication(reference, ambiguous: false)
        }
        return try applicationRecord(row)
    }

    static func update(_ db: PostgresSession, _ record: ApplicationRecord) throws {
        try db.execute("""
            UPDATE applications SET form = \(record.form), collection_number = \(record.collectionNumber), status = \(record.status.rawValue),
                current_revision = \(record.currentRevision), current_digest = \(record.currentDigest), station = \(record.station),
                child_id = \(record.childId), school = \(record.school), reasons = \(try encodeJSON(record.reasons)),
                updated_at = \(record.updatedAt), district = \(record.district)
            WHERE id = \(record.id)
            """)
    }

    /// The summaries of application records, with their flags and versions (one query each).
    static func summaries(_ db: PostgresSession, _ records: [ApplicationRecord]) throws -> [ApplicationSummary] {
        guard !records.isEmpty else { return [] }
        let ids = records.map(\.id)
        var flagsByApplication: [String: Set<ReviewFlag>] = [:]
        for row in try db.rows("SELECT application_id, flag FROM flags WHERE application_id = ANY(\(ids))") {
            flagsByApplication[try row.value("application_id"), default: []].insert(ReviewFlag(rawValue: try row.value("flag")))
        }
        let versions = try versions(db, ids)
        let authorizations = try authorizations(db, ids)
        return records.map { record in
            ApplicationSummary(
                applicationId: record.id, collectionNumber: record.collectionNumber, form: record.form, status: record.status,
                revision: record.currentRevision, station: record.station, school: record.school, reasons: record.reasons,
                flags: (flagsByApplication[record.id] ?? []).sorted { $0.rawValue < $1.rawValue }, updatedAt: record.updatedAt,
                version: versions[record.id] ?? 0, authorization: authorizations[record.id])
        }
    }

    /// Each application's 授权 status (``AuthorizationStatus/after(kinds:)``) from its
    /// authorization revisions that became current (current or superseded, not held,
    /// conflicting or refused); applications without any are left out.
    static func authorizations(_ db: PostgresSession, _ ids: [String]) throws -> [String: AuthorizationStatus] {
        var kinds: [String: [BundleKind]] = [:]
        let wanted = [BundleKind.authorization, .authorizationRevoked].map(\.rawValue)
        let states = [RevisionState.current, .superseded].map(\.rawValue)
        for row in try db.rows("""
            SELECT application_id, kind FROM revisions
            WHERE application_id = ANY(\(ids)) AND kind = ANY(\(wanted)) AND state = ANY(\(states))
            ORDER BY application_id, revision
            """)
        {
            kinds[try row.value("application_id"), default: []].append(try vocabulary(row, "kind"))
        }
        return kinds.compactMapValues(AuthorizationStatus.after(kinds:))
    }

    /// Each application's version: the sequence number of its latest audit event.
    static func versions(_ db: PostgresSession, _ ids: [String]) throws -> [String: Int64] {
        var versions: [String: Int64] = [:]
        for row in try db.rows("SELECT application_id, MAX(seq) AS seq FROM events WHERE application_id = ANY(\(ids)) GROUP BY application_id") {
            versions[try row.value("application_id")] = try row.value("seq", Int64.self)
        }
        return versions
    }

    /// Appends an event inside the caller's transaction.
    static func append(_ entry: AuditEntry, in db: PostgresSession) throws {
        try db.execute("""
            INSERT INTO events (at, actor, application_id, action, detail)
            VALUES (\(StoreClock.now()), \(entry.actor), \(entry.applicationID), \(entry.action.rawValue), \(try encodeJSON(entry.detail)))
            """)
    }

    /// The district the store serves, or nil (a city store).
    static func servedDistrict(_ db: PostgresSession) throws -> String? {
        try db.first("SELECT value FROM store_settings WHERE key = 'district'").map { try $0.value("value", String.self) }
    }

    /// The newest revision of an application held by the submit lock, if any.
    static func heldRevision(_ db: PostgresSession, of application: String) throws -> RevisionRecord? {
        try db.first("""
            SELECT \(unescaped: revisionColumns) FROM revisions r WHERE r.application_id = \(application) AND r.state = 'held'
            ORDER BY r.revision DESC LIMIT 1
            """).map(revisionRecord)
    }

    static func setState(_ db: PostgresSession, digest: String, _ state: RevisionState) throws {
        try db.execute("UPDATE revisions SET state = \(state.rawValue) WHERE digest = \(digest)")
    }

    static func clearFlag(_ db: PostgresSession, _ application: String, _ flag: ReviewFlag) throws {
        try db.execute("DELETE FROM flags WHERE application_id = \(application) AND flag = \(flag.rawValue)")
    }
}
