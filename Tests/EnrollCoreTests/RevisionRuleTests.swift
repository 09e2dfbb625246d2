import Foundation
import JSONSchema
import Testing

@testable import EnrollCore

/// Basic information cannot change; 修改学生姓名 and 修改填报学校 are revisions of their own
/// (DESIGN §12, docs/FORMS.md `x-enroll-immutable`, `x-enroll-revision-kinds`).
@Suite("Revision rules: immutable fields and revision kinds")
struct RevisionRuleTests {
    static let harbin = RevisionRules(form: try! sharedCatalog.form("harbin-public-primary-2024"))
    static let beijing = RevisionRules(form: try! sharedCatalog.form("beijing-local-primary-2024"))

    static func sampleBytes(_ name: String) throws -> [UInt8] {
        try FileIO.readAll(repositoryRoot + "/SampleBundles/valid/\(name)/data/form.json")
    }

    static func sample(_ name: String) throws -> JSONValue { try JSONParser.parse(sampleBytes(name)) }

    /// A sample's data with text fields set.
    static func edited(_ name: String, _ changes: [String: String]) throws -> JSONValue {
        let settings = try changes.sorted { $0.key < $1.key }.map { try FieldSetting(parsing: "\($0.key)=\($0.value)") }
        return try JSONParser.parse(FieldSetting.apply(settings, to: sampleBytes(name)))
    }

    static func codes(_ problems: [Diagnostic]) -> [String] { problems.map(\.code.rawValue) }

    @Test func theFormsDeclareTheirBasicInformation() {
        #expect(Self.harbin.immutable.map(\.pointer.description) == ["/student/idType", "/student/idNumber", "/student/birthDate", "/application/district"])
        #expect(Self.beijing.immutable.map(\.pointer.description).contains("/application/district"))
        #expect(Self.harbin.allowedKinds == [.application, .nameChange, .schoolChange])
        #expect(Self.beijing.allowedKinds == [.application])
    }

    @Test func changingTheIDNumberOrBirthDateIsRefusedNamingTheField() throws {
        let before = try Self.sample("harbin-public-primary-2024-000001")
        let after = try Self.edited("harbin-public-primary-2024-000001", ["/student/idNumber": "230103201803293029", "/student/birthDate": "2018-03-28"])
        let problems = Self.harbin.check(kind: .application, previous: before, next: after, file: "r2/data/form.json")
        #expect(Self.codes(problems) == ["form.immutable-field", "form.immutable-field"])
        #expect(problems.map(\.location.pointer) == ["/student/idNumber", "/student/birthDate"])
        #expect(problems[0].message.zh.contains("学生证件号码") && problems[0].message.zh.contains("不能修改"), "\(problems[0].message.zh)")
        #expect(problems[0].location.file == "r2/data/form.json")
        #expect(Self.harbin.check(kind: .application, previous: before, next: before, file: "x").isEmpty)
    }

    @Test func theNameChangesOnlyThroughItsOwnKind() throws {
        let before = try Self.sample("harbin-public-primary-2024-000001")
        let renamed = try Self.edited("harbin-public-primary-2024-000001", ["/student/name": "曹安然"])
        #expect(Self.codes(Self.harbin.check(kind: .application, previous: before, next: renamed, file: "x")) == ["form.revision-kind"])
        #expect(Self.harbin.check(kind: .nameChange, previous: before, next: renamed, file: "x").isEmpty)
        let changes = Self.harbin.changes(kind: .nameChange, previous: before, next: renamed)
        #expect(changes.map(\.field) == ["/student/name"] && changes.map(\.from) == ["曹安琪"] && changes.map(\.to) == ["曹安然"])
        // A name change that also changes the phone, or changes nothing, does not fit its kind.
        let more = try Self.edited("harbin-public-primary-2024-000001", ["/student/name": "曹安然", "/application/phone": "13912345678"])
        let problems = Self.harbin.check(kind: .nameChange, previous: before, next: more, file: "x")
        #expect(Self.codes(problems) == ["form.revision-kind"] && problems[0].location.pointer == "/application/phone")
        #expect(Self.codes(Self.harbin.check(kind: .nameChange, previous: before, next: before, file: "x")) == ["form.revision-kind"])
    }

