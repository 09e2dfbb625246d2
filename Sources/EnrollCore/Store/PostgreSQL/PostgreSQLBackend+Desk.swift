import Foundation
import PostgresNIO

// The review desk's records on PostgreSQL: accounts, sessions, common reasons, the queue.

extension PostgreSQLBackend {
    static let accountColumns = "name, role, password_hash, disabled, failed_logins, locked_until, created_at, created_by"

    static func account(_ row: PostgresRandomAccessRow) throws -> Account {
        Account(
            name: try row.value("name"), role: try vocabulary(row, "role"), passwordHash: try row.value("password_hash"),
            disabled: try row.value("disabled"), failedLogins: try row.value("failed_logins", Int.self),
            lockedUntil: try row.value("locked_until"), createdAt: try row.value("created_at"), createdBy: try row.value("created_by"))
    }

    public func accounts() throws -> [Account] {
        try read { db in try db.rows("SELECT \(unescaped: Self.accountColumns) FROM accounts ORDER BY name").map(Self.account) }
    }

    public func account(named name: String) throws -> Account? {
        try read { db in try db.first("SELECT \(unescaped: Self.accountColumns) FROM accounts WHERE name = \(name)").map(Self.account) }
    }

    public func addAccount(_ account: Account) throws {
        try write { db in
            let added = try db.execute("""
                INSERT INTO accounts (name, role, password_hash, disabled, failed_logins, locked_until, created_at, created_by)
                VALUES (\(account.name), \(account.role.rawValue), \(account.passwordHash), \(account.disabled), \(account.failedLogins),
                    \(account.lockedUntil), \(account.createdAt), \(account.createdBy))
                ON CONFLICT (name) DO NOTHING
                """)
            guard added == 1 else { throw AccountErrors.exists(account.name) }
            try Self.append(
                AuditEntry(actor: account.createdBy, action: .accountAdd, detail: ["account": account.name, "role": account.role.rawValue]), in: db)
        }
    }

    public func updateAccount(_ account: Account, event: AuditEntry?) throws {
        try write { db in
            let updated = try db.execute("""
                UPDATE accounts SET role = \(account.role.rawValue), password_hash = \(account.passwordHash), disabled = \(account.disabled),
                    failed_logins = \(account.failedLogins), locked_until = \(account.lockedUntil), created_at = \(account.createdAt),
                    created_by = \(account.createdBy)
                WHERE name = \(account.name)
                """)
            guard updated == 1 else { throw AccountErrors.unknown(account.name) }
            if account.disabled { try db.execute("DELETE FROM sessions WHERE account = \(account.name)") }
            if let event { try Self.append(event, in: db) }
        }
    }

    public func recordSignIn(_ name: String, passwordCorrect: Bool, now: Date, policy: LoginPolicy) throws -> (Account, LoginRule.Outcome)? {
        try write { db in
            // The row lock makes two sign-ins at once count both failures.
            guard var account = try db.first("SELECT \(unescaped: Self.accountColumns) FROM accounts WHERE name = \(name) FOR UPDATE")
                .map(Self.account)
            else { return nil }
            let before = LoginRule.State(failures: account.failedLogins, lockedUntil: account.lockedUntil.flatMap(StoreClock.parse))
            let (after, outcome) = LoginRule.attempt(before, passwordCorrect: passwordCorrect, now: now, policy: policy)
            account.failedLogins = after.failures
            account.lockedUntil = after.lockedUntil.map(StoreClock.string)
            try db.execute("UPDATE accounts SET failed_logins = \(account.failedLogins), locked_until = \(account.lockedUntil) WHERE name = \(name)")
            if case .locked(let until) = outcome, before.lockedUntil != until {
                try Self.append(
                    AuditEntry(actor: name, action: .accountLocked, detail: ["account": name, "failures": String(after.failures), "until": StoreClock.string(until)]),
                    in: db)
            }
            return (account, outcome)
        }
    }

    public func createSession(_ session: DeskSession) throws {
        try write { db in
            try db.execute("""
                INSERT INTO sessions (token_digest, account, created_at, expires_at)
                VALUES (\(session.tokenDigest), \(session.account), \(session.createdAt), \(session.expiresAt))
                """)
        }
    }

    public func session(tokenDigest: String) throws -> DeskSession? {
        try read { db in
            try db.first("SELECT token_digest, account, created_at, expires_at FROM sessions WHERE token_digest = \(tokenDigest)").map {
                DeskSession(
                    tokenDigest: try $0.value("token_digest"), account: try $0.value("account"), createdAt: try $0.value("created_at"),
                    expiresAt: try $0.value("expires_at"))
            }
        }
    }

    public func deleteSession(tokenDigest: String) throws {
        try write { db in try db.execute("DELETE FROM sessions WHERE token_digest = \(tokenDigest)") }
    }

    public func deleteSessions(account: String) throws {
        try write { db in try db.execute("DELETE FROM sessions WHERE account = \(account)") }
    }

    public func reviewReasons() throws -> [ReviewReason] {
        try read { db in
            try db.rows("SELECT id, text, added_by, added_at FROM review_reasons ORDER BY id").map {
                ReviewReason(id: try $0.value("id", Int64.self), text: try $0.value("text"), addedBy: try $0.value("added_by"), addedAt: try $0.value("added_at"))
            }
        }
    }

