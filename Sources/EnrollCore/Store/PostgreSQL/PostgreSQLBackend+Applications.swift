import Foundation
import JSONSchema
import PostgresNIO

extension PostgreSQLBackend {
    public func applications(_ query: ApplicationQuery) throws -> [ApplicationSummary] {
        try read { db in
            let rows = try db.rows("""
                SELECT \(unescaped: Self.applicationColumns) FROM applications a
                WHERE (\(query.status?.rawValue)::text IS NULL OR a.status = \(query.status?.rawValue))
                  AND (\(query.station)::text IS NULL OR a.station = \(query.station))
                  AND (\(query.flag?.rawValue)::text IS NULL OR a.id IN (SELECT application_id FROM flags WHERE flag = \(query.flag?.rawValue)))
                ORDER BY a.collection_number
                """)
            return try Self.summaries(db, try rows.map(Self.applicationRecord))
        }
    }

    public func detail(_ reference: String) throws -> ApplicationDetail {
        try read { db in
            let record = try Self.application(db, reference)
            let revisions = try db.rows("""
                SELECT \(unescaped: Self.revisionColumns) FROM revisions r WHERE r.application_id = \(record.id)
                ORDER BY r.revision, r.imported_at
                """).map(Self.revisionRecord)
            let flags = try db.rows("SELECT flag, detail, created_at FROM flags WHERE application_id = \(record.id) ORDER BY created_at, seq")
            return ApplicationDetail(
                summary: try Self.summaries(db, [record])[0],
                revisions: revisions.map {
                    .init(revision: $0.revision, digest: $0.digest, kind: $0.kind, state: $0.state, station: $0.station,
                          keyId: $0.keyId, importedAt: $0.importedAt, source: $0.source)
                },
                flags: try flags.map {
                    .init(flag: ReviewFlag(rawValue: try $0.value("flag")), detail: try $0.value("detail"), createdAt: try $0.value("created_at"))
                },
                formJSON: revisions.first { $0.digest == record.currentDigest }?.formJson)
        }
    }

    public func exportRows() throws -> [ExportRow] {
        try read { db in
            let served = try Self.servedDistrict(db)
            let rows = try db.rows("""
                SELECT \(unescaped: Self.applicationColumns), r.form_json FROM applications a JOIN revisions r ON r.digest = a.current_digest
                WHERE \(served)::text IS NULL OR a.district IS NULL OR a.district = \(served)
                ORDER BY a.collection_number
                """)
            let records = try rows.map(Self.applicationRecord)
            let summaries = try Self.summaries(db, records)
            return try zip(rows, summaries).map { row, summary in
                let json = try row.value("form_json", String?.self)
                return ExportRow(summary: summary, data: json.flatMap { try? JSONParser.parse(Array($0.utf8)) })
            }
        }
    }

    public func forEachExportRow(_ query: ExportQuery, _ body: (ExportRow) throws -> Void) throws {
        try forEachExportRow(query, batchSize: SQLiteBackend.exportBatchSize, body)
    }

    /// ``forEachExportRow(_:_:)`` reading `batchSize` applications at a time, by collection
    /// number after the last one read (keyset pages), all in one read-only snapshot so the
    /// export is one consistent state of the store however long it takes.
    func forEachExportRow(_ query: ExportQuery, batchSize: Int, _ body: (ExportRow) throws -> Void) throws {
        precondition(batchSize > 0, "a batch holds at least one application")
        try read { db in
            _ = try db.execute("BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            do {
                let served = try Self.servedDistrict(db)
                var after = ""
                while true {
                    let rows = try db.rows("""
                        SELECT \(unescaped: Self.applicationColumns), r.form_json FROM applications a JOIN revisions r ON r.digest = a.current_digest
                        WHERE a.collection_number > \(after)
                          AND (\(served)::text IS NULL OR a.district IS NULL OR a.district = \(served))
                          AND (\(query.status?.rawValue)::text IS NULL OR a.status = \(query.status?.rawValue))
                          AND (\(query.form)::text IS NULL OR a.form = \(query.form))
                          AND (\(query.school)::text IS NULL OR a.school = \(query.school))
                        ORDER BY a.collection_number LIMIT \(batchSize)
                        """)
                    if rows.isEmpty { break }
                    let records = try rows.map(Self.applicationRecord)
                    for (row, summary) in zip(rows, try Self.summaries(db, records)) {
                        let json = try row.value("form_json", String?.self)
                        try body(ExportRow(summary: summary, data: json.flatMap { try? JSONParser.parse(Array($0.utf8)) }))
                    }
                    after = records[records.count - 1].collectionNumber
                    if rows.count < batchSize { break }
                }
                _ = try db.execute("COMMIT")
            } catch {
                _ = try? db.execute("ROLLBACK")
                throw error
            }
        }
    }

