import Foundation
import Testing

@testable import EnrollCore

/// What only the PostgreSQL city store promises (issue #18): the audit log refuses changes in
/// the database itself, several importers at once, the city-wide rules. The shared store
/// suites (StoreTests and the others taking `StoreBackendKind`) run on it too.
@Suite("City store on PostgreSQL")
struct PostgresStoreTests {
    /// The owner of the database (the cluster's superuser) cannot change or remove an audit
    /// event through psql: the triggers refuse UPDATE, DELETE and TRUNCATE.
    @Test func theAuditLogIsAppendOnlyForTheOwnerThroughPsql() throws {
        let dir = TemporaryDirectory()
        let fixture = try DistrictFixture(dir, backend: .postgres)
        try fixture.importing(try fixture.application("a", from: "harbin-public-primary-2024-000001"))
        let url = try PostgresTestCluster.url(for: dir("store"))
        let before = try fixture.store.events()
        #expect(before.map(\.action.rawValue) == ["import.run", "import.new"])
        for statement in ["UPDATE events SET actor = 'someone else'", "DELETE FROM events", "TRUNCATE events"] {
            let result = try PostgresTestCluster.psql(url, statement)
            #expect(result.status != 0, "\(statement) must fail")
            #expect(result.output.contains("the audit log is append-only"), "\(statement): \(result.output)")
        }
        let owner = try PostgresTestCluster.psql(url, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        #expect(owner.status == 0 && owner.output.contains("t"), "the refusing role is the superuser owner")
        #expect(try fixture.store.events() == before)
        #expect(try PostgresTestCluster.psql(url, "INSERT INTO events (at, actor, action, detail) VALUES ('x', 'y', 'z', '{}')").status == 0,
                "appending still works")
    }

    /// Four importers at once over overlapping sets of bundles end with the store one
    /// sequential import gives: every application once, every number once, one `import.new`
    /// event each.
    @Test func fourConcurrentImportersOverOverlappingBundlesMatchASequentialImport() throws {
        let dir = TemporaryDirectory()
        let fixture = try DistrictFixture(dir, backend: .postgres)
        let count = 16
        var bundles: [String] = []
        for index in 0..<count {
            bundles.append(try fixture.application("day/\(String(format: "%03d", index))", from: "harbin-public-primary-2024-000001") { data in
                StoreTests.makeDistinct(&data, index)
            })
        }
        // Importer k takes bundles 4k … 4k+7 (mod 16): each bundle goes to two importers.
        let sets = (0..<4).map { k in (0..<8).map { bundles[(4 * k + $0) % count] } }
        let reports = LockedBox<[Result<ImportReport, any Error>]>([])
        let importers = try sets.map { _ in
            try Importer(
                store: try StoreBackendKind.postgres.open(dir("store")), catalog: fixture.catalog, extraTrust: fixture.trust,
                actor: "test", jobs: 1)
        }
        let finished = DispatchGroup()
        for (importer, paths) in zip(importers, sets) {
            finished.enter()
            Thread {
                let result = Result { try importer.importPaths(paths) }
                reports.update { $0.append(result) }
                finished.leave()
            }.start()
        }
        finished.wait()
        let results = reports.get()
        #expect(results.count == 4)
        for result in results { _ = try result.get() }
        let outcomes = try results.flatMap { try $0.get().items.map(\.outcome) }
        #expect(outcomes.filter { $0 == .new }.count == count, "each bundle is new exactly once")
        #expect(outcomes.filter { $0 == .unchanged }.count == count, "its second import changes nothing")

        let sequential = try StoreBackendKind.postgres.open(dir("sequential"))
        try Importer(store: sequential, catalog: fixture.catalog, extraTrust: fixture.trust, actor: "test", jobs: 1).importPaths(bundles)

        let concurrent = try fixture.store.applications()
        let serial = try sequential.applications()
        #expect(concurrent.count == count)
        #expect(Set(concurrent.map(\.collectionNumber)).count == count, "no number given twice")
        #expect(Set(concurrent.map(\.collectionNumber)) == Set(serial.map(\.collectionNumber)), "the same numbers, 24000001 … 24000016")
        func shape(_ list: [ApplicationSummary]) -> [String: [String]] {
            Dictionary(uniqueKeysWithValues: list.map { ($0.applicationId, [$0.status.rawValue, String($0.revision)] + $0.flags.map(\.rawValue)) })
        }
        #expect(shape(concurrent) == shape(serial))
        #expect(try fixture.store.events().filter { $0.action == .importNew }.count == count)
        let objects = try FileManager.default.subpathsOfDirectory(atPath: dir("store/objects")).filter { !$0.hasPrefix(".tmp") && $0.count > 3 }
        let serialObjects = try FileManager.default.subpathsOfDirectory(atPath: dir("sequential/objects")).filter { !$0.hasPrefix(".tmp") && $0.count > 3 }
        #expect(Set(objects) == Set(serialObjects))
    }

