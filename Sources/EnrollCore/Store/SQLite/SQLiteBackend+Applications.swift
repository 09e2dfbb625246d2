import Foundation
import GRDB
import JSONSchema

extension SQLiteBackend {
    public func applications(_ query: ApplicationQuery) throws -> [ApplicationSummary] {
        try database.read { db in
            var request = ApplicationRecord.order(ApplicationRecord.Columns.collectionNumber)
            if let status = query.status { request = request.filter(ApplicationRecord.Columns.status == status) }
            if let station = query.station { request = request.filter(ApplicationRecord.Columns.station == station) }
            if let flag = query.flag {
                let flagged = FlagRecord.filter(FlagRecord.Columns.flag == flag).select(FlagRecord.Columns.applicationID)
                request = request.filter(flagged.contains(ApplicationRecord.Columns.id))
            }
            return try Self.summaries(db, try request.fetchAll(db))
        }
    }

    public func detail(_ reference: String) throws -> ApplicationDetail {
        try database.read { db in
            let record = try Self.application(db, reference)
            let revisions = try RevisionRecord.filter(RevisionRecord.Columns.applicationID == record.id)
                .order(RevisionRecord.Columns.revision, RevisionRecord.Columns.importedAt).fetchAll(db)
            let flags = try FlagRecord.filter(FlagRecord.Columns.applicationID == record.id).order(FlagRecord.Columns.createdAt).fetchAll(db)
            return ApplicationDetail(
                summary: try Self.summaries(db, [record])[0],
                revisions: revisions.map {
                    .init(revision: $0.revision, digest: $0.digest, kind: $0.kind, state: $0.state, station: $0.station,
                          keyId: $0.keyId, importedAt: $0.importedAt, source: $0.source)
                },
                flags: flags.map { .init(flag: $0.flag, detail: $0.detail, createdAt: $0.createdAt) },
                formJSON: revisions.first { $0.digest == record.currentDigest }?.formJson)
        }
    }

    public func exportRows() throws -> [ExportRow] {
        try database.read { db in
            let records = try Self.servedApplications(db).order(ApplicationRecord.Columns.collectionNumber).fetchAll(db)
            let summaries = try Self.summaries(db, records)
            return try zip(records, summaries).map { record, summary in
                let json = try String.fetchOne(
                    db, RevisionRecord.filter(key: record.currentDigest).select(Column("form_json")))
                return ExportRow(summary: summary, data: json.flatMap { try? JSONParser.parse(Array($0.utf8)) })
            }
        }
    }

    public func forEachExportRow(_ query: ExportQuery, _ body: (ExportRow) throws -> Void) throws {
        try forEachExportRow(query, batchSize: Self.exportBatchSize, body)
    }

    /// ``forEachExportRow(_:_:)`` reading `batchSize` applications at a time (tests cross batch
    /// boundaries with small ones).
    func forEachExportRow(_ query: ExportQuery, batchSize: Int, _ body: (ExportRow) throws -> Void) throws {
        precondition(batchSize > 0, "a batch holds at least one application")
        try database.read { db in
            var request = try Self.servedApplications(db).order(ApplicationRecord.Columns.collectionNumber)
            if let status = query.status { request = request.filter(ApplicationRecord.Columns.status == status) }
            if let form = query.form { request = request.filter(ApplicationRecord.Columns.form == form) }
            if let school = query.school { request = request.filter(ApplicationRecord.Columns.school == school) }
            // Records come from a cursor; each batch gets its flags, versions and form data in
            // a few queries, so memory holds one batch whatever the number of applications.
            let cursor = try request.fetchCursor(db)
            var batch: [ApplicationRecord] = []
            func flush() throws {
                guard !batch.isEmpty else { return }
                let summaries = try Self.summaries(db, batch)
                var json: [String: String] = [:]
                let digests = batch.map(\.currentDigest)
                for row in try Row.fetchAll(
                    db, sql: "SELECT digest, form_json FROM revisions WHERE digest IN (\(databaseQuestionMarks(count: digests.count)))",
                    arguments: StatementArguments(digests))
                {
                    json[row[0]] = row[1]
                }
                for (record, summary) in zip(batch, summaries) {
                    try body(ExportRow(summary: summary, data: json[record.currentDigest].flatMap { try? JSONParser.parse(Array($0.utf8)) }))
                }
                batch.removeAll(keepingCapacity: true)
            }
            while let record = try cursor.next() {
                batch.append(record)
                if batch.count == batchSize { try flush() }
            }
            try flush()
        }
    }

    /// How many applications ``forEachExportRow(_:_:)`` reads at a time (SQLite allows 32,766
    /// parameters in one statement; 500 keeps each batch's queries and memory small).
    static let exportBatchSize = 500

    public func storedRevision(_ reference: String, revision: Int?) throws -> StoredRevision {
        try database.read { db in
            let record = try Self.application(db, reference)
            var digest = record.currentDigest
            if let revision {
                // A number held twice (a conflict) means the current or superseded one first.
                let candidates = try RevisionRecord
                    .filter(RevisionRecord.Columns.applicationID == record.id && RevisionRecord.Columns.revision == revision)
                    .fetchAll(db)
                let order: [RevisionState] = [.current, .superseded, .conflict, .held, .refused]
                guard let found = candidates.min(by: { order.firstIndex(of: $0.state)! < order.firstIndex(of: $1.state)! }) else {
                    throw EnrollError.invalid(
                        .storeUnknownRevision, Location(),
                        zh: "申请 \(record.collectionNumber) 没有第 \(revision) 版。", en: "Application \(record.collectionNumber) has no revision \(revision).")
                }
                digest = found.digest
            }
            let files = try FileRecord.filter(FileRecord.Columns.digest == digest).fetchAll(db)
            return StoredRevision(
                collectionNumber: record.collectionNumber, digest: digest,
                files: files.map { StoredFile(path: $0.path, object: $0.object, size: $0.size) })
        }
    }