    @Test func aSchoolChangeStaysInTheDistrict() throws {
        let before = try Self.sample("harbin-public-primary-2024-000001")
        let sameDistrict = try Self.edited("harbin-public-primary-2024-000001", ["/application/school": "哈尔滨市南岗区马家街小学校"])
        #expect(Self.harbin.check(kind: .schoolChange, previous: before, next: sameDistrict, file: "x").isEmpty)
        let otherDistrict = try Self.edited("harbin-public-primary-2024-000001", ["/application/school": "哈尔滨市中山路小学校", "/application/district": "香坊区"])
        let problems = Self.harbin.check(kind: .schoolChange, previous: before, next: otherDistrict, file: "x")
        #expect(Self.codes(problems) == ["form.immutable-field"] && problems[0].location.pointer == "/application/district")
    }

    @Test func aKindTheFormDoesNotHaveIsRefused() throws {
        let before = try Self.sample("beijing-local-primary-2024-000001")
        let problems = Self.beijing.check(kind: .nameChange, previous: before, next: before, file: "x")
        #expect(Self.codes(problems) == ["form.revision-kind"])
        #expect(problems[0].message.en.contains("no revision kind \"name-change\""))
    }

    @Test func reviseRefusesBeforeWritingAnything() throws {
        let dir = TemporaryDirectory()
        let district = try DistrictFixture(dir)
        let r1 = try district.application("r1", from: "harbin-public-primary-2024-000001")
        let rules = RevisionRules(form: try sharedCatalog.form("harbin-public-primary-2024"))
        #expect(thrownCodes {
            try BundleOperations().revise(
                r1, data: nil, attachments: [], directory: dir("r2"), signer: (district.key, "station-a"),
                settings: [try FieldSetting(parsing: "/student/birthDate=2018-03-30")], rules: rules)
        } == ["form.immutable-field"])
        #expect(!FileManager.default.fileExists(atPath: dir("r2")))
        #expect(thrownCodes { _ = try FieldSetting(parsing: "student/name") } == ["usage.set"])
        #expect(thrownCodes {
            try BundleOperations().revise(r1, data: nil, attachments: [], directory: dir("r2w"), kind: .withdrawal)
        } == ["form.revision-kind"])
    }

    @Test(arguments: StoreBackendKind.allCases) func aHandMadeRevisionChangingBasicInformationIsQuarantined(backend: StoreBackendKind) throws {
        let dir = TemporaryDirectory()
        let district = try DistrictFixture(dir, backend: backend)
        let r1 = try district.application("r1", from: "harbin-public-primary-2024-000001")
        try district.importing(r1)
        // Made without the rules, as a hand-made bundle would be.
        try BundleOperations().revise(
            r1, data: nil, attachments: [], directory: dir("r2"), signer: (district.key, "station-a"),
            settings: [try FieldSetting(parsing: "/student/idNumber=230103201803293029")])
        let report = try district.importing(dir("r2"))
        #expect(report.items.map(\.outcome) == [.quarantined])
        #expect(report.items[0].diagnostics.map(\.code.rawValue) == ["form.immutable-field"])
        #expect(report.items[0].diagnostics.map(\.location.pointer) == ["/student/idNumber"])
        #expect(try district.store.backend.quarantined().last?.reasons.map(\.code) == ["form.immutable-field"])
        #expect(try district.store.applications()[0].revision == 1)
    }

    @Test(arguments: StoreBackendKind.allCases) func aNameChangeIsAuditedOldToNew(backend: StoreBackendKind) throws {
        let dir = TemporaryDirectory()
        let district = try DistrictFixture(dir, backend: backend)
        let r1 = try district.application("r1", from: "harbin-public-primary-2024-000001")
        try district.importing(r1)
        let rules = RevisionRules(form: try sharedCatalog.form("harbin-public-primary-2024"))
        let header = try BundleOperations().revise(
            r1, data: nil, attachments: [], directory: dir("r2"), signer: (district.key, "station-a"), kind: .nameChange,
            settings: [try FieldSetting(parsing: "/student/name=曹安然")], rules: rules)
        #expect(header.kind == .nameChange)
        #expect(try read(dir("r2/bag-info.txt")).contains("Enroll-Kind: name-change"))
        #expect(try district.importing(dir("r2")).items.map(\.outcome) == [.updated])
        let summary = try district.store.applications()[0]
        #expect(summary.revision == 2)
        let event = try #require(try district.store.events(application: summary.applicationId).last)
        #expect(event.action.rawValue == "import.name-change")
        #expect(event.detail["field"] == "/student/name" && event.detail["from"] == "曹安琪" && event.detail["to"] == "曹安然")
        #expect(try district.store.detail(summary.collectionNumber).revisions.map(\.kind) == [.application, .nameChange])
    }
}
