import Foundation
import JSONSchema
import Testing

@testable import EnrollCore

@Suite("Application exports")
struct ExportTests {
    /// An export row as the store gives it (generated data, never a real person's).
    static func row(_ number: String, status: String = "received", reasons: [String] = [], data: String?) throws -> ExportRow {
        let summary = try JSONDecoder().decode(ApplicationSummary.self, from: Data("""
            {"applicationId": "0c2f9a1b-0000-4000-8000-00000000000\(number.suffix(1))", "collectionNumber": "\(number)",
             "form": "harbin-public-primary-2024", "status": "\(status)", "revision": 1, "station": "st1",
             "reasons": \(String(decoding: try JSONSerialization.data(withJSONObject: reasons), as: UTF8.self)),
             "flags": [], "updatedAt": "2024-05-01T08:00:00Z"}
            """.utf8))
        return ExportRow(summary: summary, data: try data.map { try JSONParser.parse(Array($0.utf8)) })
    }

    @Test(arguments: [
        ("plain", "plain"),
        ("a,b", #""a,b""#),
        (#"say "hi""#, #""say ""hi""""#),
        ("two\nlines", "\"two\nlines\""),
        ("cr\rhere", "\"cr\rhere\""),
        ("=1+2", #""'=1+2""#),
        ("+86 138", #""'+86 138""#),
        ("-5", #""'-5""#),
        ("@SUM(A1)", #""'@SUM(A1)""#),
        ("a=b", "a=b"),
        ("", ""),
        ("张三", "张三"),
    ])
    func csvFieldsAreQuotedAndFormulasDefused(cell: String, field: String) {
        #expect(ApplicationExport.csvField(cell) == field)
    }

    @Test func csvHasBOMCRLFSummaryAndDataColumns() throws {
        let rows = [
            try Self.row("24000001", data: #"{"student": {"name": "测试", "idNumber": "23010920170101000X"}, "guardians": [{"phone": "13800005678"}], "single": true}"#),
            try Self.row("24000002", status: "rejected", reasons: ["照片不清晰", "地址, 不全"], data: #"{"student": {"name": "=cmd()"}, "extra": null}"#),
        ]
        let csv = ApplicationExport.csv(rows, masked: true)
        #expect(csv.hasPrefix("\u{FEFF}"))
        #expect(csv.hasSuffix("\r\n"))
        let lines = csv.dropFirst().components(separatedBy: "\r\n")
        #expect(lines.count == 4 && lines[3].isEmpty)
        let header = lines[0].split(separator: ",").map(String.init)
        #expect(Array(header.prefix(9)) == ApplicationExport.summaryColumns)
        // Data columns in first-seen order, sorted within each row.
        #expect(Array(header.dropFirst(9)) == ["guardians[0].phone", "single", "student.idNumber", "student.name", "extra"])
        #expect(lines[1] == "0c2f9a1b-0000-4000-8000-000000000001,1,received,24000001,harbin-public-primary-2024,st1,,,,138******78,是,23****************,测试,")
        #expect(lines[2] == #"0c2f9a1b-0000-4000-8000-000000000002,1,rejected,24000002,harbin-public-primary-2024,st1,,"照片不清晰; 地址, 不全",,,,,"'=cmd()","#)
        let unmasked = ApplicationExport.csv(rows, masked: false)
        #expect(unmasked.contains("23010920170101000X"))
        #expect(unmasked.contains("13800005678"))
    }

    @Test func jsonIsAnArrayOfSummariesWithData() throws {
        let rows = [try Self.row("24000001", data: #"{"student": {"name": "测试", "idNumber": "23010920170101000X"}}"#), try Self.row("24000002", data: nil)]
        let text = ApplicationExport.json(rows, masked: true)
        #expect(text.hasSuffix("]\n"))
        let array = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [[String: Any]]
        #expect(array.count == 2)
        #expect(Set(array[0].keys) == Set(ApplicationExport.summaryColumns + ["data"]))
        #expect(array[0]["revision"] as? Int == 1)
        #expect(array[0]["school"] is NSNull)
        #expect(((array[0]["data"] as? [String: Any])?["student"] as? [String: String])?["idNumber"] == "23****************")
        #expect(array[1]["data"] is NSNull)
        #expect(ApplicationExport.json(rows, masked: false).contains("23010920170101000X"))
        #expect(ApplicationExport.json([], masked: false) == "[]\n")
    }
}
