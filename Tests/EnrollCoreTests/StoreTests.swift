import Foundation
import Testing

@testable import EnrollCore

/// Real-form bundles for store tests, made from the signed samples' data with a fresh station key.
struct DistrictFixture {
    let dir: TemporaryDirectory
    let key: SignifySecretKey
    let trust: TrustStore
    let store: DistrictStore
    let backend: StoreBackendKind
    let catalog = sharedCatalog

    init(_ dir: TemporaryDirectory, backend: StoreBackendKind = .sqlite) throws {
        self.dir = dir
        self.backend = backend
        let written = try KeyFiles.generate(in: dir("keys"), name: "station-a")
        key = try SignifySecretKey(contentsOf: written.secret)
        var trust = TrustStore()
        try trust.add(try SignifyPublicKey(contentsOf: written.public), name: "station-a", source: written.public)
        self.trust = trust
        store = try backend.open(dir("store"))
    }

    /// The sample bundle whose data and attachments a new bundle copies.
    static func sample(_ name: String) -> String { repositoryRoot + "/SampleBundles/valid/" + name }

    func attachments(of source: String) throws -> [AttachmentInput] {
        try DirectoryWalker.walk(source + "/data/attachments").filter { $0.kind == .file }.map {
            try AttachmentInput(parsing: "\($0.path.split(separator: "/")[0])=\(source)/data/attachments/\($0.path)")
        }
    }

    /// A signed revision 1 with the sample's data (optionally edited).
    func application(
        _ name: String, from sample: String, submission: Submission? = nil, edit: ((inout [String: Any]) -> Void)? = nil
    ) throws -> String {
        let source = Self.sample(sample)
        var data = try JSONSerialization.jsonObject(with: Data(try FileIO.readAll(source + "/data/form.json"))) as! [String: Any]
        edit?(&data)
        let json = dir("\(name.replacingOccurrences(of: "/", with: "-")).json")
        try JSONSerialization.data(withJSONObject: data, options: [.sortedKeys]).write(to: URL(fileURLWithPath: json))
        let form = try read(source + "/bag-info.txt").split(separator: "\n").first { $0.hasPrefix("Enroll-Form: ") }!.dropFirst(13)
        try BundleOperations().create(
            form: String(form), formVersion: try catalog.form(String(form)).version, data: json,
            attachments: try attachments(of: source), directory: dir(name), signer: (key, "station-a"), submission: submission)
        return dir(name)
    }

    func importer(jobs: Int = Parallel.processorCount) throws -> Importer {
        try Importer(store: store, catalog: catalog, extraTrust: trust, actor: "test", jobs: jobs)
    }

    @discardableResult
    func importing(_ paths: String...) throws -> ImportReport { try importer().importPaths(paths) }
}

/// The store backends every store test runs against; each test takes the backend as its
/// argument. PostgreSQL needs the server `ENROLL_TEST_POSTGRES` names (`make test` starts one);
/// without it the PostgreSQL cases fail, saying how to start it.
enum StoreBackendKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    /// Opens (creating) a store of this kind named by a fresh directory: the directory itself
    /// (SQLite), or a database of its own with its objects in the directory (PostgreSQL).
    func open(_ directory: String) throws -> DistrictStore {
        switch self {
        case .sqlite: try DistrictStore(directory: directory)
        case .postgres: try DistrictStore(location: try PostgresTestCluster.url(for: directory), objects: directory + "/objects")
        }
    }

    /// Whether imports into one store run side by side (PostgreSQL) rather than one at a time.
    var importsRunSideBySide: Bool { self == .postgres }
}

/// The codes of an `EnrollError` thrown by `body`; records an issue when nothing or another
/// kind of error is thrown.
func thrownCodes(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> [String] {
    do {
        try body()
        Issue.record("expected an EnrollError, nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as EnrollError {
        return error.diagnostics.map(\.code.rawValue)
    } catch {
        Issue.record("expected an EnrollError, got \(error)", sourceLocation: sourceLocation)
    }
    return []
}

// Tests compare flags with their stable strings.
extension ReviewFlag: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self.init(rawValue: value) }
}

