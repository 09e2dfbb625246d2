import Foundation
import GRDB
import Testing

@testable import EnrollCore

/// Real-form bundles for store tests, made from the signed samples' data with a fresh station key.
struct DistrictFixture {
    let dir: TemporaryDirectory
    let key: SignifySecretKey
    let trust: TrustStore
    let store: DistrictStore
    let catalog = sharedCatalog

    init(_ dir: TemporaryDirectory) throws {
        self.dir = dir
        let written = try KeyFiles.generate(in: dir("keys"), name: "station-a")
        key = try SignifySecretKey(contentsOf: written.secret)
        var trust = TrustStore()
        try trust.add(try SignifyPublicKey(contentsOf: written.public), name: "station-a", source: written.public)
        self.trust = trust
        store = try DistrictStore(directory: dir("store"))
    }

    /// The sample bundle whose data and attachments a new bundle copies.
    static func sample(_ name: String) -> String { repositoryRoot + "/SampleBundles/valid/" + name }

    func attachments(of source: String) throws -> [AttachmentInput] {
        try DirectoryWalker.walk(source + "/data/attachments").filter { $0.kind == .file }.map {
            try AttachmentInput(parsing: "\($0.path.split(separator: "/")[0])=\(source)/data/attachments/\($0.path)")
        }
    }

    /// A signed revision 1 with the sample's data (optionally edited).
    func application(_ name: String, from sample: String, edit: ((inout [String: Any]) -> Void)? = nil) throws -> String {
        let source = Self.sample(sample)
        var data = try JSONSerialization.jsonObject(with: Data(try FileIO.readAll(source + "/data/form.json"))) as! [String: Any]
        edit?(&data)
        let json = dir("\(name.replacingOccurrences(of: "/", with: "-")).json")
        try JSONSerialization.data(withJSONObject: data, options: [.sortedKeys]).write(to: URL(fileURLWithPath: json))
        let form = try read(source + "/bag-info.txt").split(separator: "\n").first { $0.hasPrefix("Enroll-Form: ") }!.dropFirst(13)
        try BundleOperations().create(
            form: String(form), formVersion: try catalog.form(String(form)).version, data: json,
            attachments: try attachments(of: source), directory: dir(name), signer: (key, "station-a"))
        return dir(name)
    }

    func importer(jobs: Int = Parallel.processorCount) throws -> Importer {
        try Importer(store: store, catalog: catalog, extraTrust: trust, actor: "test", jobs: jobs)
    }

    @discardableResult
    func importing(_ paths: String...) throws -> ImportReport { try importer().importPaths(paths) }
}

@Suite("District store and merge rules")
struct StoreTests {
    @Test func newThenIdempotentReimport() throws {
        let dir = TemporaryDirectory()
        let district = try DistrictFixture(dir)
        let bundle = try district.application("a1", from: "harbin-public-primary-2024-000001")
        let first = try district.importing(bundle)
        #expect(first.items.map(\.outcome) == [.new])
        let number = try #require(first.items[0].collectionNumber)
        #expect(number.count == 8 && number.hasPrefix("24"))
        let second = try district.importing(bundle)
        #expect(second.items.map(\.outcome) == [.unchanged])
        #expect(second.items[0].collectionNumber == number)
        #expect(try district.store.applications().count == 1)
        #expect(second.isClean)
    }

    /// A copy of an imported revision altered in transit keeps the same tag manifest; it must
    /// still be verified and quarantined, never waved through as "unchanged".
    @Test func tamperedCopyOfAnImportedRevisionIsQuarantined() throws {
        let dir = TemporaryDirectory()
        let district = try DistrictFixture(dir)
        let bundle = try district.application("a", from: "harbin-public-primary-2024-000001")
        try district.importing(bundle)
        try FileManager.default.copyItem(atPath: bundle, toPath: dir("copy"))
        try write(dir("copy/data/form.json"), try read(bundle + "/data/form.json").replacingOccurrences(of: "\"sex\"", with: "\"sex\" "))
        let report = try district.importing(dir("copy"))
        #expect(report.items.map(\.outcome) == [.quarantined])
        #expect(report.items[0].diagnostics.map(\.code).contains("bag.checksum-mismatch"))
    }

