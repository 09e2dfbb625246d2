import GRDB

extension SQLiteBackend {
    public func acceptRevision(_ reference: String, reviewer: String) throws -> ApplicationSummary {
        try database.write { db in
            var record = try Self.application(db, reference)
            let held = try Self.heldRevision(db, of: record.id)
            _ = try HeldRevisionRule.check(
                .accept, held: held.map { MergeRule.Tip(revision: $0.revision, digest: $0.digest) }, reasons: [],
                collectionNumber: record.collectionNumber)
            let revision = held!
            let from = record.currentRevision
            try RevisionRecord.filter(key: record.currentDigest).updateAll(db, RevisionRecord.Columns.state.set(to: RevisionState.superseded))
            try RevisionRecord.filter(key: revision.digest).updateAll(db, RevisionRecord.Columns.state.set(to: RevisionState.current))
            try FlagRecord.filter(FlagRecord.Columns.applicationID == record.id && FlagRecord.Columns.flag == ReviewFlag.revisionAfterDecision).deleteAll(db)
            record.currentRevision = revision.revision
            record.currentDigest = revision.digest
            record.station = revision.station.isEmpty ? record.station : revision.station
            record.updatedAt = StoreClock.now()
            try record.update(db)
            _ = try applyCrossApplicationRules(db, &record, revision.facts)
            try Self.append(AuditEntry(actor: reviewer, application: record.id, action: .revisionAccepted, detail: [
                "from": String(from), "to": String(revision.revision), "digest": revision.digest, "status": record.status.rawValue,
            ]), in: db)
            return try Self.summaries(db, [record])[0]
        }
    }

    public func refuseRevision(_ reference: String, reasons: [String], reviewer: String) throws -> ApplicationSummary {
        try database.write { db in
            let record = try Self.application(db, reference)
            let held = try Self.heldRevision(db, of: record.id)
            let reasons = try HeldRevisionRule.check(
                .refuse, held: held.map { MergeRule.Tip(revision: $0.revision, digest: $0.digest) }, reasons: reasons,
                collectionNumber: record.collectionNumber)
            let revision = held!
            try RevisionRecord.filter(key: revision.digest).updateAll(db, RevisionRecord.Columns.state.set(to: RevisionState.refused))
            try FlagRecord.filter(FlagRecord.Columns.applicationID == record.id && FlagRecord.Columns.flag == ReviewFlag.revisionAfterDecision).deleteAll(db)
            try Self.append(AuditEntry(actor: reviewer, application: record.id, action: .revisionRefused, detail: [
                "revision": String(revision.revision), "digest": revision.digest, "current": String(record.currentRevision),
                "status": record.status.rawValue, "reasons": reasons.joined(separator: " | "),
            ]), in: db)
            return try Self.summaries(db, [record])[0]
        }
    }
}
