import Foundation
import JSONSchema
import Testing

@testable import EnrollCore

@Suite("Masking personal data")
struct PrivacyTests {
    /// Generated numbers (a made-up region and date), never a real person's.
    static let form = #"""
        {"student": {"name": "测试", "idNumber": "23010920170101000X", "oldId": "230109170101001"},
         "guardians": [{"phone": "13800005678", "relation": "父亲"}, {"phone": "１３８００００５６７８"}],
         "count": 12345678901, "note": "12345", "school": "第一小学", "landline": "04511234567"}
        """#

    @Test func idNumbersAndPhonesAreMaskedAtAnyDepth() throws {
        let masked = Privacy.maskPersonalData(try JSONParser.parse(Array(Self.form.utf8)))
        #expect(masked["student"]?["idNumber"]?.stringValue == "230109********000X")
        #expect(masked["student"]?["oldId"]?.stringValue == "230109*****1001")
        #expect(masked["student"]?["name"]?.stringValue == "测试")
        #expect(masked["guardians"]?.arrayValue?[0]["phone"]?.stringValue == "138****5678")
        #expect(masked["guardians"]?.arrayValue?[0]["relation"]?.stringValue == "父亲")
        // Full-width digits from an input method are masked too.
        #expect(masked["guardians"]?.arrayValue?[1]["phone"]?.stringValue == "１３８****５６７８")
        // Numbers, short strings, text and landlines (not starting with 1) stay.
        #expect(masked["count"] == .number(JSONNumber(12345678901)))
        #expect(masked["note"]?.stringValue == "12345")
        #expect(masked["school"]?.stringValue == "第一小学")
        #expect(masked["landline"]?.stringValue == "04511234567")
    }

    @Test func maskingKeepsMemberOrder() throws {
        let value = try JSONParser.parse(Array(#"{"z": "13800005678", "a": 1, "m": ["x"]}"#.utf8))
        #expect(Privacy.maskPersonalData(value).serialized(sortedKeys: false) == #"{"z":"138****5678","a":1,"m":["x"]}"#)
    }

    @Test func maskingJSONText() {
        #expect(Privacy.maskPersonalData(inJSON: #"{"id": "23010920170101000X"}"#) == #"{"id":"230109********000X"}"#)
        #expect(Privacy.maskPersonalData(inJSON: #"{"id": "23010920170101000X""#) == nil)
    }
}