    public func storedRevision(_ reference: String, revision: Int?) throws -> StoredRevision {
        try read { db in
            let record = try Self.application(db, reference)
            var digest = record.currentDigest
            if let revision {
                // A number held twice (a conflict) means the current or superseded one first.
                let candidates = try db.rows("""
                    SELECT \(unescaped: Self.revisionColumns) FROM revisions r WHERE r.application_id = \(record.id) AND r.revision = \(revision)
                    """).map(Self.revisionRecord)
                let order: [RevisionState] = [.current, .superseded, .conflict, .held, .refused]
                guard let found = candidates.min(by: { order.firstIndex(of: $0.state)! < order.firstIndex(of: $1.state)! }) else {
                    throw EnrollError.invalid(
                        .storeUnknownRevision, Location(),
                        zh: "申请 \(record.collectionNumber) 没有第 \(revision) 版。", en: "Application \(record.collectionNumber) has no revision \(revision).")
                }
                digest = found.digest
            }
            let files = try db.rows("SELECT path, object, size FROM files WHERE digest = \(digest) ORDER BY path")
            return StoredRevision(
                collectionNumber: record.collectionNumber, digest: digest,
                files: try files.map { StoredFile(path: try $0.value("path"), object: try $0.value("object"), size: try $0.value("size", Int64.self)) })
        }
    }

    public func statusRows(station: String?) throws -> [ApplicationStatusRow] {
        try read { db in
            let served = try Self.servedDistrict(db)
            let records = try db.rows("""
                SELECT \(unescaped: Self.applicationColumns) FROM applications a
                WHERE (\(served)::text IS NULL OR a.district IS NULL OR a.district = \(served))
                  AND (\(station)::text IS NULL OR a.station = \(station))
                ORDER BY a.collection_number
                """).map(Self.applicationRecord)
            return zip(records, try Self.summaries(db, records)).map { ApplicationStatusRow(summary: $1, childID: $0.childId) }
        }
    }

    public func review(_ decision: ReviewDecision) throws -> ApplicationSummary {
        try write { db in
            let record = try Self.lockedApplication(db, decision.reference)
            if let expected = decision.expectedVersion {
                let current = try Self.versions(db, [record.id])[record.id] ?? 0
                guard current == expected else { throw SQLiteBackend.staleDecision(record, decision) }
            }
            let (decided, event) = try ReviewRule.applied(decision, to: record)
            try Self.update(db, decided)
            try Self.append(event, in: db)
            return try Self.summaries(db, [decided])[0]
        }
    }

    // MARK: Held revisions

    public func acceptRevision(_ reference: String, reviewer: String) throws -> ApplicationSummary {
        try write { db in
            let session = PostgreSQLMergeSession(backend: self, db: db)
            let record = try MergeApplier.acceptHeldRevision(of: Self.lockedApplication(db, reference), reviewer: reviewer, in: session)
            return try Self.summaries(db, [record])[0]
        }
    }

    public func refuseRevision(_ reference: String, reasons: [String], reviewer: String) throws -> ApplicationSummary {
        try write { db in
            let record = try Self.lockedApplication(db, reference)
            try MergeApplier.refuseHeldRevision(of: record, reasons: reasons, reviewer: reviewer, in: PostgreSQLMergeSession(backend: self, db: db))
            return try Self.summaries(db, [record])[0]
        }
    }
}
