import GRDB

extension SQLiteBackend {
    public func issueBlock(station: String, year: Int, count: Int, actor: String) throws -> NumberBlock {
        try database.write { db in
            let yy = year % 100
            let next = try Int.fetchOne(db, sql: "SELECT next FROM counters WHERE year = ?", arguments: [yy]) ?? 1
            guard count >= 1, next + count - 1 <= 999_999 else {
                throw EnrollError.invalid(
                    .importCollectionNumbersExhausted, Location(),
                    zh: "\(year) 年只剩 \(max(0, 1_000_000 - next)) 个 6 位采集编号，不够发放 \(count) 个。",
                    en: "\(year) has \(max(0, 1_000_000 - next)) 6-digit collection numbers left, not enough for \(count).")
            }
            try db.execute(
                sql: "INSERT INTO counters (year, next) VALUES (?, ?) ON CONFLICT(year) DO UPDATE SET next = excluded.next",
                arguments: [yy, next + count])
            let now = StoreClock.now()
            try db.execute(
                sql: "INSERT INTO number_blocks (station, year, first, last, issued_at, issued_by) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [station, year, next, next + count - 1, now, actor])
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
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT station, year, first, last, issued_at FROM number_blocks ORDER BY id").map { row in
                let year: Int = row["year"]
                return NumberBlock(
                    station: row["station"], year: year, first: NumberBlock.number(year: year, sequence: row["first"]),
                    last: NumberBlock.number(year: year, sequence: row["last"]), issuedAt: row["issued_at"])
            }
        }
    }

    /// Checks a collection number a station gave at 提交 for a new application: it lies in a
    /// block issued to that station and no other application has it.
    /// - Throws: `EnrollError` with `import.collection-number`.
    static func checkStationNumber(_ db: Database, _ number: String, station: String, source: String) throws {
        guard let yy = Int(number.prefix(2)), let sequence = Int(number.dropFirst(2)),
              try Bool.fetchOne(db, sql: """
                  SELECT EXISTS (SELECT 1 FROM number_blocks WHERE station = ? AND year % 100 = ? AND first <= ? AND last >= ?)
                  """, arguments: [station, yy, sequence, sequence]) == true
        else {
            throw MergeMessages.numberNotInBlock(number, station: station, source: source)
        }
        if let other = try ApplicationRecord.filter(ApplicationRecord.Columns.collectionNumber == number).fetchOne(db) {
            throw MergeMessages.numberTaken(number, by: other.id, source: source)
        }
    }
}
