import GRDB

extension SQLiteBackend {
    public func acceptRevision(_ reference: String, reviewer: String) throws -> ApplicationSummary {
        try database.write { db in
            let session = SQLiteMergeSession(backend: self, db: db)
            let record = try MergeApplier.acceptHeldRevision(of: Self.application(db, reference), reviewer: reviewer, in: session)
            return try Self.summaries(db, [record])[0]
        }
    }

    public func refuseRevision(_ reference: String, reasons: [String], reviewer: String) throws -> ApplicationSummary {
        try database.write { db in
            let record = try Self.application(db, reference)
            try MergeApplier.refuseHeldRevision(of: record, reasons: reasons, reviewer: reviewer, in: SQLiteMergeSession(backend: self, db: db))
            return try Self.summaries(db, [record])[0]
        }
    }
}