    public func addReviewReason(_ text: String, actor: String) throws {
        try write { db in
            try db.execute("""
                INSERT INTO review_reasons (text, added_by, added_at) VALUES (\(text), \(actor), \(StoreClock.now())) ON CONFLICT (text) DO NOTHING
                """)
            try Self.append(AuditEntry(actor: actor, action: .reasonAdd, detail: ["reason": text]), in: db)
        }
    }

    public func removeReviewReason(id: Int64, actor: String) throws {
        try write { db in
            guard let text = try db.first("DELETE FROM review_reasons WHERE id = \(id) RETURNING text")?.value("text", String.self) else { return }
            try Self.append(AuditEntry(actor: actor, action: .reasonRemove, detail: ["reason": text]), in: db)
        }
    }

    // MARK: The queue

    public func queue(_ query: QueueQuery) throws -> QueuePage {
        try read { db in
            let direction = query.descending ? "DESC" : "ASC"
            let key: String
            switch query.sort {
            case .collectionNumber: key = "a.collection_number \(direction)"
            case .updated: key = "a.updated_at \(direction), a.collection_number \(direction)"
            case .received: key = "a.first_imported_at \(direction), a.collection_number \(direction)"
            case .status: key = "a.status \(direction), a.collection_number \(direction)"
            case .station: key = "a.station \(direction), a.collection_number \(direction)"
            }
            // The day's last second is before the next day: "2026-12-01T…" < "2026-12-01U".
            let to = query.receivedTo.map { $0 + "U" }
            let filter: PostgresQuery = """
                SELECT \(unescaped: Self.applicationColumns), count(*) OVER () AS total FROM applications a
                WHERE (\(query.status?.rawValue)::text IS NULL OR a.status = \(query.status?.rawValue))
                  AND (\(query.station)::text IS NULL OR a.station = \(query.station))
                  AND (\(query.form)::text IS NULL OR a.form = \(query.form))
                  AND (\(query.school)::text IS NULL OR a.school = \(query.school))
                  AND (\(query.receivedFrom)::text IS NULL OR a.first_imported_at >= \(query.receivedFrom))
                  AND (\(to)::text IS NULL OR a.first_imported_at < \(to))
                  AND (\(query.flag?.rawValue)::text IS NULL OR a.id IN (SELECT application_id FROM flags WHERE flag = \(query.flag?.rawValue)))
                ORDER BY \(unescaped: key) LIMIT \(query.limit) OFFSET \(query.offset)
                """
            let rows = try db.rows(filter)
            var total = try rows.first?.value("total", Int.self) ?? 0
            if rows.isEmpty && query.offset > 0 {
                // Past the last page: count without the page.
                var first = query
                first.offset = 0
                first.limit = 1
                total = try self.queue(first).total
            }
            return QueuePage(total: total, items: try Self.summaries(db, try rows.map(Self.applicationRecord)))
        }
    }

    public func search(_ text: String) throws -> [ApplicationSummary] {
        let needle = text.trimmingCharacters(in: .whitespaces)
        guard !needle.isEmpty else { return [] }
        return try read { db in
            let prefix: String? = needle.count >= 8 ? SQLiteBackend.likePrefix(needle.lowercased()) : nil
            let rows = try db.rows("""
                SELECT \(unescaped: Self.applicationColumns) FROM applications a
                WHERE a.collection_number = \(needle) OR a.child_id = \(needle.uppercased())
                   OR (\(prefix)::text IS NOT NULL AND a.id LIKE \(prefix) ESCAPE '\\')
                ORDER BY a.collection_number LIMIT 100
                """)
            return try Self.summaries(db, try rows.map(Self.applicationRecord))
        }
    }

    public func sharingPhone(with applicationID: String) throws -> [ApplicationSummary] {
        try read { db in
            let rows = try db.rows("""
                SELECT \(unescaped: Self.applicationColumns) FROM applications a
                WHERE a.id <> \(applicationID) AND a.id IN (
                    SELECT p.application_id FROM phones p WHERE p.phone IN (SELECT phone FROM phones WHERE application_id = \(applicationID)))
                ORDER BY a.collection_number
                """)
            return try Self.summaries(db, try rows.map(Self.applicationRecord))
        }
    }

    public func sameChild(as applicationID: String) throws -> [ApplicationSummary] {
        try read { db in
            let rows = try db.rows("""
                SELECT \(unescaped: Self.applicationColumns) FROM applications a JOIN applications me ON me.child_id = a.child_id
                WHERE me.id = \(applicationID) AND a.id <> \(applicationID)
                ORDER BY a.collection_number
                """)
            return try Self.summaries(db, try rows.map(Self.applicationRecord))
        }
    }

    public func revisionForms(_ reference: String) throws -> [RevisionForm] {
        try read { db in
            let record = try Self.application(db, reference)
            return try db.rows("""
                SELECT \(unescaped: Self.revisionColumns) FROM revisions r WHERE r.application_id = \(record.id) ORDER BY r.revision, r.imported_at
                """).map(Self.revisionRecord).map {
                RevisionForm(revision: $0.revision, digest: $0.digest, state: $0.state, importedAt: $0.importedAt, formJSON: $0.formJson)
            }
        }
    }
}
