import GRDB

extension SQLiteBackend {
    public func addSchool(_ school: SchoolInfo, actor: String) throws {
        try database.write { db in
            try Self.upsert(school, in: db)
            try Self.append(AuditEntry(actor: actor, action: .schoolsAdd, detail: [
                "name": school.name, "address": school.address, "contact": school.contact, "phone": school.phone,
            ]), in: db)
        }
    }

    public func schools() throws -> [SchoolInfo] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT name, district, address, contact, phone FROM schools ORDER BY name").map {
                SchoolInfo(name: $0["name"], district: $0["district"], address: $0["address"], contact: $0["contact"], phone: $0["phone"])
            }
        }
    }

    public func importSchools(_ schools: [SchoolInfo], replacing: Bool, actor: String) throws -> SchoolImportCounts {
        try database.write { db in
            let plan = try SchoolListImport(
                existing: Set(try String.fetchAll(db, sql: "SELECT name FROM schools")), incoming: schools, replacing: replacing)
            for name in plan.removals {
                try db.execute(sql: "DELETE FROM schools WHERE name = ?", arguments: [name])
            }
            for school in plan.upserts { try Self.upsert(school, in: db) }
            try Self.append(plan.auditEntry(actor: actor), in: db)
            return plan.counts
        }
    }

    /// Writes a school, replacing the entry of the same name.
    private static func upsert(_ school: SchoolInfo, in db: Database) throws {
        try db.execute(sql: """
            INSERT INTO schools (name, district, address, contact, phone) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT(name) DO UPDATE SET district = excluded.district, address = excluded.address,
                contact = excluded.contact, phone = excluded.phone
            """, arguments: [school.name, school.district, school.address, school.contact, school.phone])
    }
}
