import GRDB

extension SQLiteBackend {
    public func addSchool(_ school: SchoolInfo, actor: String) throws {
        try database.write { db in
            try db.execute(sql: """
                INSERT INTO schools (name, district, address, contact, phone) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(name) DO UPDATE SET district = excluded.district, address = excluded.address,
                    contact = excluded.contact, phone = excluded.phone
                """, arguments: [school.name, school.district, school.address, school.contact, school.phone])
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
}