    @Test func revisionChainSupersedesAndWithdrawalEndsIt() throws {
        let dir = TemporaryDirectory()
        let district = try DistrictFixture(dir)
        let r1 = try district.application("r1", from: "beijing-local-primary-2024-000001")
        try district.importing(r1)
        try district.store.review(.verify, String(try district.store.applications()[0].applicationId.prefix(8)), reviewer: "t")
        try BundleOperations().revise(r1, data: nil, attachments: [], directory: dir("r2"), signer: (district.key, "station-a"))
        let updated = try district.importing(dir("r2"))
        #expect(updated.items.map(\.outcome) == [.updated])
        var summary = try district.store.applications()[0]
        #expect(summary.revision == 2)
        #expect(summary.status == "received", "a revised application goes back to review")
        try BundleOperations().withdraw(dir("r2"), reason: "moved", directory: dir("r3"), signer: (district.key, "station-a"))
        #expect(try district.importing(dir("r3")).items.map(\.outcome) == [.updated])
        summary = try district.store.applications()[0]
        #expect(summary.status == "withdrawn")
        // A later revision of a withdrawn application is refused, saying so, and kept in quarantine.
        try BundleOperations().revise(dir("r2"), data: nil, attachments: [], directory: dir("r3b"), signer: (district.key, "station-a"))
        let refused = try district.importing(dir("r3b"))
        #expect(refused.items.map(\.outcome) == [.refused])
        #expect(refused.items[0].diagnostics.map(\.code) == ["import.withdrawn"])
        #expect(!refused.isClean)
        let detail = try district.store.detail(summary.collectionNumber)
        #expect(detail.revisions.map(\.state) == ["superseded", "superseded", "current"])
    }

    @Test func conflictingRevisionsAreHeldForReview() throws {
        let dir = TemporaryDirectory()
        let district = try DistrictFixture(dir)
        let r1 = try district.application("r1", from: "harbin-public-primary-2024-000002")
        try district.importing(r1)
        // Two different revision 2s made from the same revision 1 at two desks.
        var data = try JSONSerialization.jsonObject(with: Data(try FileIO.readAll(r1 + "/data/form.json"))) as! [String: Any]
        var guardian = data["guardian1"] as! [String: Any]
        guardian["employer"] = "哈尔滨市第一百货商店"
        data["guardian1"] = guardian
        try JSONSerialization.data(withJSONObject: data).write(to: URL(fileURLWithPath: dir("other.json")))
        try BundleOperations().revise(r1, data: nil, attachments: [], directory: dir("r2a"), signer: (district.key, "station-a"))
        try BundleOperations().revise(r1, data: dir("other.json"), attachments: [], directory: dir("r2b"), signer: (district.key, "station-a"))
        let report = try district.importing(dir("r2a"), dir("r2b"))
        #expect(report.items.map(\.outcome) == [.updated, .conflict])
        #expect(report.items[1].flags == ["conflict"])
        #expect(report.isClean, "a conflict is held, not refused")
        let summary = try district.store.applications(flag: "conflict")
        #expect(summary.count == 1 && summary[0].revision == 2)
        #expect(try district.store.detail(summary[0].applicationId).revisions.map(\.state).sorted() == ["conflict", "current", "superseded"])
    }

    @Test func duplicateChildAndPhoneQuotaAreFlaggedBothKept() throws {
        let dir = TemporaryDirectory()
        let district = try DistrictFixture(dir)
        // The same child entered twice (two applications), and a third family sharing the phone.
        let a = try district.application("a", from: "harbin-public-primary-2024-000003")
        let b = try district.application("b", from: "harbin-public-primary-2024-000003")
        let report = try district.importing(a, b)
        #expect(report.items.map(\.outcome) == [.new, .new])
        #expect(report.items[1].flags.contains("duplicate-child"))
        #expect(report.items[1].flags.contains("phone-quota"), "Harbin allows one child per registration phone")
        let flagged = try district.store.applications(flag: "duplicate-child")
        #expect(flagged.count == 2, "both applications are kept and flagged")
        #expect(try district.store.applications(flag: "phone-quota").count == 2)
    }

    @Test func invalidUntrustedAndRevokedBundlesAreQuarantinedWithReasons() throws {
        let dir = TemporaryDirectory()
        let district = try DistrictFixture(dir)
        let good = try district.application("good", from: "beijing-nonlocal-primary-2021-000001")
        try write(good + "/data/form.json", "{}")
        let report = try district.importing(good, repositoryRoot + "/SampleBundles/invalid/untrusted-key")
        #expect(report.items.map(\.outcome) == [.quarantined, .quarantined])
        #expect(report.items[0].diagnostics.map(\.code).contains("bag.checksum-mismatch"))
        #expect(report.items[1].diagnostics.map(\.code) == ["sig.untrusted-key"])
        let quarantined = try district.store.database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM quarantine") }
        #expect(quarantined == 2)
        // A key revoked in the store wins over a trust directory given for the run.
        let fresh = try district.application("fresh", from: "beijing-nonlocal-primary-2021-000002")
        try district.store.revoke(district.key.keyID, actor: "admin", reason: "laptop stolen")
        let revoked = try district.importing(fresh)
        #expect(revoked.items.map(\.outcome) == [.quarantined])
        #expect(revoked.items[0].diagnostics.map(\.code) == ["sig.revoked-key"])
        #expect(try district.store.trustedKeys().isEmpty, "the revocation alone adds no trust")
    }

