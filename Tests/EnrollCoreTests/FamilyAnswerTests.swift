import Foundation
import JSONSchema
import Testing

@testable import EnrollCore

/// The family's answer in the seeds' own words, per form (DESIGN §12).
@Suite("Family answers in the seeds' words")
struct FamilyAnswerTests {
    static let xiangming = SchoolInfo(name: "哈尔滨市香明小学校", district: "香坊区", address: "哈尔滨市香坊区香明街1号", contact: "刘老师", phone: "045188880000")

    static func zh(_ lines: [LocalizedText]) -> [String] { lines.map(\.zh) }

    @Test func harbinInItsOwnWords() {
        let form = "harbin-public-primary-2024"
        #expect(Self.zh(FamilyAnswer.lines(form: form, status: .received, reasons: [], school: nil, info: nil)) == ["报名资料已提交, 审核中"])
        #expect(Self.zh(FamilyAnswer.lines(form: form, status: .verified, reasons: [], school: nil, info: nil)) == ["报名资料已提交, 审核中"])
        #expect(Self.zh(FamilyAnswer.lines(form: form, status: .rejected, reasons: ["户口簿照片不清晰", "缺少房产证"], school: nil, info: nil))
            == ["驳回", "驳回原因：户口簿照片不清晰", "驳回原因：缺少房产证"])
        #expect(Self.zh(FamilyAnswer.lines(form: form, status: .admitted, reasons: [], school: "哈尔滨市香明小学校", info: Self.xiangming)) == [
            "录取成功,录取学校【哈尔滨市香明小学校】", "学校名称 哈尔滨市香明小学校", "学校地址 哈尔滨市香坊区香明街1号",
            "学校负责人 刘老师", "学校联系电话 045188880000",
        ])
        // Without a school list the admission still reads, with the name only.
        #expect(Self.zh(FamilyAnswer.lines(form: form, status: .admitted, reasons: [], school: "某小学", info: nil))
            == ["录取成功,录取学校【某小学】", "学校名称 某小学"])
    }

    @Test func beijingInItsOwnWords() {
        #expect(Self.zh(FamilyAnswer.lines(form: "beijing-local-primary-2024", status: .received, reasons: [], school: nil, info: nil))
            == ["身份证及户籍信息待验证"])
        #expect(Self.zh(FamilyAnswer.lines(form: "beijing-local-primary-2024", status: .verified, reasons: [], school: nil, info: nil))
            == ["身份证及户籍信息已验证", "审核通过"])
        #expect(Self.zh(FamilyAnswer.lines(form: "beijing-nonlocal-primary-2025", status: .verified, reasons: [], school: nil, info: nil))
            == ["身份证及户籍信息已验证", "审核通过，可打印信息采集表"])
        #expect(FamilyAnswer.lines(form: "beijing-nonlocal-primary-2021", status: .admitted, reasons: [], school: "北京市东城区景泰小学", info: nil)[0].zh
            == "您的孩子已经被北京市东城区景泰小学录取入学")
    }

    @Test(arguments: StoreBackendKind.allCases) func theStatusArchiveCarriesTheAnswerWithTheSchoolsContacts(backend: StoreBackendKind) throws {
        let dir = TemporaryDirectory()
        let fixture = try DistrictFixture(dir, backend: backend)
        try fixture.importing(try fixture.application("a", from: "harbin-public-primary-2024-000001"))
        try fixture.store.addSchool(Self.xiangming, actor: "admin")
        #expect(try fixture.store.schools() == [Self.xiangming])
        let number = try fixture.store.applications()[0].collectionNumber
        try fixture.store.review(.verify, number, reviewer: "clerk")
        try fixture.store.review(.admit, number, school: "哈尔滨市香明小学校", reviewer: "clerk")
        let keys = try KeyFiles.generate(in: dir("district"), name: "district")
        let key = try SignifySecretKey(contentsOf: keys.secret)
        try StatusArchive.export(from: fixture.store, key: key, district: "district", to: dir("status.tar.zst"))
        let trust = try TrustStore(directory: dir("district"))
        let entry = try #require(try StatusArchive.read(dir("status.tar.zst"), trust: trust).entries.first)
        #expect(entry.answer?.map(\.zh) == [
            "录取成功,录取学校【哈尔滨市香明小学校】", "学校名称 哈尔滨市香明小学校", "学校地址 哈尔滨市香坊区香明街1号",
            "学校负责人 刘老师", "学校联系电话 045188880000",
        ])
    }
}

/// 特殊标识 = 暂缓入学: a deferred child, a year older, is admitted by the birth-window rule.
@Suite("Deferred entry and the birth window")
struct DeferredEntryTests {
    @Test func aDeferredChildIsAYearOlder() throws {
        let form = try sharedCatalog.form("harbin-public-primary-2024")
        let bytes = try FileIO.readAll(repositoryRoot + "/SampleBundles/valid/harbin-public-primary-2024-000001/data/form.json")
        var data = try JSONSerialization.jsonObject(with: Data(bytes)) as! [String: Any]
        var student = data["student"] as! [String: Any]
        student["birthDate"] = "2016-10-01"
        data["student"] = student
        func codes(_ category: String) throws -> [String] {
            var edited = data
            var s = edited["student"] as! [String: Any]
            s["specialCategory"] = category
            edited["student"] = s
            let document = try JSONParser.parse(Array(try JSONSerialization.data(withJSONObject: edited)))
            return FormRuleEvaluator(form: form).evaluate(document, file: "f", locate: { Location(file: "f", pointer: $0.description) })
                .map(\.code.rawValue).filter { $0 == "form.rule.birth-date-window" }
        }
        #expect(try codes("无") == ["form.rule.birth-date-window"], "born 2016-10-01 is a year too old")
        #expect(try codes("暂缓入学") == [], "a deferred child may be a year older")
        student["birthDate"] = "2015-10-01"
        data["student"] = student
        #expect(try codes("暂缓入学") == ["form.rule.birth-date-window"], "but not two")
    }
}
