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

extension SQLiteBackend {
    public func importSchools(_ schools: [SchoolInfo], replacing: Bool, actor: String) throws -> SchoolImportCounts {
        try database.write { db in
            let before = Set(try String.fetchAll(db, sql: "SELECT name FROM schools"))
            let names = Set(schools.map(\.name))
            var removed = 0
            if replacing {
                for name in before.subtracting(names).sorted() {
                    try db.execute(sql: "DELETE FROM schools WHERE name = ?", arguments: [name])
                    removed += 1
                }
            }
            var seen: Set<String> = []
            for school in schools {
                // Throwing here rolls back the whole import, the removals included.
                guard seen.insert(school.name).inserted else { throw StoreErrors.duplicateSchool(school.name) }
                try db.execute(sql: """
                    INSERT INTO schools (name, district, address, contact, phone) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(name) DO UPDATE SET district = excluded.district, address = excluded.address,
                        contact = excluded.contact, phone = excluded.phone
                    """, arguments: [school.name, school.district, school.address, school.contact, school.phone])
            }
            let updated = names.intersection(before).count
            let counts = SchoolImportCounts(added: names.count - updated, updated: updated, removed: removed)
            try Self.append(AuditEntry(actor: actor, action: .schoolsImport, detail: [
                "mode": replacing ? "replace" : "merge", "added": String(counts.added), "updated": String(counts.updated),
                "removed": String(counts.removed),
            ]), in: db)
            return counts
        }
    }
}