    @Test func reviewMovesAreAuditedAndTheLogIsAppendOnly() throws {
        let dir = TemporaryDirectory()
        let district = try DistrictFixture(dir)
        try district.importing(try district.application("a", from: "beijing-nonlocal-primary-2025-000001"))
        let id = try district.store.applications()[0].collectionNumber
        #expect(throws: EnrollError.self) { try district.store.review(.admit, id, school: "X", reviewer: "t") }
        #expect(throws: EnrollError.self) { try district.store.review(.reject, id, reasons: [], reviewer: "t") }
        try district.store.review(.reject, id, reasons: ["缺少居住证"], reviewer: "clerk")
        try district.store.review(.verify, id, reviewer: "clerk")
        let admitted = try district.store.review(.admit, id, school: "第一小学", reviewer: "clerk")
        #expect(admitted.status == "admitted" && admitted.school == "第一小学")
        let actions = try district.store.events(application: admitted.applicationId).map(\.action)
        #expect(actions == ["import.new", "review.reject", "review.verify", "review.admit"])
        #expect(throws: (any Error).self) {
            try district.store.database.write { db in try db.execute(sql: "DELETE FROM events") }
        }
        #expect(throws: (any Error).self) {
            try district.store.database.write { db in try db.execute(sql: "UPDATE events SET actor = 'someone else'") }
        }
    }

    @Test func storedBundlesExportByteForByte() throws {
        let dir = TemporaryDirectory()
        let district = try DistrictFixture(dir)
        let bundle = try district.application("a", from: "beijing-local-primary-2024-000002")
        try district.importing(bundle)
        let id = try district.store.applications()[0].collectionNumber
        try district.store.exportBundle(id, to: dir("exported"))
        #expect(try treeFingerprint(dir("exported")) == treeFingerprint(bundle))
        #expect(try BundleVerifier(trust: district.trust).verify(directory: dir("exported")).isValid)
        #expect(throws: EnrollError.self) { try district.store.exportBundle(id, revision: 7, to: dir("nope")) }
    }

    @Test func statusArchiveRoundTripAndUntrustedDistrictKey() throws {
        let dir = TemporaryDirectory()
        let district = try DistrictFixture(dir)
        let source = DistrictFixture.sample("beijing-local-primary-2024-000003")
        try district.importing(try district.application("a", from: "beijing-local-primary-2024-000003"))
        let id = try district.store.applications()[0].collectionNumber
        try district.store.review(.reject, id, reasons: ["户口簿不清晰"], reviewer: "clerk")
        let keys = try KeyFiles.generate(in: dir("district"), name: "district")
        let districtKey = try SignifySecretKey(contentsOf: keys.secret)
        #expect(try StatusArchive.export(from: district.store, key: districtKey, district: "district", to: dir("status.tar.zst")) == 1)
        var trust = TrustStore()
        try trust.add(try SignifyPublicKey(contentsOf: keys.public), name: "district", source: keys.public)
        let (entries, signer) = try StatusArchive.read(dir("status.tar.zst"), trust: trust)
        #expect(signer.name == "district" && entries.count == 1)
        let child = (try JSONSerialization.jsonObject(with: Data(FileIO.readAll(source + "/data/form.json"))) as! [String: Any])["student"] as! [String: Any]
        let idNumber = try #require(child["idNumber"] as? String)
        #expect(!String(decoding: try JSONEncoder().encode(entries), as: UTF8.self).contains(idNumber),
                "the status archive never carries a full ID number")
        let station = try StationStatus(directory: dir("station"))
        #expect(try station.merge(entries) == 1)
        let found = try #require(try station.find(nil, idNumber: child["idNumber"] as? String))
        #expect(found.status == "rejected" && found.reasons == ["户口簿不清晰"])
        // A status archive signed by a key the station does not trust is refused.
        #expect(throws: EnrollError.self) { try StatusArchive.read(dir("status.tar.zst"), trust: district.trust) }
    }

    @Test func importsFromTransferArchives() throws {
        let dir = TemporaryDirectory()
        let district = try DistrictFixture(dir)
        let bundles = [
            try district.application("day/a", from: "beijing-local-primary-2024-000001"),
            try district.application("day/b", from: "harbin-public-primary-2024-000001"),
        ]
        let result = try Packer(key: district.key, station: "station-a").pack(bundles: bundles, to: dir("day.tar.zst"))
        #expect(result.packed.count == 2)
        let report = try district.importing(dir("day.tar.zst"))
        #expect(report.items.map(\.outcome) == [.new, .new], "\(report.items.map(\.diagnostics))")
        #expect(report.isClean, "\(report.archiveProblems)")
        #expect(try district.importing(dir("day.tar.zst")).items.map(\.outcome) == [.unchanged, .unchanged])
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir("store/tmp"))
        #expect(leftovers.isEmpty)
        // The extracted files were moved into the object store: every object is read-only and
        // holds exactly the bytes its name says, and each bundle's files are all there.
        var objects = 0
        for prefix in try FileManager.default.contentsOfDirectory(atPath: dir("store/objects")) {
            for name in try FileManager.default.contentsOfDirectory(atPath: dir("store/objects/" + prefix)) {
                let path = dir("store/objects/" + prefix + "/" + name)
                #expect(sha256Hex(try FileIO.readAll(path)) == name, "object \(name)")
                let mode = try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
                #expect(mode == 0o444, "object \(name) mode \(String(mode, radix: 8))")
                objects += 1
            }
        }
        var distinct: Set<String> = []
        for bundle in bundles {
            for case let relative as String in FileManager.default.enumerator(atPath: bundle)!
            where DirectoryWalker.kind(of: bundle + "/" + relative) == .file {
                distinct.insert(sha256Hex(try FileIO.readAll(bundle + "/" + relative)))
            }
        }
        #expect(objects == distinct.count)
    }

    /// Bundles are checked on several threads but merged one at a time in input order: order
    /// matters (a revision chain, a conflict, a duplicate child, collection numbers), so the
    /// store must end exactly as with one thread, whichever check finishes first.
    @Test func parallelChecksMergeInInputOrder() throws {
        let dir = TemporaryDirectory()
        let district = try DistrictFixture(dir)
        let r1 = try district.application("day/1-r1", from: "beijing-local-primary-2024-000001")
        try BundleOperations().revise(r1, data: nil, attachments: [], directory: dir("day/2-r2"), signer: (district.key, "station-a"))
        try BundleOperations().revise(r1, data: nil, attachments: [], directory: dir("day/3-r2-again"), signer: (district.key, "station-a"))
        _ = try district.application("day/4-child", from: "harbin-public-primary-2024-000003")
        _ = try district.application("day/5-same-child", from: "harbin-public-primary-2024-000003")
        _ = try district.application("day/6-other", from: "beijing-nonlocal-primary-2025-000001")
        try write(dir("day/7-broken/bagit.txt"), "not a bag")
        func items(_ report: ImportReport) -> [String] {
            report.items.map { "\(($0.source as NSString).lastPathComponent) \($0.outcome) \($0.collectionNumber ?? "-") \($0.flags)" }
        }
        let serial = try district.importer(jobs: 1).importPaths([dir("day")])
        let other = try DistrictStore(directory: dir("store-parallel"))
        let parallel = try Importer(store: other, catalog: district.catalog, extraTrust: district.trust, actor: "test", jobs: 4)
            .importPaths([dir("day")])
        #expect(items(serial) == items(parallel))
        #expect(serial.items.map(\.outcome) == [.new, .updated, .unchanged, .new, .new, .new, .quarantined], "\(items(serial))")
        #expect(try district.store.applications().map(\.collectionNumber) == other.applications().map(\.collectionNumber))

        // The same bundles from an archive with a frame per bundle, extracted in four parts.
        var packer = try Packer(key: district.key, station: "station-a")
        packer.frameSize = 1
        let good = ["1-r1", "2-r2", "3-r2-again", "4-child", "5-same-child", "6-other"].map { dir("day/" + $0) }
        #expect(try packer.pack(bundles: good, to: dir("day.tar.zst")).packed.count == 6)
        let fromArchive = try [1, 4].map { jobs in
            let store = try DistrictStore(directory: dir("store-archive-\(jobs)"))
            return try Importer(store: store, catalog: district.catalog, extraTrust: district.trust, actor: "test", jobs: jobs)
                .importPaths([dir("day.tar.zst")])
        }
        #expect(items(fromArchive[0]) == items(fromArchive[1]))
        #expect(Array(items(fromArchive[1])) == Array(items(serial).prefix(6)), "as from the directories")
    }

    @Test func aSecondProcessIsToldTheStoreIsBusy() throws {
        let dir = TemporaryDirectory()
        let district = try DistrictFixture(dir)
        _ = district
        // flock is per open file description, so a second open in the same process is refused too.
        do {
            _ = try DistrictStore(directory: dir("store"))
            Issue.record("the store was opened twice")
        } catch let error as EnrollError {
            #expect(error.diagnostics.map(\.code) == ["import.store-busy"])
        }
    }
}
