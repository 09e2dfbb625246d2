import Foundation
import GRDB
import PostgresNIO

/// What `enroll store push` sent: the counts of what was new in the city store.
public struct StorePushReport: Sendable, Codable, Hashable {
    /// Applications the city store did not have.
    public var newApplications = 0
    /// Applications it had, brought up to the district's state.
    public var updatedApplications = 0
    /// Revisions it did not have.
    public var newRevisions = 0
    /// Audit events it did not have.
    public var newEvents = 0
    /// Objects (files) copied into its objects directory.
    public var newObjects = 0
    /// Applications not pushed, each with why (`store.push`).
    public var refused: [StoredDiagnostic] = []

    /// Whether nothing at all was new (a second push of an unchanged store).
    public var nothingNew: Bool {
        newApplications == 0 && updatedApplications == 0 && newRevisions == 0 && newEvents == 0 && newObjects == 0
    }
}

extension PostgreSQLBackend {
    /// Sends a district's SQLite store into this city store: its applications with every
    /// revision, file, flag and decision, its audit events (each once: an event keeps the
    /// district and its sequence number there) and its objects.
    ///
    /// Idempotent and resumable: each application is one transaction, its objects copied and
    /// fsynced before it; a push killed half way is finished by pushing again, and a push of
    /// an unchanged store adds nothing. The city-wide rules (one application per child, the
    /// phone quota) run on every application pushed.
    /// - Parameters:
    ///   - source: The district store.
    ///   - actor: Who pushes (the `store.push` event).
    /// - Throws: `store.push` when the district store serves no district yet.
    public func push(from source: SQLiteBackend, actor: String) throws -> StorePushReport {
        guard let origin = try source.servedDistrict() else {
            throw EnrollError.invalid(
                .storePush, Location(file: source.directory),
                zh: "该区县数据库尚未设定所属区县，不能推送到全市库。请先运行 enroll store init --store \(source.directory) --district 区名。",
                en: "The district store does not serve a district yet, so it cannot be pushed to the city store. Run enroll store init --store \(source.directory) --district NAME first.")
        }
        var report = StorePushReport()
        let applications = try source.database.read { db in try ApplicationRecord.order(ApplicationRecord.Columns.collectionNumber).fetchAll(db) }
        for application in applications {
            let (revisions, files, flags, events) = try source.database.read { db in
                let revisions = try RevisionRecord.filter(RevisionRecord.Columns.applicationID == application.id)
                    .order(RevisionRecord.Columns.revision).fetchAll(db)
                let files = try FileRecord.filter(revisions.map(\.digest).contains(FileRecord.Columns.digest)).fetchAll(db)
                let flags = try FlagRecord.filter(FlagRecord.Columns.applicationID == application.id).fetchAll(db)
                let events = try EventRecord.filter(EventRecord.Columns.applicationID == application.id).order(EventRecord.Columns.seq).fetchAll(db)
                return (revisions, files, flags, events)
            }
            // The bytes first, durably: a row never names an object the city store lacks.
            for object in Set(files.map(\.object)).sorted() where !FileManager.default.fileExists(atPath: objects.path(of: object)) {
                try objects.store(from: source.objects.path(of: object), digest: object)
                report.newObjects += 1
            }
            let current = revisions.first { $0.digest == application.currentDigest }
            try write { db in
                try db.lock(.application, application.id)
                try Self.lockFacts(db, current?.facts)
                if let other = try db.first("""
                    SELECT id FROM applications WHERE collection_number = \(application.collectionNumber) AND id <> \(application.id)
                    """) {
                    let otherID = try other.value("id", String.self)
                    report.refused.append(StoredDiagnostic(.error(
                        .storePush, Location(file: source.directory),
                        zh: "采集编号 \(application.collectionNumber) 在全市库中已属于另一个申请（\(otherID.prefix(8))），申请 \(application.id.prefix(8)) 未推送。",
                        en: "The collection number \(application.collectionNumber) belongs to another application (\(otherID.prefix(8))) in the city store; application \(application.id.prefix(8)) was not pushed.")))
                    return
                }
                var record = application
                let inserted = try db.first("""
                    INSERT INTO applications (id, form, collection_number, status, current_revision, current_digest, station, child_id, school,
                        reasons, first_imported_at, updated_at, district)
                    VALUES (\(record.id), \(record.form), \(record.collectionNumber), \(record.status.rawValue), \(record.currentRevision),
                        \(record.currentDigest), \(record.station), \(record.childId), \(record.school), \(try Self.encodeJSON(record.reasons)),
                        \(record.firstImportedAt), \(record.updatedAt), \(record.district ?? origin))
                    ON CONFLICT (id) DO UPDATE SET status = excluded.status, current_revision = excluded.current_revision,
                        current_digest = excluded.current_digest, station = excluded.station, school = excluded.school,
                        reasons = excluded.reasons, updated_at = excluded.updated_at, district = excluded.district
                    WHERE (applications.status, applications.current_digest, applications.school, applications.reasons, applications.updated_at)
                        IS DISTINCT FROM (excluded.status, excluded.current_digest, excluded.school, excluded.reasons, excluded.updated_at)
                    RETURNING (xmax = 0) AS inserted
                    """)
                if let inserted {
                    if try inserted.value("inserted", Bool.self) { report.newApplications += 1 } else { report.updatedApplications += 1 }
                }
                for revision in revisions {
                    let added = try db.execute("""
                        INSERT INTO revisions (digest, application_id, revision, previous, kind, station, key_id, state, form_json, imported_at,
                            source, facts)
                        VALUES (\(revision.digest), \(revision.applicationId), \(revision.revision), \(revision.previous), \(revision.kind.rawValue),
                            \(revision.station), \(revision.keyId), \(revision.state.rawValue), \(revision.formJson), \(revision.importedAt),
                            \(revision.source), \(try revision.facts.map(Self.encodeJSON)))
                        ON CONFLICT (digest) DO NOTHING
                        """)
                    report.newRevisions += added
                    if added == 0 { try Self.setState(db, digest: revision.digest, revision.state) }
                }
                for file in files {
                    try db.execute("""
                        INSERT INTO files (digest, path, object, size) VALUES (\(file.digest), \(file.path), \(file.object), \(file.size))
                        ON CONFLICT DO NOTHING
                        """)
                }
                for flag in flags {
                    try db.execute("""
                        INSERT INTO flags (application_id, flag, detail, created_at)
                        VALUES (\(flag.applicationId), \(flag.flag.rawValue), \(flag.detail), \(flag.createdAt)) ON CONFLICT DO NOTHING
                        """)
                }
                if current?.kind.carriesForm == true, record.status != .withdrawn {
                    _ = try applyCrossApplicationRules(db, &record, current?.facts)
                }
                report.newEvents += try Self.pushEvents(db, events, origin: origin)
            }
        }
        // The events about no application (trust, numbers, store.init, schools), and the push.
        let office = try source.database.read { db in try EventRecord.filter(EventRecord.Columns.applicationID == nil).order(EventRecord.Columns.seq).fetchAll(db) }
        try write { db in
            report.newEvents += try Self.pushEvents(db, office, origin: origin)
            try Self.append(AuditEntry(actor: actor, action: .storePush, detail: [
                "district": origin, "from": source.directory, "newApplications": String(report.newApplications),
                "updatedApplications": String(report.updatedApplications), "newRevisions": String(report.newRevisions),
                "newEvents": String(report.newEvents), "newObjects": String(report.newObjects), "refused": String(report.refused.count),
            ]), in: db)
        }
        return report
    }

    /// Appends a district's events not pushed before; returns how many were new.
    private static func pushEvents(_ db: PostgresSession, _ events: [EventRecord], origin: String) throws -> Int {
        var added = 0
        for event in events {
            added += try db.execute("""
                INSERT INTO events (at, actor, application_id, action, detail, origin, origin_seq)
                VALUES (\(event.at), \(event.actor), \(event.applicationId), \(event.action.rawValue), \(try encodeJSON(event.detail)),
                    \(origin), \(event.seq ?? 0))
                ON CONFLICT (origin, origin_seq) WHERE origin IS NOT NULL DO NOTHING
                """)
        }
        return added
    }
}
