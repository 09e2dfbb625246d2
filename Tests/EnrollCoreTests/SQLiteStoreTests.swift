import Foundation
import GRDB
import Testing

@testable import EnrollCore

/// What only the SQLite backend can be asked: its schema's own guarantees and its migrations.
@Suite("SQLite store: schema, constraints, migrations")
struct SQLiteStoreTests {
    func sqlite(_ store: DistrictStore) throws -> SQLiteBackend { try #require(store.backend as? SQLiteBackend) }

    /// The database error a statement raises, or an issue when it succeeds.
    func databaseError(_ store: DistrictStore, _ sql: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> DatabaseError? {
        do {
            try sqlite(store).database.write { db in try db.execute(sql: sql) }
            Issue.record("\(sql) succeeded", sourceLocation: sourceLocation)
        } catch let error as DatabaseError {
            return error
        }
        return nil
    }

    @Test func theAuditLogRefusesUpdatesAndDeletesInTheDatabaseItself() throws {
        let dir = TemporaryDirectory()
        let district = try DistrictFixture(dir)
        try district.importing(try district.application("a", from: "beijing-nonlocal-primary-2025-000001"))
        for sql in ["DELETE FROM events", "UPDATE events SET actor = 'someone else'", "DELETE FROM events WHERE seq = 1"] {
            let error = try databaseError(district.store, sql)
            #expect(error?.extendedResultCode == .SQLITE_CONSTRAINT_TRIGGER, "\(sql)")
            #expect(error?.message == "the audit log is append-only", "\(sql)")
        }
        #expect(try district.store.events().count == 2, "import.run and import.new are still there")
    }

    /// A store directory whose database file is something else (a copied spreadsheet, a
    /// damaged file): `store.unavailable`, saying it is not a store database and what to do,
    /// and the file is left as it was.
    @Test func aFileThatIsNotAStoreDatabaseIsNamedAndLeftAlone() throws {
        let dir = TemporaryDirectory()
        let store = dir("store")
        try FileManager.default.createDirectory(atPath: store, withIntermediateDirectories: true)
        let garbage = Data(repeating: 0x5A, count: 8192)
        try garbage.write(to: URL(fileURLWithPath: store + "/" + SQLiteBackend.databaseName))
        do {
            _ = try DistrictStore(directory: store)
            Issue.record("a garbage database opened")
        } catch let error as EnrollError {
            #expect(error.diagnostics.map(\.code.rawValue) == ["store.unavailable"])
            #expect(error.diagnostics.first?.message.en.contains("not an enroll store database") == true, "\(error)")
            #expect(error.diagnostics.first?.message.zh.contains("不是 enroll 的数据库") == true, "\(error)")
            #expect(error.diagnostics.first?.location.file == store + "/" + SQLiteBackend.databaseName)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: store + "/" + SQLiteBackend.databaseName)) == garbage)
    }

    @Test func checksAndForeignKeysRefuseWhatTheCodeNeverWrites() throws {
        let dir = TemporaryDirectory()
        let district = try DistrictFixture(dir)
        try district.importing(try district.application("a", from: "beijing-local-primary-2024-000002"))
        let store = district.store
        #expect(try databaseError(store, "UPDATE applications SET status = 'lost'")?.extendedResultCode == .SQLITE_CONSTRAINT_CHECK)
        #expect(try databaseError(store, "UPDATE applications SET status = 'admitted', school = NULL")?.extendedResultCode == .SQLITE_CONSTRAINT_CHECK)
        #expect(try databaseError(store, "UPDATE applications SET collection_number = '2400000x'")?.extendedResultCode == .SQLITE_CONSTRAINT_CHECK)
        #expect(try databaseError(store, "UPDATE applications SET reasons = 'not json'")?.extendedResultCode == .SQLITE_CONSTRAINT_CHECK)
        #expect(try databaseError(store, "UPDATE revisions SET state = 'maybe'")?.extendedResultCode == .SQLITE_CONSTRAINT_CHECK)
        #expect(try databaseError(store, "UPDATE revisions SET kind = 'appeal'")?.extendedResultCode == .SQLITE_CONSTRAINT_CHECK)
        #expect(try databaseError(store, "UPDATE applications SET current_digest = '\(String(repeating: "0", count: 64))'")?.extendedResultCode
                == .SQLITE_CONSTRAINT_FOREIGNKEY)
        #expect(try databaseError(store, "INSERT INTO flags VALUES ('00000000-0000-0000-0000-000000000000', 'conflict', 'x', 'now')")?.extendedResultCode
                == .SQLITE_CONSTRAINT_FOREIGNKEY)
        // ON DELETE RESTRICT is enforced at once (SQLite reports it through its trigger machinery).
        #expect(try databaseError(store, "DELETE FROM revisions")?.message == "FOREIGN KEY constraint failed")
    }

    /// The shape of the JSON the v1 release printed, to compare the migrated store with.
    struct V1Event: Decodable {
        var seq: Int64
        var at: String
        var actor: String
        var application_id: String?
        var action: String
        var detail: String
    }

    @Test func aStoreMadeByTheV1ReleaseOpensMigratesAndReadsTheSame() throws {
        let dir = TemporaryDirectory()
        let fixture = repositoryRoot + "/Tests/Fixtures/store-v1"
        try FileManager.default.createDirectory(atPath: dir("store"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: fixture + "/district.sqlite", toPath: dir("store/district.sqlite"))
        let store = try DistrictStore(directory: dir("store"))

        let migrations = try sqlite(store).database.read { db in
            try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier")
        }
        #expect(migrations == ["v1", "v2-constraints", "v3-held-revisions", "v4-number-blocks", "v5-store-district", "v6-schools", "v7-accounts"])
        let violations = try sqlite(store).database.read { db in try Row.fetchAll(db, sql: "PRAGMA foreign_key_check") }
        #expect(violations.isEmpty)

        let expectedApplications = try JSONDecoder().decode([ApplicationSummary].self, from: Data(try FileIO.readAll(fixture + "/applications.json")))
        #expect(expectedApplications.count == 12)
        // The same applications; `version` (the latest audit event's number) is newer than the fixture.
        let read = try store.applications()
        #expect(read.allSatisfy { $0.version > 0 })
        #expect(read.map { summary in var summary = summary; summary.version = 0; return summary } == expectedApplications)
        #expect(try store.applications(status: .rejected).map(\.reasons) == [["照片不清晰 / photo unreadable", "缺户口簿 / hukou missing"]])
        #expect(try store.applications(flag: .conflict).map(\.collectionNumber) == ["24000005"])

        let expectedEvents = try JSONDecoder().decode([V1Event].self, from: Data(try FileIO.readAll(fixture + "/events.json")))
        let events = try store.events()
        #expect(events.count == expectedEvents.count && events.count > 30)
        for (event, expected) in zip(events, expectedEvents) {
            #expect(event.seq == expected.seq && event.at == expected.at && event.actor == expected.actor)
            #expect(event.applicationID == expected.application_id && event.action.rawValue == expected.action)
            #expect(event.detail == (try JSONDecoder().decode([String: String].self, from: Data(expected.detail.utf8))))
        }
        let expectedTrust = try JSONDecoder().decode([TrustedKey].self, from: Data(try FileIO.readAll(fixture + "/trust.json")))
        #expect(try store.trustedKeys() == expectedTrust)
        #expect(try store.backend.quarantined().count == 18)
        let conflict = try store.detail("24000005")
        #expect(conflict.revisions.map(\.state).sorted { $0.rawValue < $1.rawValue } == [.conflict, .current, .superseded])

        // The migrated store goes on working: decisions, and imports of what it already holds.
        #expect(try store.review(.verify, "24000004", reviewer: "clerk").status == .verified)
        let importer = try Importer(store: store, catalog: sharedCatalog, actor: "test", jobs: 2)
        // The v1 store holds the samples of the four forms it knew; the 2024 non-local form came later.
        let known = try FileManager.default.contentsOfDirectory(atPath: repositoryRoot + "/SampleBundles/valid").sorted()
            .filter { !$0.hasPrefix("beijing-nonlocal-primary-2024-") }.map { repositoryRoot + "/SampleBundles/valid/" + $0 }
        let report = try importer.importPaths(known)
        #expect(report.items.map(\.outcome) == Array(repeating: .unchanged, count: 12), "\(report.items.map(\.diagnostics))")
    }
}
