import Foundation
import PostgresNIO

// The district office's records on PostgreSQL: number blocks, the district served, schools,
// the audit log and the trusted station keys.

extension PostgreSQLBackend {
    public func issueBlock(station: String, year: Int, count: Int, actor: String) throws -> NumberBlock {
        try write { db in
            let yy = year % 100
            // The counter row is locked until commit: two offices or importers never take the same numbers.
            try db.execute("INSERT INTO counters (year, next) VALUES (\(yy), 1) ON CONFLICT (year) DO NOTHING")
            let next = try db.first("SELECT next FROM counters WHERE year = \(yy) FOR UPDATE")!.value("next", Int.self)
            guard count >= 1, next + count - 1 <= 999_999 else {
                throw EnrollError.invalid(
                    .importCollectionNumbersExhausted, Location(),
                    zh: "\(year) 年只剩 \(max(0, 1_000_000 - next)) 个 6 位采集编号，不够发放 \(count) 个。",
                    en: "\(year) has \(max(0, 1_000_000 - next)) 6-digit collection numbers left, not enough for \(count).")
            }
            try db.execute("UPDATE counters SET next = \(next + count) WHERE year = \(yy)")
            let now = StoreClock.now()
            try db.execute("""
                INSERT INTO number_blocks (station, year, first, last, issued_at, issued_by)
                VALUES (\(station), \(year), \(next), \(next + count - 1), \(now), \(actor))
                """)
            let block = NumberBlock(
                station: station, year: year, first: NumberBlock.number(year: year, sequence: next),
                last: NumberBlock.number(year: year, sequence: next + count - 1), issuedAt: now)
            try Self.append(AuditEntry(actor: actor, action: .numbersIssue, detail: [
                "station": station, "first": block.first, "last": block.last, "count": String(count),
            ]), in: db)
            return block
        }
    }

    public func numberBlocks() throws -> [NumberBlock] {
        try read { db in
            try db.rows("SELECT station, year, first, last, issued_at FROM number_blocks ORDER BY id").map { row in
                let year = try row.value("year", Int.self)
                return NumberBlock(
                    station: try row.value("station"), year: year, first: NumberBlock.number(year: year, sequence: try row.value("first", Int.self)),
                    last: NumberBlock.number(year: year, sequence: try row.value("last", Int.self)), issuedAt: try row.value("issued_at"))
            }
        }
    }

    // MARK: The district served

    public func servedDistrict() throws -> String? {
        try read { db in try Self.servedDistrict(db) }
    }

    public func serve(district: String, actor: String) throws {
        try write { db in
            try db.execute("LOCK TABLE store_settings IN EXCLUSIVE MODE")
            if let serves = try Self.servedDistrict(db) {
                guard serves == district else {
                    throw EnrollError.invalid(
                        .storeDistrictMismatch, Location(),
                        zh: "本库服务于“\(serves)”，不能改为“\(district)”：一个库只服务一个区。请为\(district)另建一个库。",
                        en: "This store serves \"\(serves)\" and cannot become \"\(district)\": a store serves one district. Make another store for \(district).")
                }
                return
            }
            try db.execute("INSERT INTO store_settings (key, value) VALUES ('district', \(district))")
            let others = try db.rows("""
                SELECT DISTINCT district FROM applications WHERE district IS NOT NULL AND district <> \(district) ORDER BY district
                """).map { try $0.value("district", String.self) }
            var detail = ["district": district]
            if !others.isEmpty { detail["otherDistricts"] = others.joined(separator: " ") }
            try Self.append(AuditEntry(actor: actor, action: .storeInit, detail: detail), in: db)
        }
    }

    // MARK: Schools

    public func addSchool(_ school: SchoolInfo, actor: String) throws {
        try write { db in
            try Self.upsert(school, in: db)
            try Self.append(AuditEntry(actor: actor, action: .schoolsAdd, detail: [
                "name": school.name, "address": school.address, "contact": school.contact, "phone": school.phone,
            ]), in: db)
        }
    }

    public func importSchools(_ schools: [SchoolInfo], replacing: Bool, actor: String) throws -> SchoolImportCounts {
        try write { db in
            let existing = Set(try db.rows("SELECT name FROM schools").map { try $0.value("name", String.self) })
            let plan = try SchoolListImport(existing: existing, incoming: schools, replacing: replacing)
            for name in plan.removals {
                try db.execute("DELETE FROM schools WHERE name = \(name)")
            }
            for school in plan.upserts { try Self.upsert(school, in: db) }
            try Self.append(plan.auditEntry(actor: actor), in: db)
            return plan.counts
        }
    }

