import Foundation
import PostgresNIO

extension PostgreSQLBackend {
    public func holdsRevision(_ digest: String) throws -> Bool {
        try read { db in try db.first("SELECT 1 AS one FROM revisions WHERE digest = \(digest)") != nil }
    }

    public func merge(_ bundle: IncomingBundle, actor: String) throws -> ImportReport.Item {
        try write { db in try MergeApplier.merge(bundle, actor: actor, in: PostgreSQLMergeSession(backend: self, db: db)) }
    }

    public func quarantine(_ entry: QuarantineEntry, actor: String) throws {
        try write { db in
            try PostgreSQLMergeSession(backend: self, db: db).saveQuarantine(entry)
            try Self.append(AuditEntry(actor: actor, application: entry.applicationID, action: .importQuarantined, detail: [
                "source": entry.source, "codes": entry.reasons.map(\.code).joined(separator: " "),
            ]), in: db)
        }
    }

    public func quarantined() throws -> [QuarantineEntry] {
        try read { db in
            try db.rows("SELECT key, source, application_id, revision, reasons, at FROM quarantine ORDER BY at, seq").map { row in
                QuarantineEntry(
                    key: try row.value("key"), source: try row.value("source"), applicationID: try row.value("application_id"),
                    revision: try row.value("revision", Int?.self),
                    reasons: try Self.decodeJSON([StoredDiagnostic].self, try row.value("reasons", String.self)), at: try row.value("at"))
            }
        }
    }

    /// Takes the advisory locks of a revision's child and guardian phones (after the
    /// application's), so two merges for the same child or phone see each other.
    static func lockFacts(_ db: PostgresSession, _ facts: CrossApplicationRules.Facts?) throws {
        guard let facts else { return }
        if let child = facts.childID { try db.lock(.child, child) }
        for phone in Set(facts.phones.map(\.phone)).sorted() { try db.lock(.phone, phone) }
    }

    /// Records the child's ID and guardian phones, and flags duplicates and quota overruns
    /// (DESIGN §7: both applications are kept) across every district the store holds; a
    /// duplicate in another district names it.
    func applyCrossApplicationRules(
        _ db: PostgresSession, _ application: inout ApplicationRecord, _ facts: CrossApplicationRules.Facts?
    ) throws -> [ReviewFlag] {
        guard let facts else { return [] }
        var raised: Set<ReviewFlag> = []
        let id = application.id
        try db.execute("DELETE FROM phones WHERE application_id = \(id)")
        if let child = facts.childID {
            application.childId = child
            try Self.update(db, application)
            let others = try db.rows("""
                SELECT \(unescaped: Self.applicationColumns) FROM applications a
                WHERE a.child_id = \(child) AND a.id <> \(id) AND a.status <> 'withdrawn' ORDER BY a.collection_number
                """).map(Self.applicationRecord)
            for other in others {
                raised.insert(try flag(db, id, .duplicateChild, Self.sameChild(other, seenFrom: application)))
                _ = try flag(db, other.id, .duplicateChild, Self.sameChild(application, seenFrom: other))
            }
        }
        for quota in facts.phones {
            try db.execute("INSERT INTO phones (application_id, phone) VALUES (\(id), \(quota.phone)) ON CONFLICT DO NOTHING")
            let sharing = try db.rows("""
                SELECT DISTINCT p.application_id FROM phones p JOIN applications a ON a.id = p.application_id
                WHERE p.phone = \(quota.phone) AND a.status <> 'withdrawn' AND a.form = \(application.form) ORDER BY p.application_id
                """).map { try $0.value("application_id", String.self) }
            if CrossApplicationRules.quotaExceeded(sharing: sharing.count, max: quota.max) {
                let detail = "\(sharing.count) applications share the guardian phone \(Privacy.maskPhone(quota.phone)) (at most \(quota.max))"
                for other in sharing {
                    let raisedFlag = try flag(db, other, .phoneQuota, detail)
                    if other == id { raised.insert(raisedFlag) }
                }
            }
        }
        return raised.sorted { $0.rawValue < $1.rawValue }
    }