    public func statusRows(station: String?) throws -> [ApplicationStatusRow] {
        try database.read { db in
            var request = try Self.servedApplications(db).order(ApplicationRecord.Columns.collectionNumber)
            if let station { request = request.filter(ApplicationRecord.Columns.station == station) }
            let records = try request.fetchAll(db)
            return zip(records, try Self.summaries(db, records)).map { ApplicationStatusRow(summary: $1, childID: $0.childId) }
        }
    }

    public func review(_ decision: ReviewDecision) throws -> ApplicationSummary {
        try database.write { db in
            let record = try Self.application(db, decision.reference)
            if let expected = decision.expectedVersion {
                let current = try Self.versions(db, [record.id])[record.id] ?? 0
                guard current == expected else { throw Self.staleDecision(record, decision) }
            }
            let (decided, event) = try ReviewRule.applied(decision, to: record)
            try decided.update(db)
            try Self.append(event, in: db)
            return try Self.summaries(db, [decided])[0]
        }
    }

    // MARK: Shared by the jobs

    /// The applications of the district the store serves (all of them in a store without a
    /// district): exports and status archives are per district.
    static func servedApplications(_ db: Database) throws -> QueryInterfaceRequest<ApplicationRecord> {
        guard let serves = try servedDistrict(db) else { return ApplicationRecord.all() }
        return ApplicationRecord.filter(ApplicationRecord.Columns.district == nil || ApplicationRecord.Columns.district == serves)
    }

    /// Finds an application by its id, a unique id prefix, or its 8-digit collection number.
    /// - Throws: `store.unknown-application` if none or several match.
    static func application(_ db: Database, _ reference: String) throws -> ApplicationRecord {
        let key = reference.lowercased()
        if let found = try ApplicationRecord.filter(ApplicationRecord.Columns.collectionNumber == key).fetchOne(db) { return found }
        let matches = try ApplicationRecord.filter(ApplicationRecord.Columns.id.like(Self.likePrefix(key), escape: "\\")).limit(2).fetchAll(db)
        guard matches.count == 1 else { throw StoreErrors.unknownApplication(reference, ambiguous: !matches.isEmpty) }
        return matches[0]
    }

    /// A LIKE pattern matching strings that start with `prefix` (its own `%`, `_` and `\\`
    /// taken literally, with `\\` as the escape character).
    static func likePrefix(_ prefix: String) -> String {
        prefix.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
    }

    /// The summaries of application records, with their flags (one query for all).
    static func summaries(_ db: Database, _ records: [ApplicationRecord]) throws -> [ApplicationSummary] {
        guard !records.isEmpty else { return [] }
        var flagsByApplication: [String: Set<ReviewFlag>] = [:]
        let ids = records.map(\.id)
        for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
            for flag in try FlagRecord.filter(chunk.contains(FlagRecord.Columns.applicationID)).fetchAll(db) {
                flagsByApplication[flag.applicationId, default: []].insert(flag.flag)
            }
        }
        let versions = try Self.versions(db, ids)
        let authorizations = try Self.authorizations(db, ids)
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
    static func authorizations(_ db: Database, _ ids: [String]) throws -> [String: AuthorizationStatus] {
        var kinds: [String: [BundleKind]] = [:]
        for start in stride(from: 0, to: ids.count, by: 500) {
            let chunk = Array(ids[start..<min(start + 500, ids.count)])
            let rows = try RevisionRecord
                .filter(chunk.contains(RevisionRecord.Columns.applicationID))
                .filter([BundleKind.authorization, .authorizationRevoked].contains(RevisionRecord.Columns.kind))
                .filter([RevisionState.current, .superseded].contains(RevisionRecord.Columns.state))
                .order(RevisionRecord.Columns.revision)
                .fetchAll(db)
            for row in rows { kinds[row.applicationId, default: []].append(row.kind) }
        }
        return kinds.compactMapValues(AuthorizationStatus.after(kinds:))
    }

    /// Each application's version: the sequence number of its latest audit event.
    static func versions(_ db: Database, _ ids: [String]) throws -> [String: Int64] {
        var versions: [String: Int64] = [:]
        for start in stride(from: 0, to: ids.count, by: 500) {
            let chunk = Array(ids[start..<min(start + 500, ids.count)])
            let rows = try Row.fetchAll(
                db, sql: "SELECT application_id, MAX(seq) FROM events WHERE application_id IN (\(databaseQuestionMarks(count: chunk.count))) GROUP BY application_id",
                arguments: StatementArguments(chunk))
            for row in rows { versions[row[0]] = row[1] }
        }
        return versions
    }

    /// The refusal of a decision made on an application that changed since the reviewer saw it.
    static func staleDecision(_ record: ApplicationRecord, _ decision: ReviewDecision) -> EnrollError {
        EnrollError.invalid(
            .reviewStale, Location(),
            zh: "申请 \(record.collectionNumber) 在您打开后已被他人处理或更新（当前状态：\(record.status.familyText.zh)），您的“\(decision.action.rawValue)”未保存。请重新打开该申请查看后再决定。",
            en: "Application \(record.collectionNumber) was changed by someone else after you opened it (now \(record.status.rawValue)); your \(decision.action.rawValue) was not saved. Open it again, look, then decide.")
    }
}