    /// Writes a school, replacing the entry of the same name.
    private static func upsert(_ school: SchoolInfo, in db: PostgresSession) throws {
        try db.execute("""
            INSERT INTO schools (name, district, address, contact, phone)
            VALUES (\(school.name), \(school.district), \(school.address), \(school.contact), \(school.phone))
            ON CONFLICT (name) DO UPDATE SET district = excluded.district, address = excluded.address,
                contact = excluded.contact, phone = excluded.phone
            """)
    }

    public func schools() throws -> [SchoolInfo] {
        try read { db in
            try db.rows("SELECT name, district, address, contact, phone FROM schools ORDER BY name").map {
                SchoolInfo(
                    name: try $0.value("name"), district: try $0.value("district"), address: try $0.value("address"),
                    contact: try $0.value("contact"), phone: try $0.value("phone"))
            }
        }
    }

    // MARK: Audit log

    public func append(_ entry: AuditEntry) throws {
        try write { db in try Self.append(entry, in: db) }
    }

    public func events(application: String?) throws -> [AuditEvent] {
        try read { db in
            try db.rows("""
                SELECT seq, at, actor, application_id, action, detail FROM events
                WHERE \(application)::text IS NULL OR application_id = \(application) ORDER BY seq
                """).map { row in
                AuditEvent(
                    seq: try row.value("seq", Int64.self), at: try row.value("at"), actor: try row.value("actor"),
                    applicationID: try row.value("application_id"), action: AuditAction(rawValue: try row.value("action")),
                    detail: try Self.decodeJSON([String: String].self, try row.value("detail", String.self)))
            }
        }
    }

    // MARK: Trust

    public func trustStore() throws -> TrustStore {
        try read { db in
            var store = TrustStore()
            for key in try db.rows("SELECT station, public_key FROM trust_keys ORDER BY key_id") {
                try store.add(
                    SignifyPublicKey(bytes: Array(try key.value("public_key", String.self).utf8)), name: try key.value("station"), source: "store")
            }
            for revocation in try db.rows("SELECT key_id, reason FROM revocations ORDER BY key_id") {
                if let id = KeyID(try revocation.value("key_id", String.self)) { store.revoke(id, reason: try revocation.value("reason")) }
            }
            return store
        }
    }

    public func trust(_ key: SignifyPublicKey, station: String, actor: String, note: String) throws {
        try write { db in
            let keyID = key.keyID.description
            try db.lock(.trustKey, keyID)
            if let existing = try db.first("SELECT station FROM trust_keys WHERE key_id = \(keyID)")?.value("station", String.self),
               existing != station {
                throw EnrollError.invalid(
                    .sigTrustDuplicate, Location(),
                    zh: "密钥 \(key.keyID) 已属于站点“\(existing)”。", en: "Key \(key.keyID) already belongs to station \"\(existing)\".")
            }
            try db.execute("""
                INSERT INTO trust_keys (key_id, station, public_key, added_at, added_by, note)
                VALUES (\(keyID), \(station), \(String(decoding: key.fileContents, as: UTF8.self)), \(StoreClock.now()), \(actor), \(note))
                ON CONFLICT (key_id) DO UPDATE SET station = excluded.station, public_key = excluded.public_key,
                    added_at = excluded.added_at, added_by = excluded.added_by, note = excluded.note
                """)
            try Self.append(AuditEntry(actor: actor, action: .trustAdd, detail: ["keyId": keyID, "station": station, "note": note]), in: db)
        }
    }

    public func revoke(_ keyID: KeyID, actor: String, reason: String) throws {
        try write { db in
            try db.execute("""
                INSERT INTO revocations (key_id, revoked_at, revoked_by, reason) VALUES (\(keyID.description), \(StoreClock.now()), \(actor), \(reason))
                ON CONFLICT (key_id) DO UPDATE SET revoked_at = excluded.revoked_at, revoked_by = excluded.revoked_by, reason = excluded.reason
                """)
            try Self.append(AuditEntry(actor: actor, action: .trustRevoke, detail: ["keyId": keyID.description, "reason": reason]), in: db)
        }
    }

    public func trustedKeys() throws -> [TrustedKey] {
        try read { db in
            try db.rows("""
                SELECT k.key_id, k.station, k.added_at, k.added_by, k.note, v.revoked_at, v.revoked_by, v.reason
                FROM trust_keys k LEFT JOIN revocations v ON v.key_id = k.key_id ORDER BY k.station, k.key_id
                """).map { row in
                TrustedKey(
                    keyId: try row.value("key_id"), station: try row.value("station"), addedAt: try row.value("added_at"),
                    addedBy: try row.value("added_by"), note: try row.value("note"), revokedAt: try row.value("revoked_at"),
                    revokedBy: try row.value("revoked_by"), reason: try row.value("reason"))
            }
        }
    }
}
