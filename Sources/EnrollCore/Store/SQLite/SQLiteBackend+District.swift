import GRDB

extension SQLiteBackend {
    public func servedDistrict() throws -> String? {
        try database.read { db in try Self.servedDistrict(db) }
    }

    public func serve(district: String, actor: String) throws {
        try database.write { db in
            if let serves = try Self.servedDistrict(db) {
                guard serves == district else {
                    throw EnrollError.invalid(
                        .storeDistrictMismatch, Location(),
                        zh: "本库服务于“\(serves)”，不能改为“\(district)”：一个库只服务一个区。请为\(district)另建一个库。",
                        en: "This store serves \"\(serves)\" and cannot become \"\(district)\": a store serves one district. Make another store for \(district).")
                }
                return
            }
            try db.execute(sql: "INSERT INTO store_settings (key, value) VALUES ('district', ?)", arguments: [district])
            let others = try String.fetchAll(
                db, sql: "SELECT DISTINCT district FROM applications WHERE district IS NOT NULL AND district <> ? ORDER BY district",
                arguments: [district])
            var detail = ["district": district]
            if !others.isEmpty { detail["otherDistricts"] = others.joined(separator: " ") }
            try Self.append(AuditEntry(actor: actor, action: .storeInit, detail: detail), in: db)
        }
    }

    /// The district the store serves, inside a transaction.
    static func servedDistrict(_ db: Database) throws -> String? {
        try String.fetchOne(db, sql: "SELECT value FROM store_settings WHERE key = 'district'")
    }
}
