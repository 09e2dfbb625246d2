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
         "count": 12345678901, "note": "12345", "school": "第一小学", "landline": "04511234567",
         "birthDate": "2017-01-01", "passportNumber": "E12345678", "backupPhone": "138 0000 5678"}
        """#

    @Test func idNumbersAndPhonesAreMaskedAtAnyDepth() throws {
        let masked = Privacy.maskPersonalData(try JSONParser.parse(Array(Self.form.utf8)))
        #expect(masked["student"]?["idNumber"]?.stringValue == "23****************")
        #expect(masked["student"]?["oldId"]?.stringValue == "23*************")
        #expect(masked["student"]?["name"]?.stringValue == "测试")
        #expect(masked["guardians"]?.arrayValue?[0]["phone"]?.stringValue == "138******78")
        #expect(masked["guardians"]?.arrayValue?[0]["relation"]?.stringValue == "父亲")
        // Full-width digits from an input method are masked too.
        #expect(masked["guardians"]?.arrayValue?[1]["phone"]?.stringValue == "１３８******７８")
        // Numbers, short strings, text and landlines (not starting with 1) stay.
        #expect(masked["count"] == .number(JSONNumber(12345678901)))
        #expect(masked["note"]?.stringValue == "12345")
        #expect(masked["school"]?.stringValue == "第一小学")
        #expect(masked["landline"]?.stringValue == "04511234567")
        // A date keeps its year only: a birth date is the hidden part of a resident ID.
        #expect(masked["birthDate"]?.stringValue == "2017-**-**")
        // Members named for a document number or phone are masked whatever their shape.
        #expect(masked["passportNumber"]?.stringValue == "E1******8")
        #expect(masked["backupPhone"]?.stringValue == "138********78")
    }

    @Test func maskingKeepsMemberOrder() throws {
        let value = try JSONParser.parse(Array(#"{"z": "13800005678", "a": 1, "m": ["x"]}"#.utf8))
        #expect(Privacy.maskPersonalData(value).serialized(sortedKeys: false) == #"{"z":"138******78","a":1,"m":["x"]}"#)
    }

    @Test func maskingJSONText() {
        #expect(Privacy.maskPersonalData(inJSON: #"{"id": "23010920170101000X"}"#) == #"{"id":"23****************"}"#)
        #expect(Privacy.maskPersonalData(inJSON: #"{"id": "23010920170101000X""#) == nil)
    }

    @Test func maskedIDsKeepNeitherBirthDateNorCheckCharacter() {
        #expect(Privacy.maskIDNumber("23010920170101000X") == "23****************")
        #expect(Privacy.maskIDNumber("230109170101001") == "23*************")
        #expect(Privacy.maskIDNumber("E12345678") == "E1******8")
        #expect(Privacy.maskIDNumber("AB") == "**")
        #expect(Privacy.maskPhone("13800005678") == "138******78")
        #expect(Privacy.maskPhone("1234567") == "*******")
        #expect(Privacy.maskDate("2017-01-01") == "2017-**-**")
    }

    @Test func freeTextMasksNumbersInsideWordsAndLeavesOtherNumbers() {
        #expect(Privacy.maskText("证件号码23010920170101000X与户口簿不一致") == "证件号码23****************与户口簿不一致")
        #expect(Privacy.maskText("ID 23010920170101000X, phone 13800005678.") == "ID 23****************, phone 138******78.")
        #expect(Privacy.maskText("passport E12345678 expired") == "passport E1******8 expired")
        // Collection numbers, key IDs, digests and dates stay readable.
        let kept = "same child as 24000001, key 0123456789abcdef, 2024-05-01"
        #expect(Privacy.maskText(kept) == kept)
    }
}
