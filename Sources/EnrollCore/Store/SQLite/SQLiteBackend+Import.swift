import Foundation
import GRDB
import JSONSchema

extension SQLiteBackend {
    public func holdsRevision(_ digest: String) throws -> Bool {
        try database.read { db in try RevisionRecord.exists(db, key: digest) }
    }

    public func merge(_ bundle: IncomingBundle, actor: String) throws -> ImportReport.Item {
        try database.write { db in try MergeApplier.merge(bundle, actor: actor, in: SQLiteMergeSession(backend: self, db: db)) }
    }

    public func quarantine(_ entry: QuarantineEntry, actor: String) throws {
        try database.write { db in try quarantine(db, entry, actor: actor) }
    }

    public func quarantined() throws -> [QuarantineEntry] {
        try database.read { db in try QuarantineRecord.order(QuarantineRecord.Columns.at, Column.rowID).fetchAll(db).map(\.entry) }
    }

    private func quarantine(_ db: Database, _ entry: QuarantineEntry, actor: String) throws {
        try SQLiteMergeSession(backend: self, db: db).saveQuarantine(entry)
        try Self.append(AuditEntry(actor: actor, application: entry.applicationID, action: .importQuarantined, detail: [
            "source": entry.source, "codes": entry.reasons.map(\.code).joined(separator: " "),
        ]), in: db)
    }

    /// The newest revision of an application held by the submit lock, if any.
    static func heldRevision(_ db: Database, of application: String) throws -> RevisionRecord? {
        try RevisionRecord
            .filter(RevisionRecord.Columns.applicationID == application && RevisionRecord.Columns.state == RevisionState.held)
            .order(RevisionRecord.Columns.revision.desc).fetchOne(db)
    }

    /// Records the child's ID and guardian phones, and flags duplicates and quota overruns
    /// (DESIGN §7: both applications are kept).
    func applyCrossApplicationRules(
        _ db: Database, _ application: inout ApplicationRecord, _ facts: CrossApplicationRules.Facts?
    ) throws -> [ReviewFlag] {
        guard let facts else { return [] }
        var raised: Set<ReviewFlag> = []
        let id = application.id
        try PhoneRecord.filter(PhoneRecord.Columns.applicationID == id).deleteAll(db)
        if let child = facts.childID {
            application.childId = child
            try application.update(db)
            let others = try ApplicationRecord
                .filter(ApplicationRecord.Columns.childID == child && ApplicationRecord.Columns.id != id
                        && ApplicationRecord.Columns.status != ApplicationStatus.withdrawn)
                .fetchAll(db)
            for other in others {
                raised.insert(try flag(db, id, .duplicateChild, "same child as \(other.collectionNumber)"))
                _ = try flag(db, other.id, .duplicateChild, "same child as \(application.collectionNumber)")
            }
        }
        for quota in facts.phones {
            try PhoneRecord(applicationId: id, phone: quota.phone).insert(db, onConflict: .ignore)
            let sharing = try String.fetchAll(db, sql: """
                SELECT DISTINCT p.application_id FROM phones p JOIN applications a ON a.id = p.application_id
                WHERE p.phone = ? AND a.status != ? AND a.form = ? ORDER BY p.application_id
                """, arguments: [quota.phone, ApplicationStatus.withdrawn, application.form])
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

    func flag(_ db: Database, _ application: String, _ flag: ReviewFlag, _ detail: String) throws -> ReviewFlag {
        try FlagRecord(applicationId: application, flag: flag, detail: detail, createdAt: StoreClock.now()).insert(db, onConflict: .ignore)
        return flag
    }
}

/// SQLite's side of a merge (``MergeSession``): GRDB records and queries on the write
/// transaction's database.
struct SQLiteMergeSession: MergeSession {
    let backend: SQLiteBackend
    let db: Database

    /// Nothing to take: SQLite has one writer at a time, and the transaction is it.
    func lockForMerge(_ applicationID: String, facts: CrossApplicationRules.Facts?) throws {}

    func application(_ id: String) throws -> ApplicationRecord? {
        try ApplicationRecord.fetchOne(db, key: id)
    }

    func heldRevision(of applicationID: String) throws -> RevisionRecord? {
        try SQLiteBackend.heldRevision(db, of: applicationID)
    }

    func holdsRevision(_ digest: String) throws -> Bool {
        try RevisionRecord.exists(db, key: digest)
    }

    func servedDistrict() throws -> String? {
        try SQLiteBackend.servedDistrict(db)
    }

    func formJSON(ofRevision digest: String) throws -> String? {
        try String.fetchOne(db, RevisionRecord.filter(key: digest).select(Column("form_json")))
    }

    func checkStationNumber(_ number: String, station: String, source: String) throws {
        try SQLiteBackend.checkStationNumber(db, number, station: station, source: source)
    }

    /// Two digits of the form's year, six of the year's counter.
    func nextCollectionNumber(year: Int?) throws -> String {
        let yy = (year ?? Calendar(identifier: .gregorian).component(.year, from: Date())) % 100
        let next = try Int.fetchOne(db, sql: "SELECT next FROM counters WHERE year = ?", arguments: [yy]) ?? 1
        guard next <= 999_999 else {
            throw MergeMessages.numbersExhausted
        }
        try db.execute(sql: "INSERT INTO counters (year, next) VALUES (?, ?) ON CONFLICT(year) DO UPDATE SET next = excluded.next", arguments: [yy, next + 1])
        return String(format: "%02d%06d", yy, next)
    }

    func insert(_ application: ApplicationRecord) throws {
        try application.insert(db)
    }

    func update(_ application: ApplicationRecord) throws {
        try application.update(db)
    }

    func insert(_ revision: RevisionRecord, files: [StoredFile]) throws {
        try revision.insert(db)
        for file in files {
            try FileRecord(digest: revision.digest, path: file.path, object: file.object, size: file.size).insert(db)
        }
    }

    func setState(_ state: RevisionState, ofRevision digest: String) throws {
        try RevisionRecord.filter(key: digest).updateAll(db, RevisionRecord.Columns.state.set(to: state))
    }

    func supersedeHeldRevisions(of applicationID: String) throws {
        try RevisionRecord.filter(RevisionRecord.Columns.applicationID == applicationID && RevisionRecord.Columns.state == RevisionState.held)
            .updateAll(db, RevisionRecord.Columns.state.set(to: RevisionState.superseded))
    }

    func clearFlag(_ flag: ReviewFlag, of applicationID: String) throws {
        try FlagRecord.filter(FlagRecord.Columns.applicationID == applicationID && FlagRecord.Columns.flag == flag).deleteAll(db)
    }

    func flag(_ applicationID: String, _ flag: ReviewFlag, _ detail: String) throws -> ReviewFlag {
        try backend.flag(db, applicationID, flag, detail)
    }

    func deletePhones(of applicationID: String) throws {
        try PhoneRecord.filter(PhoneRecord.Columns.applicationID == applicationID).deleteAll(db)
    }

    func applyCrossApplicationRules(_ application: inout ApplicationRecord, _ facts: CrossApplicationRules.Facts?) throws -> [ReviewFlag] {
        try backend.applyCrossApplicationRules(db, &application, facts)
    }

    func saveQuarantine(_ entry: QuarantineEntry) throws {
        try QuarantineRecord(
            key: entry.key, source: entry.source, applicationId: entry.applicationID, revision: entry.revision, reasons: entry.reasons, at: entry.at
        ).save(db)
    }

    func append(_ entry: AuditEntry) throws {
        try SQLiteBackend.append(entry, in: db)
    }
}