    /// One child applying in two districts of the city: both applications are flagged
    /// `duplicate-child`, each naming the other's number and district.
    @Test func aChildApplyingInTwoDistrictsIsFlaggedInBothNamingTheOther() throws {
        let dir = TemporaryDirectory()
        let fixture = try DistrictFixture(dir, backend: .postgres)
        let here = try fixture.application("here", from: "harbin-public-primary-2024-000003")
        let there = try fixture.application("there", from: "harbin-public-primary-2024-000003") { data in
            var application = data["application"] as! [String: Any]
            application["district"] = "呼兰区"
            data["application"] = application
        }
        let ours = try StoreDistrictTests.sampleDistrict("harbin-public-primary-2024-000003")
        try #require(ours != "呼兰区")
        let report = try fixture.importing(here, there)
        #expect(report.items.map(\.outcome) == [.new, .new])
        let numbers = report.items.map { $0.collectionNumber ?? "" }
        let first = try fixture.store.detail(numbers[0])
        let second = try fixture.store.detail(numbers[1])
        #expect(first.flags.filter { $0.flag == "duplicate-child" }.map(\.detail) == ["same child as \(numbers[1]) in 呼兰区"])
        #expect(second.flags.filter { $0.flag == "duplicate-child" }.map(\.detail) == ["same child as \(numbers[0]) in \(ours)"])
        #expect(try fixture.store.servedDistrict() == nil, "a city store serves every district")
    }

    /// A bad store URL and a PostgreSQL store without objects directory are usage errors;
    /// a server that does not answer is `store.unavailable`.
    @Test func badLocationsSayWhatIsWrong() throws {
        #expect(thrownCodes { _ = try DistrictStore(location: "postgres://127.0.0.1/enroll", objects: "/tmp/x") } == ["usage.store-url"])
        #expect(thrownCodes { _ = try DistrictStore(location: "postgres://enroll@127.0.0.1:5432/", objects: "/tmp/x") } == ["usage.store-url"])
        #expect(thrownCodes { _ = try DistrictStore(location: try PostgresTestCluster.url(database: "postgres"), objects: nil) } == ["usage.store-url"])
        let dir = TemporaryDirectory()
        #expect(thrownCodes { _ = try DistrictStore(location: "postgres://enroll@127.0.0.1:1/enroll", objects: dir("objects")) } == ["store.unavailable"])
    }

    /// `enroll store migrate` is idempotent: a migrated store has every migration once.
    @Test func migrationsApplyOnceAndAreRecorded() throws {
        let dir = TemporaryDirectory()
        let url = try PostgresTestCluster.url(for: dir("store"))
        #expect(try PostgreSQLBackend.migrate(url: url) == PostgreSQLBackend.migrationNames)
        #expect(try PostgreSQLBackend.migrate(url: url) == [])
        let recorded = try PostgresTestCluster.psql(url, "SELECT string_agg(name, ',' ORDER BY name) FROM schema_migrations")
        #expect(recorded.output.contains(PostgreSQLBackend.migrationNames.joined(separator: ",")))
    }

    /// `enroll store push`: a district's SQLite store into the city store, again with nothing
    /// new, and again after the district imported more (only that is new); the city store
    /// holds the same applications, decisions and events.
    @Test func aDistrictStorePushesIdempotentlyAndResumes() throws {
        let dir = TemporaryDirectory()
        let district = try DistrictFixture(dir, backend: .sqlite)
        let ours = try StoreDistrictTests.sampleDistrict("harbin-public-primary-2024-000001")
        try district.store.serve(district: ours, actor: "admin")
        let first = try (0..<3).map { index in
            try district.application("a\(index)", from: "harbin-public-primary-2024-000001") { StoreTests.makeDistinct(&$0, index) }
        }
        try district.importer().importPaths(first)
        let number = try district.store.applications()[0].collectionNumber
        try district.store.review(.reject, number, reasons: ["缺少居住证"], reviewer: "clerk")

        let city = try StoreBackendKind.postgres.open(dir("city"))
        let target = try #require(city.backend as? PostgreSQLBackend)
        let source = try #require(district.store.backend as? SQLiteBackend)
        let pushed = try target.push(from: source, actor: "office")
        #expect(pushed.newApplications == 3 && pushed.newRevisions == 3 && pushed.updatedApplications == 0)
        #expect(try pushed.newEvents == district.store.events().count)
        #expect(pushed.newObjects > 0 && pushed.refused.isEmpty)
        #expect(try target.push(from: source, actor: "office").nothingNew, "pushing again adds nothing")

        try district.importer().importPaths([try district.application("a3", from: "harbin-public-primary-2024-000001") { StoreTests.makeDistinct(&$0, 3) }])
        try district.store.review(.verify, number, reviewer: "clerk")
        let again = try target.push(from: source, actor: "office")
        #expect(again.newApplications == 1 && again.updatedApplications == 1 && again.newRevisions == 1)
        #expect(again.newEvents == 3, "the import run, the new application and the new decision")

        func shape(_ store: DistrictStore) throws -> [String: String] {
            Dictionary(uniqueKeysWithValues: try store.applications().map { ($0.applicationId, "\($0.collectionNumber) \($0.status.rawValue)") })
        }
        #expect(try shape(city) == shape(district.store))
        #expect(try city.events(application: try city.applications()[0].applicationId).map(\.action.rawValue)
                == ["import.new", "review.reject", "review.verify"])
        let exported = dir("exported")
        try city.exportBundle(number, to: exported)
        #expect(try FileIO.readAll(exported + "/data/form.json").count > 0, "the objects came along")
        #expect(try city.events().last?.action == .storePush)
    }
}