@Suite("District store and merge rules (every backend)")
struct StoreTests {
    @Test(arguments: StoreBackendKind.allCases) func newThenIdempotentReimport(backend: StoreBackendKind) throws {
        let dir = TemporaryDirectory()
        let district = try DistrictFixture(dir, backend: backend)
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
    @Test(arguments: StoreBackendKind.allCases) func tamperedCopyOfAnImportedRevisionIsQuarantined(backend: StoreBackendKind) throws {
        let dir = TemporaryDirectory()
        let district = try DistrictFixture(dir, backend: backend)
        let bundle = try district.application("a", from: "harbin-public-primary-2024-000001")
        try district.importing(bundle)
        try FileManager.default.copyItem(atPath: bundle, toPath: dir("copy"))
        try write(dir("copy/data/form.json"), try read(bundle + "/data/form.json").replacingOccurrences(of: "\"sex\"", with: "\"sex\" "))
        let report = try district.importing(dir("copy"))
        #expect(report.items.map(\.outcome) == [.quarantined])
        #expect(report.items[0].diagnostics.map(\.code.rawValue).contains("bag.checksum-mismatch"))
    }

    @Test(arguments: StoreBackendKind.allCases) func revisionChainSupersedesAndWithdrawalEndsIt(backend: StoreBackendKind) throws {
        let dir = TemporaryDirectory()
        let district = try DistrictFixture(dir, backend: backend)
        let r1 = try district.application("r1", from: "beijing-local-primary-2024-000001")
        try district.importing(r1)
        // After 驳回 a revision goes back to 审核中 (a verified one would be held: SubmitLockTests).
        try district.store.review(.reject, String(try district.store.applications()[0].applicationId.prefix(8)), reasons: ["照片不清晰"], reviewer: "t")
        try BundleOperations().revise(r1, data: nil, attachments: [], directory: dir("r2"), signer: (district.key, "station-a"))
        let updated = try district.importing(dir("r2"))
        #expect(updated.items.map(\.outcome) == [.updated])
        var summary = try district.store.applications()[0]
        #expect(summary.revision == 2)
        #expect(summary.status == .received, "a revised application goes back to review")
        try BundleOperations().withdraw(dir("r2"), reason: "moved", directory: dir("r3"), signer: (district.key, "station-a"))
        #expect(try district.importing(dir("r3")).items.map(\.outcome) == [.updated])
        summary = try district.store.applications()[0]
        #expect(summary.status == .withdrawn)
        // A later revision of a withdrawn application is refused, saying so, and kept in quarantine.
        try BundleOperations().revise(dir("r2"), data: nil, attachments: [], directory: dir("r3b"), signer: (district.key, "station-a"))
        let refused = try district.importing(dir("r3b"))
        #expect(refused.items.map(\.outcome) == [.refused])
        #expect(refused.items[0].diagnostics.map(\.code.rawValue) == ["import.withdrawn"])
        #expect(!refused.isClean)
        let detail = try district.store.detail(summary.collectionNumber)
        #expect(detail.revisions.map(\.state) == [.superseded, .superseded, .current])
    }

    @Test(arguments: StoreBackendKind.allCases) func conflictingRevisionsAreHeldForReview(backend: StoreBackendKind) throws {
        let dir = TemporaryDirectory()
        let district = try DistrictFixture(dir, backend: backend)
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
        #expect(try district.store.detail(summary[0].applicationId).revisions.map(\.state.rawValue).sorted() == ["conflict", "current", "superseded"])
    }

    @Test(arguments: StoreBackendKind.allCases) func duplicateChildAndPhoneQuotaAreFlaggedBothKept(backend: StoreBackendKind) throws {
        let dir = TemporaryDirectory()
        let district = try DistrictFixture(dir, backend: backend)
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

    @Test(arguments: StoreBackendKind.allCases) func invalidUntrustedAndRevokedBundlesAreQuarantinedWithReasons(backend: StoreBackendKind) throws {
        let dir = TemporaryDirectory()
        let district = try DistrictFixture(dir, backend: backend)
        let good = try district.application("good", from: "beijing-nonlocal-primary-2021-000001")
        try write(good + "/data/form.json", "{}")
        let report = try district.importing(good, repositoryRoot + "/SampleBundles/invalid/untrusted-key")
        #expect(report.items.map(\.outcome) == [.quarantined, .quarantined])
        #expect(report.items[0].diagnostics.map(\.code.rawValue).contains("bag.checksum-mismatch"))
        #expect(report.items[1].diagnostics.map(\.code.rawValue) == ["sig.untrusted-key"])
        let quarantined = try district.store.backend.quarantined()
        #expect(quarantined.map(\.source) == [good, repositoryRoot + "/SampleBundles/invalid/untrusted-key"])
        #expect(quarantined[1].reasons.map(\.code) == ["sig.untrusted-key"])
        // A key revoked in the store wins over a trust directory given for the run.
        let fresh = try district.application("fresh", from: "beijing-nonlocal-primary-2021-000002")
        try district.store.revoke(district.key.keyID, actor: "admin", reason: "laptop stolen")
        let revoked = try district.importing(fresh)
        #expect(revoked.items.map(\.outcome) == [.quarantined])
        #expect(revoked.items[0].diagnostics.map(\.code.rawValue) == ["sig.revoked-key"])
        #expect(try district.store.trustedKeys().isEmpty, "the revocation alone adds no trust")
    }

    @Test(arguments: StoreBackendKind.allCases) func reviewMovesAreAuditedAndTheLogIsAppendOnly(backend: StoreBackendKind) throws {
        let dir = TemporaryDirectory()
        let district = try DistrictFixture(dir, backend: backend)
        try district.importing(try district.application("a", from: "beijing-nonlocal-primary-2025-000001"))
        let id = try district.store.applications()[0].collectionNumber
        #expect(thrownCodes { try district.store.review(.admit, id, school: "X", reviewer: "t") } == ["review.not-allowed"])
        #expect(thrownCodes { try district.store.review(.reject, id, reasons: [" "], reviewer: "t") } == ["review.reason-missing"])
        #expect(thrownCodes { try district.store.review(.verify, "ffffffff", reviewer: "t") } == ["store.unknown-application"])
        try district.store.review(.reject, id, reasons: ["缺少居住证"], reviewer: "clerk")
        try district.store.review(.verify, id, reviewer: "clerk")
        let admitted = try district.store.review(.admit, id, school: "第一小学", reviewer: "clerk")
        #expect(admitted.status == .admitted && admitted.school == "第一小学")
        let events = try district.store.events(application: admitted.applicationId)
        #expect(events.map(\.action.rawValue) == ["import.new", "review.reject", "review.verify", "review.admit"])
        #expect(events.map(\.actor) == ["test", "clerk", "clerk", "clerk"])
        #expect(events[1].detail == ["from": "received", "to": "rejected", "revision": "1", "reason.1": "缺少居住证"])
        #expect(events[3].detail["school"] == "第一小学")
    }

    @Test(arguments: StoreBackendKind.allCases) func storedBundlesExportByteForByte(backend: StoreBackendKind) throws {
        let dir = TemporaryDirectory()
        let district = try DistrictFixture(dir, backend: backend)
        let bundle = try district.application("a", from: "beijing-local-primary-2024-000002")
        try district.importing(bundle)
        let id = try district.store.applications()[0].collectionNumber
        try district.store.exportBundle(id, to: dir("exported"))
        #expect(try treeFingerprint(dir("exported")) == treeFingerprint(bundle))
        #expect(try BundleVerifier(trust: district.trust).verify(directory: dir("exported")).isValid)
        #expect(thrownCodes { try district.store.exportBundle(id, revision: 7, to: dir("nope")) } == ["store.unknown-revision"])
        #expect(thrownCodes { try district.store.exportBundle(id, to: dir("exported")) } == ["io.exists"])
        #expect(!FileManager.default.fileExists(atPath: dir("nope")))
    }

    @Test(arguments: StoreBackendKind.allCases) func statusArchiveRoundTripAndUntrustedDistrictKey(backend: StoreBackendKind) throws {
        let dir = TemporaryDirectory()
        let district = try DistrictFixture(dir, backend: backend)
        let source = DistrictFixture.sample("beijing-local-primary-2024-000003")
        let bundle = try district.application("a", from: "beijing-local-primary-2024-000003")
        try district.importing(bundle)
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
        let records = StationRecords(directory: dir("station"))
        let header = try #require(try BundleVerifier(trust: nil).verify(directory: bundle).header)
        try records.record(bundle: bundle, header: header, catalog: district.catalog)
        let found = try #require(try station.find(idNumber: idNumber, records: records, catalog: district.catalog).first)
        #expect(found.status == "rejected" && found.reasons == ["户口簿不清晰"])
        #expect(try station.find(id)?.applicationId == found.applicationId)
        // A status archive signed by a key the station does not trust is refused.
        #expect(thrownCodes { _ = try StatusArchive.read(dir("status.tar.zst"), trust: district.trust) } == ["sig.untrusted-key"])
    }

    @Test(arguments: StoreBackendKind.allCases) func importsFromTransferArchives(backend: StoreBackendKind) throws {
        let dir = TemporaryDirectory()
        let district = try DistrictFixture(dir, backend: backend)
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
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: district.store.objects.temporaryDirectory)
        #expect(leftovers.isEmpty)
        // The extracted files were moved into the object store: every object is read-only and
        // holds exactly the bytes its name says, and each bundle's files are all there.
        var objects = 0
        // (A PostgreSQL store's objects directory also holds its importers' staging, .tmp/.)
        for prefix in try FileManager.default.contentsOfDirectory(atPath: dir("store/objects")) where prefix != ".tmp" {
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
    @Test(arguments: StoreBackendKind.allCases) func parallelChecksMergeInInputOrder(backend: StoreBackendKind) throws {
        let dir = TemporaryDirectory()
        let district = try DistrictFixture(dir, backend: backend)
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
        let other = try backend.open(dir("store-parallel"))
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
            let store = try backend.open(dir("store-archive-\(jobs)"))
            return try Importer(store: store, catalog: district.catalog, extraTrust: district.trust, actor: "test", jobs: jobs)
                .importPaths([dir("day.tar.zst")])
        }
        #expect(items(fromArchive[0]) == items(fromArchive[1]))
        #expect(Array(items(fromArchive[1])) == Array(items(serial).prefix(6)), "as from the directories")
    }

    /// One import at a time: a second importer is told, while readers and reviewers go on.
    @Test(arguments: StoreBackendKind.allCases) func aSecondImportIsToldTheStoreIsBusyReadersAreNot(backend: StoreBackendKind) throws {
        let dir = TemporaryDirectory()
        let district = try DistrictFixture(dir, backend: backend)
        try district.importing(try district.application("a", from: "harbin-public-primary-2024-000001"))
        let lock = try district.store.backend.lockForImport()
        // flock is per open file description, so a second store object in this process stands
        // for a second process.
        let second = try backend.open(dir("store"))
        if backend.importsRunSideBySide {
            // A city store takes several importers at once (issue #18): the second one runs.
            #expect(try Importer(store: second, catalog: district.catalog, extraTrust: district.trust, actor: "t").importPaths([]).isClean)
        } else {
            #expect(thrownCodes { _ = try Importer(store: second, catalog: district.catalog, extraTrust: district.trust, actor: "t").importPaths([]) }
                    == ["import.store-busy"])
        }
        #expect(try second.applications().count == 1)
        #expect(try second.review(.verify, try second.applications()[0].collectionNumber, reviewer: "clerk").status == .verified)
        #expect(try second.events().last?.action == .review(.verify))
        lock.release()
        #expect(try Importer(store: second, catalog: district.catalog, extraTrust: district.trust, actor: "t").importPaths([]).isClean)
    }

    /// Readers never wait for an import: while an import of a few hundred bundles runs, a
    /// second store object (a clerk's process) lists, reviews, exports and reads the log.
    @Test(arguments: StoreBackendKind.allCases) func readersAndReviewersGoOnWhileAnImportRuns(backend: StoreBackendKind) throws {
        let dir = TemporaryDirectory()
        let district = try DistrictFixture(dir, backend: backend)
        try district.importing(try district.application("first", from: "harbin-public-primary-2024-000001"))
        let count = 200
        for index in 0..<count {
            _ = try district.application("day/\(String(format: "%03d", index))", from: "harbin-public-primary-2024-000001") { data in
                Self.makeDistinct(&data, index)
            }
        }
        let clerk = try backend.open(dir("store"))
        let number = try clerk.applications()[0].collectionNumber
        let importer = try district.importer(jobs: 1)
        let finished = ManagedAtomicFlag()
        let report = LockedBox<Result<ImportReport, any Error>?>(nil)
        let day = dir("day")
        let thread = Thread {
            report.set(Result { try importer.importPaths([day]) })
            finished.set()
        }
        thread.start()
        var readsDuringImport = 0
        var seenCounts: Set<Int> = []
        var reviewed = false
        while !finished.isSet {
            let listed = try clerk.applications()
            seenCounts.insert(listed.count)
            if readsDuringImport % 8 == 0 {
                _ = try clerk.exportRows()
                _ = try clerk.events(application: nil)
            }
            if !reviewed && listed.count > 1 {
                #expect(try clerk.review(.verify, number, reviewer: "clerk").status == .verified)
                reviewed = true
            }
            if !finished.isSet { readsDuringImport += 1 }
            // Polls, so as not to take the importer's core; nothing depends on the interval.
            Thread.sleep(forTimeInterval: 0.01)
        }
        let result = try #require(report.get())
        let imported = try result.get()
        #expect(imported.items.count == count && imported.isClean)
        #expect(imported.counts[.new] == count, "\(imported.counts)")
        #expect(readsDuringImport > 0)
        #expect(seenCounts.count > 2, "the clerk saw the import progress: \(seenCounts.sorted())")
        #expect(reviewed, "a decision was made while the import ran")
        #expect(try clerk.applications().count == count + 1)
        #expect(try clerk.detail(number).summary.status == .verified)
    }

    /// Gives a copy of the Harbin sample its own child ID (valid check digit, same birth date
    /// and sex) and its own registration phone, so the copies are distinct families.
    static func makeDistinct(_ data: inout [String: Any], _ index: Int) {
        var student = data["student"] as! [String: Any]
        let id = Array(student["idNumber"] as! String)
        // Digits 15–16 are the sequence; digit 17's parity is the sex and stays.
        var body = Array(id[0..<14]) + Array(String(format: "%02d", index % 100))
        let sexDigit = Int(String(id[16]))!
        body.append(Character(String((sexDigit % 2) + 2 * (index / 100))))
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(body, weights).reduce(0) { $0 + Int(String($1.0))! * $1.1 }
        body.append(Array("10X98765432")[sum % 11])
        student["idNumber"] = String(body)
        data["student"] = student
        let phone = "145" + String(format: "%08d", 10_000_000 + index)
        var application = data["application"] as! [String: Any]
        application["phone"] = phone
        data["application"] = application
        var guardian = data["guardian1"] as! [String: Any]
        guardian["phone"] = phone
        data["guardian1"] = guardian
    }
}
