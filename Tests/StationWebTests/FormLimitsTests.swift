import EnrollCore
import EnrollWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JSONSchema
import StationWeb
import Testing

/// The values a field may take under the schema's conditions, applied in the page as the engine
/// applies them at 提交: a foreign child (国籍 not 中国) has 无 for every hukou field and a
/// passport or a permanent residence ID; a Chinese child's hukou province is not 无, and its hukou
/// type is 无 exactly when the province is Hong Kong, Macao or Taiwan.
@Suite("Station web app: values a condition fixes or limits")
struct FormLimitsTests {
    static let beijing = "beijing-nonlocal-primary-2025"
    static let foreign = FieldCondition(pointer: "/student/nationality", values: ["中国"], negated: true)
    static let chinese = FieldCondition(pointer: "/student/nationality", values: ["中国"])

    @Test("the foreign-child rules of every Beijing non-local form are read from the schema's if/then/else",
          arguments: ["beijing-nonlocal-primary-2021", "beijing-nonlocal-primary-2024", "beijing-nonlocal-primary-2025"])
    func foreignChildRules(form: String) throws {
        let limits = FormConditions(form: try StationFixture.catalog.get().form(form)).limits
        for field in ["/hukou/province", "/hukou/address", "/hukou/type"] {
            #expect(limits[field]?.contains(FieldLimit(when: [Self.foreign], fixed: "无")) == true, "\(field) is 无 for a foreign child")
        }
        #expect(limits["/student/idType"]?.contains(FieldLimit(when: [Self.foreign], allowed: ["护照", "外国人永久居留身份证"])) == true)
        #expect(limits["/student/idType"]?.contains { $0.when == [Self.chinese] && $0.allowed?.contains("居民身份证") == true } == true)
        #expect(limits["/hukou/province"]?.contains(FieldLimit(when: [Self.chinese], excluded: ["无"])) == true)
        // The nested if: both conditions must hold.
        let sar = FieldCondition(pointer: "/hukou/province", values: ["香港特别行政区", "澳门特别行政区", "台湾省"])
        var notSAR = sar
        notSAR.negated = true
        #expect(limits["/hukou/type"]?.contains(FieldLimit(when: [Self.chinese, sar], fixed: "无")) == true)
        #expect(limits["/hukou/type"]?.contains(FieldLimit(when: [Self.chinese, notSAR], excluded: ["无"])) == true)
        // A guardian's own nationality rules, read inside the guardian's section.
        let foreignGuardian = FieldCondition(pointer: "/guardian1/nationality", values: ["中国"], negated: true)
        #expect(limits["/guardian1/province"]?.contains(FieldLimit(when: [foreignGuardian], fixed: "无")) == true)
    }

    @Test("a rule holds only while its fields hold: FieldCondition reads the document as the page script does")
    func conditionsReadTheDocument() throws {
        let foreignChild = try JSONParser.parse(Array(#"{"student": {"nationality": "法国"}}"#.utf8))
        let chineseChild = try JSONParser.parse(Array(#"{"student": {"nationality": "中国"}}"#.utf8))
        #expect(Self.foreign.holds(in: foreignChild))
        #expect(!Self.foreign.holds(in: chineseChild))
        #expect(Self.chinese.holds(in: chineseChild))
        #expect(!Self.chinese.holds(in: foreignChild))
    }

    @Test("each limited control carries its rules in data-limits, the same rules FormConditions read")
    func renderedControlsCarryTheirLimits() async throws {
        let fixture = try StationFixture()
        defer { fixture.remove() }
        let limits = FormConditions(form: try StationFixture.catalog.get().form(Self.beijing)).limits
        try await fixture.application().test(.router) { client in
            var browser = Browser()
            let page = try await browser.open(client, "/forms/\(Self.beijing)/new")
            #expect(page.status == .ok)
            for pointer in ["/hukou/province", "/hukou/type", "/student/idType", "/guardian1/province"] {
                let tag = try #require(StationWebTests.tag(withID: FormRenderer.controlID(pointer), in: page.body), "\(pointer) is rendered")
                let attribute = try #require(StationWebTests.attribute("data-limits", tag), "\(pointer) has data-limits")
                let json = attribute.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
                let decoded = try JSONDecoder().decode([FieldLimit].self, from: Data(json.utf8))
                #expect(decoded == limits[pointer], "\(pointer)'s rules in the page are the schema's")
            }
            let name = try #require(StationWebTests.tag(withID: FormRenderer.controlID("/student/name"), in: page.body))
            #expect(StationWebTests.attribute("data-limits", name) == nil, "a field no condition limits has none")
        }
    }
}
