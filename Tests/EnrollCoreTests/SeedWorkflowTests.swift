import Crypto
import Foundation
import JSONSchema
import Testing

@testable import EnrollCore

/// The 须知 / 个人信息保护政策 texts shipped with the forms, and what a bundle records of them.
@Suite("Notice texts and their acceptance")
struct NoticeTests {
    static let beijing = try! sharedCatalog.form("beijing-nonlocal-primary-2024")
    static let harbin = try! sharedCatalog.form("harbin-public-primary-2024")
    static let time = "2024-05-08T10:00:00+08:00"

    static func document(notice: Bool, privacy: Bool) throws -> JSONValue {
        try JSONParser.parse(Array(#"{"commitment": {"noticeAccepted": \#(notice), "privacyPolicyAccepted": \#(privacy)}}"#.utf8))
    }

    @Test func aFormShipsItsTextsWithTheirDigests() throws {
        #expect(Self.beijing.notices.map(\.id) == ["guardian-notice", "privacy-policy"])
        for notice in Self.beijing.notices + Self.harbin.notices {
            let bytes = try FileIO.readAll(repositoryRoot + "/Schemas/" + notice.file)
            let expected = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
            #expect(notice.sha256 == expected, "\(notice.file)")
            #expect(notice.text == String(decoding: bytes, as: UTF8.self))
            #expect(!notice.text.isEmpty)
        }
        let privacy = try #require(Self.beijing.notices.last)
        #expect(privacy.label.zh == "个人信息保护政策" && privacy.version == "2024.1")
        #expect(privacy.acceptedBy?.description == "/commitment/privacyPolicyAccepted")
        #expect(Self.harbin.notices.map(\.acceptedBy) == [nil], "Harbin's 报名须知 has no checkbox")
    }

    @Test func anAcceptanceIsFourPartsWithADigestAndATime() throws {
        let digest = String(repeating: "ab", count: 32)
        let parsed = try #require(NoticeAcceptance(fieldValue: "privacy-policy 2024.1 \(digest.uppercased()) \(Self.time)"))
        #expect(parsed == NoticeAcceptance(notice: "privacy-policy", version: "2024.1", sha256: digest, acceptedAt: Self.time))
        #expect(parsed.fieldValue == "privacy-policy 2024.1 \(digest) \(Self.time)")
        #expect(NoticeAcceptance(fieldValue: "privacy-policy 2024.1 \(digest)") == nil, "no time")
        #expect(NoticeAcceptance(fieldValue: "privacy-policy 2024.1 \(digest.dropLast()) \(Self.time)") == nil, "63 digits")
        #expect(NoticeAcceptance(fieldValue: "privacy-policy 2024.1 \(String(repeating: "zz", count: 32)) \(Self.time)") == nil, "not hex")
        #expect(NoticeAcceptance(fieldValue: "privacy-policy 2024.1 \(digest) 2024-05-08") == nil, "no time of day and offset")
    }

    @Test func signingRecordsWhatTheDataAcceptsOnce() throws {
        let both = NoticeRule.record(Self.beijing.notices, document: try Self.document(notice: true, privacy: true), signedAt: Self.time, recorded: [])
        #expect(both.map(\.notice) == ["guardian-notice", "privacy-policy"])
        #expect(both.allSatisfy { $0.acceptedAt == Self.time && $0.version == "2024.1" })
        #expect(both.map(\.sha256) == Self.beijing.notices.map(\.sha256))
        let one = NoticeRule.record(Self.beijing.notices, document: try Self.document(notice: true, privacy: false), signedAt: Self.time, recorded: [])
        #expect(one.map(\.notice) == ["guardian-notice"], "an unticked box records nothing")
        // A later revision keeps the first acceptance and its time.
        let later = NoticeRule.record(
            Self.beijing.notices, document: try Self.document(notice: true, privacy: true), signedAt: "2024-05-20T09:00:00+08:00", recorded: one)
        #expect(later.map(\.notice) == ["guardian-notice", "privacy-policy"])
        #expect(later.map(\.acceptedAt) == [Self.time, "2024-05-20T09:00:00+08:00"])
        // Harbin's notice has no checkbox: every signing records it.
        #expect(NoticeRule.record(Self.harbin.notices, document: .object(JSONObject()), signedAt: Self.time, recorded: []).map(\.notice)
            == ["registration-notice"])
    }

    @Test func anUnknownVersionOrAnotherTextIsReported() throws {
        let notice = try #require(Self.beijing.notices.first)
        let good = NoticeAcceptance(notice: notice.id, version: notice.version, sha256: notice.sha256, acceptedAt: Self.time)
        #expect(NoticeRule.check([good], form: Self.beijing, file: "b/bag-info.txt").isEmpty)
        var old = good
        old.version = "2023.1"
        var unknown = good
        unknown.notice = "house-rules"
        var other = good
        other.sha256 = String(repeating: "0", count: 64)
        let problems = NoticeRule.check([old, unknown, other], form: Self.beijing, file: "b/bag-info.txt")
        #expect(problems.map(\.code.rawValue) == ["form.notice-unknown", "form.notice-unknown", "form.notice-digest"])
        #expect(problems.allSatisfy { $0.location.file == "b/bag-info.txt" && $0.severity == .error })
        #expect(problems[0].message.en.contains("version 2023.1") && problems[0].message.en.contains("guardian-notice 2024.1"))
        #expect(problems[2].message.zh.contains(notice.sha256))
    }

    /// A bundle signed by the library records the texts in its signed bag-info, and the
    /// validator checks them: a changed digest there is `form.notice-digest`.
    @Test func aSignedBundleRecordsItsNoticesAndValidationChecksThem() throws {
        let dir = TemporaryDirectory()
        let district = try DistrictFixture(dir)
        let submission = Submission(signedAt: try #require(StoreClock.parse(Self.time)))
        var withNotices = submission
        withNotices.notices = Self.beijing.notices
        let bundle = try district.application("b", from: "beijing-nonlocal-primary-2024-000001", submission: withNotices)
        let info = try read(bundle + "/bag-info.txt")
        for notice in Self.beijing.notices {
            #expect(info.contains("Enroll-Notice-Accepted: \(notice.id) 2024.1 \(notice.sha256) \(Self.time)\n"), "\(info)")
        }
        let validator = ApplicationValidator(catalog: sharedCatalog, trust: district.trust)
        let verification = try validator.validate(directory: bundle)
        #expect(verification.diagnostics.errors.isEmpty, "\(verification.diagnostics)")
        #expect(verification.header?.noticesAccepted.count == 2)

        var header = try #require(verification.header)
        header.noticesAccepted[1].sha256 = String(repeating: "1", count: 64)
        let input = try FormInput(directory: bundle, payload: verification.bag.inventory.payload.values.map(\.path))
        let codes = validator.formDiagnostics(header, input, root: bundle).map(\.code.rawValue)
        #expect(codes == ["form.notice-digest"])

        // A revision carries the acceptances and their first time.
        let revised = try BundleOperations().revise(
            bundle, data: nil, attachments: [], directory: dir("b2"), signer: (district.key, "station-a"),
            submission: Submission(signedAt: try #require(StoreClock.parse("2024-05-20T09:00:00+08:00"))))
        #expect(revised.noticesAccepted.map(\.acceptedAt) == [Self.time, Self.time])
        #expect(try read(dir("b2") + "/bag-info.txt").components(separatedBy: "Enroll-Notice-Accepted: ").count == 3)
    }

    @Test func aMalformedAcceptanceFieldIsABagInfoError() throws {
        let info = BagInfo([
            ("Enroll-Form", "beijing-nonlocal-primary-2024"), ("Enroll-Form-Version", "2024.1"),
            ("Enroll-Application-ID", UUID().uuidString), ("Enroll-Revision", "1"), ("Enroll-Kind", "application"),
            ("Enroll-Notice-Accepted", "privacy-policy 2024.1 not-a-digest"),
        ])
        let (header, problems) = BundleHeader.parse(info, file: "b/bag-info.txt")
        #expect(header == nil)
        #expect(problems.map(\.code.rawValue) == ["bag.info-field-invalid"])
        #expect(problems.first?.message.en.contains("Enroll-Notice-Accepted") == true)
    }
}

/// Beijing 2025's 去授权 / 取消授权 as signed revisions of their own.
@Suite("Authorization revisions")
struct AuthorizationTests {
    static let form = try! sharedCatalog.form("beijing-nonlocal-primary-2025")
    static let rules = RevisionRules(form: form)

    static func document(_ granted: Bool?, name: String = "孙浩然") throws -> JSONValue {
        let authorization = granted.map { #", "authorization": {"granted": \#($0)}"# } ?? ""
        return try JSONParser.parse(Array(#"{"student": {"name": "\#(name)"}\#(authorization)}"#.utf8))
    }

    func codes(_ kind: BundleKind, _ previous: Bool?, _ next: Bool?, name: String = "孙浩然") throws -> [String] {
        Self.rules.check(kind: kind, previous: try Self.document(previous), next: try Self.document(next, name: name), file: "f")
            .map(\.code.rawValue)
    }

    @Test func theFormDeclaresBothKindsWithTheirValues() throws {
        let kinds = Self.form.revisionKinds
        let granted = try JSONPointer(parsing: "/authorization/granted")
        #expect(kinds.map(\.kind) == [.authorization, .authorizationRevoked])
        #expect(kinds.map(\.label.zh) == ["去授权", "取消授权"])
        #expect(kinds[0].sets == [RevisionKindRule.FieldValue(pointer: granted, value: .bool(true))])
        #expect(kinds[1].sets == [RevisionKindRule.FieldValue(pointer: granted, value: .bool(false))])
        #expect(kinds[1].requires == [RevisionKindRule.FieldValue(pointer: granted, value: .bool(true))])
    }

    @Test func grantingAndRevokingFollowTheRules() throws {
        #expect(try codes(.authorization, nil, true) == [], "the first grant")
        #expect(try codes(.authorization, false, true) == [], "a grant after a revocation")
        #expect(try codes(.authorization, true, true) == ["form.revision-kind"], "already granted: nothing changes")
        #expect(try codes(.authorization, nil, false) == ["form.revision-kind"], "a grant must leave granted = true")
        #expect(try codes(.authorizationRevoked, true, false) == [])
        #expect(try codes(.authorizationRevoked, nil, false) == ["form.revision-kind"], "nothing to revoke")
        #expect(try codes(.authorizationRevoked, false, false) == ["form.revision-kind", "form.revision-kind"], "not granted, and no change")
        #expect(try codes(.authorization, nil, true, name: "孙浩") == ["form.revision-kind"], "a grant changes nothing else")
    }

    @Test func aPlainRevisionNeverChangesTheAuthorization() throws {
        let problems = Self.rules.check(kind: .application, previous: try Self.document(nil), next: try Self.document(true), file: "f")
        #expect(problems.map(\.code.rawValue) == ["form.revision-kind"], "one problem for the field both kinds own")
        #expect(problems[0].message.en.contains("--kind authorization)") && problems[0].message.en.contains("--kind authorization-revoked"))
        #expect(problems[0].location.pointer == "/authorization/granted")
        #expect(try codes(.application, true, true, name: "孙浩") == [], "other fields change freely")
    }

    @Test func revisionOneLeavesTheAuthorizationUnset() throws {
        #expect(Self.rules.checkFirst(kind: .application, document: try Self.document(nil), file: "f").isEmpty)
        let given = Self.rules.checkFirst(kind: .application, document: try Self.document(true), file: "f")
        #expect(given.map(\.code.rawValue) == ["form.revision-kind"] && given[0].location.pointer == "/authorization/granted")
        #expect(Self.rules.checkFirst(kind: .authorization, document: try Self.document(nil), file: "f").map(\.code.rawValue) == ["form.revision-kind"])
    }

    @Test func theMergeRuleKeepsTheDecision() {
        let incoming = MergeRule.Incoming(revision: 3, previous: "d2", digest: "d3", kind: .authorization, alreadyStored: false)
        for status in [ApplicationStatus.received, .verified, .rejected, .admitted] {
            #expect(MergeRule.decide(current: .init(status: status, revision: 2, digest: "d2"), incoming: incoming) == .supersede(status: status))
        }
        var revoked = incoming
        revoked.kind = .authorizationRevoked
        #expect(MergeRule.decide(current: .init(status: .admitted, revision: 2, digest: "d2"), incoming: revoked) == .supersede(status: .admitted))
        // A held revision waits: the authorization chains onto it and is held in its place.
        let held = MergeRule.Current(status: .verified, revision: 1, digest: "d1", held: .init(revision: 2, digest: "d2"))
        #expect(MergeRule.decide(current: held, incoming: incoming) == .hold(replacing: "d2"))
        #expect(MergeRule.decide(current: .init(status: .withdrawn, revision: 2, digest: "d2"), incoming: incoming) == .refused(.withdrawn))
        // A plain revision of a verified application is still held (the submit lock).
        var plain = incoming
        plain.kind = .application
        #expect(MergeRule.decide(current: .init(status: .verified, revision: 2, digest: "d2"), incoming: plain) == .hold(replacing: nil))
    }

    @Test func theStatusIsTheLatestAuthorizationRevision() {
        #expect(AuthorizationStatus.after(kinds: []) == nil)
        #expect(AuthorizationStatus.after(kinds: [.application, .application]) == nil)
        #expect(AuthorizationStatus.after(kinds: [.application, .authorization]) == .granted)
        #expect(AuthorizationStatus.after(kinds: [.application, .authorization, .authorizationRevoked]) == .revoked)
        #expect(AuthorizationStatus.after(kinds: [.authorization, .authorizationRevoked, .authorization, .application]) == .granted)
    }

    @Test func theFamilySeesItInTheManualsWords() {
        let lines = FamilyAnswer.lines(form: Self.form.id, status: .verified, reasons: [], school: nil, info: nil, authorization: .granted)
        #expect(lines.map(\.zh) == ["身份证及户籍信息已验证", "审核通过，可打印信息采集表", "授予法定监护人查看孩子的登记信息或办理入学业务的权限：当前已授权"])
        #expect(FamilyAnswer.lines(form: Self.form.id, status: .received, reasons: [], school: nil, info: nil, authorization: .revoked).last?.zh
            == "授予法定监护人查看孩子的登记信息或办理入学业务的权限：当前未授权")
        #expect(FamilyAnswer.lines(form: Self.form.id, status: .received, reasons: [], school: nil, info: nil).count == 1)
    }

    /// Through the store: a verified application is granted, then revoked; the status and the
    /// decision stay, the audit log names the kinds, the status archive carries it.
    @Test func anAuthorizationKeepsTheVerifiedStatusInTheStore() throws {
        let dir = TemporaryDirectory()
        let district = try DistrictFixture(dir)
        let first = try district.application("a1", from: "beijing-nonlocal-primary-2025-000001")
        try district.importing(first)
        let number = try #require(try district.store.applications().first?.collectionNumber)
        try district.store.review(.verify, number, reviewer: "clerk")
        let signer = (key: district.key, station: "station-a")
        let rules = RevisionRules(form: Self.form)
        let granted = try BundleOperations().revise(first, data: nil, attachments: [], directory: dir("a2"), signer: signer, kind: .authorization, rules: rules)
        #expect(granted.kind == .authorization)
        #expect(try read(dir("a2") + "/data/form.json").contains("\"granted\" : true"))
        let report = try district.importing(dir("a2"))
        #expect(report.items.map(\.outcome) == [.updated], "\(report.items)")
        var summary = try district.store.detail(number).summary
        #expect(summary.status == .verified && summary.authorization == .granted && summary.revision == 2)
        #expect(summary.flags.isEmpty, "no submit lock holds an authorization")

        // Revoking twice: the second is refused before it is written.
        try BundleOperations().revise(dir("a2"), data: nil, attachments: [], directory: dir("a3"), signer: signer, kind: .authorizationRevoked, rules: rules)
        #expect(thrownCodes {
            try BundleOperations().revise(dir("a3"), data: nil, attachments: [], directory: dir("a4"), signer: signer, kind: .authorizationRevoked, rules: rules)
        } == ["form.revision-kind", "form.revision-kind"], "not granted any more, and no change")
        try district.importing(dir("a3"))
        summary = try district.store.detail(number).summary
        #expect(summary.status == .verified && summary.authorization == .revoked && summary.revision == 3)
        let actions = try district.store.events(application: summary.applicationId).map(\.action.rawValue)
        #expect(actions.contains("import.authorization") && actions.contains("import.authorization-revoked"))
    }
}

/// 特殊标识 = 暂缓入学 at the edges of the birth window: a deferred child may be born up to a year
/// before `from` (inclusive), never earlier; `to` does not move.
@Suite("Deferred entry at the window's edges")
struct DeferredEntryBoundaryTests {
    static let form = try! sharedCatalog.form("beijing-nonlocal-primary-2024")

    func admitted(_ birth: String, _ category: String) throws -> Bool {
        let document = try JSONParser.parse(Array(#"{"student": {"birthDate": "\#(birth)", "specialCategory": "\#(category)"}}"#.utf8))
        return !FormRuleEvaluator(form: Self.form).evaluate(document, file: "f", locate: { Location(file: "f", pointer: $0.description) })
            .contains { $0.code.rawValue == "form.rule.birth-date-window" }
    }

    @Test func theWindowOpensAYearEarlierForADeferredChildOnly() throws {
        // The 2024 window: 2017-09-01 … 2018-08-31.
        #expect(try admitted("2017-09-01", "无"))
        #expect(try !admitted("2017-08-31", "无"))
        #expect(try admitted("2017-08-31", "暂缓入学"))
        #expect(try admitted("2016-09-01", "暂缓入学"))
        #expect(try !admitted("2016-08-31", "暂缓入学"))
        #expect(try !admitted("2016-09-01", "双多胞胎"), "only 暂缓入学 defers")
        #expect(try admitted("2018-08-31", "暂缓入学"))
        #expect(try !admitted("2018-09-01", "暂缓入学"), "too young stays too young")
    }
}