    /// The `duplicate-child` detail on `viewer` about `other`: its collection number, and its
    /// district when that is another one (a child applying in two districts of the city).
    static func sameChild(_ other: ApplicationRecord, seenFrom viewer: ApplicationRecord) -> String {
        if let district = other.district, district != viewer.district {
            return "same child as \(other.collectionNumber) in \(district)"
        }
        return "same child as \(other.collectionNumber)"
    }

    func flag(_ db: PostgresSession, _ application: String, _ flag: ReviewFlag, _ detail: String) throws -> ReviewFlag {
        try db.execute("""
            INSERT INTO flags (application_id, flag, detail, created_at) VALUES (\(application), \(flag.rawValue), \(detail), \(StoreClock.now()))
            ON CONFLICT DO NOTHING
            """)
        return flag
    }

    /// Checks a collection number a station gave at 提交 for a new application: it lies in a
    /// block issued to that station and no other application has it.
    /// - Throws: `EnrollError` with `import.collection-number`.
    static func checkStationNumber(_ db: PostgresSession, _ number: String, station: String, source: String) throws {
        guard let yy = Int(number.prefix(2)), let sequence = Int(number.dropFirst(2)),
              try db.first("""
                  SELECT 1 AS one FROM number_blocks WHERE station = \(station) AND year % 100 = \(yy) AND first <= \(sequence) AND last >= \(sequence)
                  LIMIT 1
                  """) != nil
        else { throw MergeMessages.numberNotInBlock(number, station: station, source: source) }
        if let other = try db.first("SELECT id FROM applications WHERE collection_number = \(number)") {
            throw MergeMessages.numberTaken(number, by: try other.value("id"), source: source)
        }
    }
}

/// PostgreSQL's side of a merge (``MergeSession``): SQL on the write transaction's session,
/// under advisory locks so that concurrent importers serialise on what they share.
struct PostgreSQLMergeSession: MergeSession {
    let backend: PostgreSQLBackend
    let db: PostgresSession

    /// The application's advisory lock, then its child's and phones', held until the
    /// transaction ends.
    func lockForMerge(_ applicationID: String, facts: CrossApplicationRules.Facts?) throws {
        try db.lock(.application, applicationID)
        try PostgreSQLBackend.lockFacts(db, facts)
    }

    func application(_ id: String) throws -> ApplicationRecord? {
        try db.first("SELECT \(unescaped: PostgreSQLBackend.applicationColumns) FROM applications a WHERE a.id = \(id)")
            .map(PostgreSQLBackend.applicationRecord)
    }

    func heldRevision(of applicationID: String) throws -> RevisionRecord? {
        try PostgreSQLBackend.heldRevision(db, of: applicationID)
    }

    func holdsRevision(_ digest: String) throws -> Bool {
        try db.first("SELECT 1 AS one FROM revisions WHERE digest = \(digest)") != nil
    }

    func servedDistrict() throws -> String? {
        try PostgreSQLBackend.servedDistrict(db)
    }

    func formJSON(ofRevision digest: String) throws -> String? {
        try db.first("SELECT form_json FROM revisions WHERE digest = \(digest)")?.value("form_json", String?.self)
    }

    /// Two new applications claiming one station number wait for each other on its lock.
    func checkStationNumber(_ number: String, station: String, source: String) throws {
        try db.lock(.collectionNumber, number)
        try PostgreSQLBackend.checkStationNumber(db, number, station: station, source: source)
    }

