import Foundation
import Testing

@testable import EnrollCore

@Suite("Form descriptions")
struct FormDescriptionTests {
    @Test func harbinFormDescribesFieldsSlotsAndRules() throws {
        let description = FormDescription(try sharedCatalog.form("harbin-public-primary-2024"))
        #expect(description.id == "harbin-public-primary-2024")
        let idNumber = try #require(description.fields.first { $0.pointer == "/student/idNumber" })
        #expect(idNumber.format == "cn-resident-id")
        #expect(!idNumber.label.zh.isEmpty && !idNumber.label.en.isEmpty)
        #expect(!description.fields.contains { $0.pointer == "/" })
        let photo = try #require(description.attachments.first { $0.id == "student-photo" })
        #expect(photo.required == "always")
        #expect(photo.count == "1–1")
        #expect(photo.pixelSize == "295x413")
        #expect(photo.mediaTypes == ["image/jpeg"])
        #expect(description.attachments.contains { $0.required == "conditional" })
        #expect(description.rules.contains { $0.rule == "id-number-birth-date" })
        #expect(description.crossApplicationRules.map(\.rule) == ["unique", "quota"])
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(description)) as? [String: Any]
        #expect(Set((json ?? [:]).keys) == ["id", "version", "label", "fields", "attachments", "rules", "crossApplicationRules"])
    }
}
