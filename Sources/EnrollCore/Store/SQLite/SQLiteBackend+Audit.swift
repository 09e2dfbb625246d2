import GRDB

extension SQLiteBackend {
    public func append(_ entry: AuditEntry) throws {
        try database.write { db in try Self.append(entry, in: db) }
    }

    public func events(application: String?) throws -> [AuditEvent] {
        try database.read { db in
            var request = EventRecord.order(EventRecord.Columns.seq)
            if let application { request = request.filter(EventRecord.Columns.applicationID == application) }
            return try request.fetchAll(db).map(\.event)
        }
    }

    /// Appends an event inside the caller's transaction.
    static func append(_ entry: AuditEntry, in db: Database) throws {
        try EventRecord(
            seq: nil, at: StoreClock.now(), actor: entry.actor, applicationId: entry.applicationID, action: entry.action, detail: entry.detail
        ).insert(db)
    }
}
