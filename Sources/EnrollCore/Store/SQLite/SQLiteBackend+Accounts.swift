import Foundation
import GRDB

extension SQLiteBackend {
    public func accounts() throws -> [Account] {
        try database.read { db in try AccountRecord.order(AccountRecord.Columns.name).fetchAll(db).map(\.account) }
    }

    public func account(named name: String) throws -> Account? {
        try database.read { db in try AccountRecord.fetchOne(db, key: name)?.account }
    }

    public func addAccount(_ account: Account) throws {
        try database.write { db in
            guard try AccountRecord.fetchOne(db, key: account.name) == nil else { throw AccountErrors.exists(account.name) }
            try AccountRecord(account).insert(db)
            try Self.append(
                AuditEntry(actor: account.createdBy, action: .accountAdd, detail: ["account": account.name, "role": account.role.rawValue]), in: db)
        }
    }

    public func updateAccount(_ account: Account, event: AuditEntry?) throws {
        try database.write { db in
            guard try AccountRecord.fetchOne(db, key: account.name) != nil else { throw AccountErrors.unknown(account.name) }
            try AccountRecord(account).update(db)
            if account.disabled { try SessionRecord.filter(SessionRecord.Columns.account == account.name).deleteAll(db) }
            if let event { try Self.append(event, in: db) }
        }
    }

    public func createSession(_ session: DeskSession) throws {
        try database.write { db in
            try SessionRecord(tokenDigest: session.tokenDigest, account: session.account, createdAt: session.createdAt, expiresAt: session.expiresAt)
                .insert(db)
        }
    }

    public func session(tokenDigest: String) throws -> DeskSession? {
        try database.read { db in
            try SessionRecord.fetchOne(db, key: tokenDigest).map {
                DeskSession(tokenDigest: $0.tokenDigest, account: $0.account, createdAt: $0.createdAt, expiresAt: $0.expiresAt)
            }
        }
    }

    public func deleteSession(tokenDigest: String) throws {
        _ = try database.write { db in try SessionRecord.deleteOne(db, key: tokenDigest) }
    }

    public func deleteSessions(account: String) throws {
        _ = try database.write { db in try SessionRecord.filter(SessionRecord.Columns.account == account).deleteAll(db) }
    }

    public func reviewReasons() throws -> [ReviewReason] {
        try database.read { db in
            try ReviewReasonRecord.order(ReviewReasonRecord.Columns.id).fetchAll(db).map {
                ReviewReason(id: $0.id ?? 0, text: $0.text, addedBy: $0.addedBy, addedAt: $0.addedAt)
            }
        }
    }

    public func addReviewReason(_ text: String, actor: String) throws {
        try database.write { db in
            try ReviewReasonRecord(id: nil, text: text, addedBy: actor, addedAt: StoreClock.now()).insert(db, onConflict: .ignore)
            try Self.append(AuditEntry(actor: actor, action: .reasonAdd, detail: ["reason": text]), in: db)
        }
    }

    public func removeReviewReason(id: Int64, actor: String) throws {
        try database.write { db in
            guard let record = try ReviewReasonRecord.fetchOne(db, key: id) else { return }
            try record.delete(db)
            try Self.append(AuditEntry(actor: actor, action: .reasonRemove, detail: ["reason": record.text]), in: db)
        }
    }
}

extension SQLiteBackend {
    public func recordSignIn(_ name: String, passwordCorrect: Bool, now: Date, policy: LoginPolicy) throws -> (Account, LoginRule.Outcome)? {
        try database.write { db in
            guard var record = try AccountRecord.fetchOne(db, key: name) else { return nil }
            let before = LoginRule.State(failures: record.failedLogins, lockedUntil: record.lockedUntil.flatMap(StoreClock.parse))
            let (after, outcome) = LoginRule.attempt(before, passwordCorrect: passwordCorrect, now: now, policy: policy)
            record.failedLogins = after.failures
            record.lockedUntil = after.lockedUntil.map(StoreClock.string)
            try record.update(db)
            if case .locked(let until) = outcome, before.lockedUntil != until {
                try Self.append(
                    AuditEntry(actor: name, action: .accountLocked, detail: ["account": name, "failures": String(after.failures), "until": StoreClock.string(until)]),
                    in: db)
            }
            return (record.account, outcome)
        }
    }
}