    /// The next 8-digit collection number: two digits of the form's year, six of the counter,
    /// whose row stays locked until the transaction ends (never the same number twice).
    func nextCollectionNumber(year: Int?) throws -> String {
        let yy = (year ?? Calendar(identifier: .gregorian).component(.year, from: Date())) % 100
        let next = try db.first("""
            INSERT INTO counters (year, next) VALUES (\(yy), 2) ON CONFLICT (year) DO UPDATE SET next = counters.next + 1
            RETURNING next - 1 AS taken
            """)!.value("taken", Int.self)
        guard next <= 999_999 else { throw MergeMessages.numbersExhausted }
        return String(format: "%02d%06d", yy, next)
    }


    func insert(_ record: ApplicationRecord) throws {
        try db.execute("""
            INSERT INTO applications (id, form, collection_number, status, current_revision, current_digest, station, child_id, school,
                reasons, first_imported_at, updated_at, district)
            VALUES (\(record.id), \(record.form), \(record.collectionNumber), \(record.status.rawValue), \(record.currentRevision),
                \(record.currentDigest), \(record.station), \(record.childId), \(record.school), \(try PostgreSQLBackend.encodeJSON(record.reasons)),
                \(record.firstImportedAt), \(record.updatedAt), \(record.district))
            """)
    }

    func update(_ application: ApplicationRecord) throws {
        try PostgreSQLBackend.update(db, application)
    }

    func insert(_ revision: RevisionRecord, files: [StoredFile]) throws {
        try db.execute("""
            INSERT INTO revisions (digest, application_id, revision, previous, kind, station, key_id, state, form_json, imported_at, source, facts)
            VALUES (\(revision.digest), \(revision.applicationId), \(revision.revision), \(revision.previous), \(revision.kind.rawValue),
                \(revision.station), \(revision.keyId), \(revision.state.rawValue), \(revision.formJson), \(revision.importedAt),
                \(revision.source), \(try revision.facts.map(PostgreSQLBackend.encodeJSON)))
            """)
        guard !files.isEmpty else { return }
        try db.execute("""
            INSERT INTO files (digest, path, object, size)
            SELECT \(revision.digest), f.path, f.object, f.size
            FROM unnest(\(files.map(\.path))::text[], \(files.map(\.object))::text[], \(files.map(\.size))::bigint[]) AS f(path, object, size)
            """)
    }

    func setState(_ state: RevisionState, ofRevision digest: String) throws {
        try PostgreSQLBackend.setState(db, digest: digest, state)
    }

    func supersedeHeldRevisions(of applicationID: String) throws {
        try db.execute("UPDATE revisions SET state = 'superseded' WHERE application_id = \(applicationID) AND state = 'held'")
    }

    func clearFlag(_ flag: ReviewFlag, of applicationID: String) throws {
        try PostgreSQLBackend.clearFlag(db, applicationID, flag)
    }

    func flag(_ applicationID: String, _ flag: ReviewFlag, _ detail: String) throws -> ReviewFlag {
        try backend.flag(db, applicationID, flag, detail)
    }

    func deletePhones(of applicationID: String) throws {
        try db.execute("DELETE FROM phones WHERE application_id = \(applicationID)")
    }

    func applyCrossApplicationRules(_ application: inout ApplicationRecord, _ facts: CrossApplicationRules.Facts?) throws -> [ReviewFlag] {
        try backend.applyCrossApplicationRules(db, &application, facts)
    }

    func saveQuarantine(_ entry: QuarantineEntry) throws {
        try db.execute("""
            INSERT INTO quarantine (key, source, application_id, revision, reasons, at)
            VALUES (\(entry.key), \(entry.source), \(entry.applicationID), \(entry.revision), \(try PostgreSQLBackend.encodeJSON(entry.reasons)), \(entry.at))
            ON CONFLICT (key) DO UPDATE SET source = excluded.source, application_id = excluded.application_id,
                revision = excluded.revision, reasons = excluded.reasons, at = excluded.at
            """)
    }

    func append(_ entry: AuditEntry) throws {
        try PostgreSQLBackend.append(entry, in: db)
    }
}
