import Foundation
import Testing

@testable import EnrollCore

@Suite("Import report output")
struct ImportReportOutputTests {
    static func item(_ outcome: ImportReport.Outcome, _ source: String, flags: [ReviewFlag] = [], diagnostics: [Diagnostic] = []) -> ImportReport.Item {
        ImportReport.Item(
            source: source, applicationID: outcome == .quarantined ? nil : "0c2f9a1b-0000-4000-8000-000000000001", revision: 1,
            outcome: outcome, collectionNumber: outcome == .quarantined ? nil : "24000001", flags: flags, diagnostics: diagnostics)
    }

    @Test func streamedJSONIsOneDocument() throws {
        var report = ImportReport()
        var stream = ImportJSONStream(language: .en)
        var lines: [String] = []
        let untrusted = Diagnostic.error("sig.untrusted-key", Location(file: "day/b2"), zh: "不受信任的密钥", en: "untrusted key")
        for item in [Self.item(.new, "day/b1", flags: ["phone-quota"]), Self.item(.quarantined, "day/b2", diagnostics: [untrusted])] {
            report.record(item, keep: false)
            lines.append(try stream.line(for: item))
        }
        report.archiveProblems = [.warning("archive.extra-file", Location(entry: "day/x"), zh: "多余文件", en: "extra file")]
        lines.append(try stream.closing(report))
        #expect(lines.allSatisfy { !$0.hasSuffix("\n") })
        let document = try JSONSerialization.jsonObject(with: Data(lines.joined(separator: "\n").utf8)) as! [String: Any]
        let items = document["items"] as! [[String: Any]]
        #expect(items.map { $0["source"] as? String } == ["day/b1", "day/b2"])
        #expect(items[0]["flags"] as? [String] == ["phone-quota"])
        #expect(items[0]["collectionNumber"] as? String == "24000001")
        #expect(items[1]["outcome"] as? String == "quarantined")
        #expect(((items[1]["reasons"] as? [[String: Any]])?.first?["code"]) as? String == "sig.untrusted-key")
        #expect(document["summary"] as? [String: Int] == ["new": 1, "updated": 0, "unchanged": 0, "conflict": 0, "held": 0, "quarantined": 1, "refused": 0])
        #expect(((document["archiveProblems"] as? [[String: Any]])?.first?["code"]) as? String == "archive.extra-file")
    }

    @Test func streamedJSONWithoutItemsIsStillADocument() throws {
        let closing = try ImportJSONStream(language: .zh).closing(ImportReport())
        let document = try JSONSerialization.jsonObject(with: Data(closing.utf8)) as! [String: Any]
        #expect((document["items"] as? [Any])?.isEmpty == true)
        #expect((document["summary"] as? [String: Int])?["new"] == 0)
    }

    @Test func textLines() {
        #expect(ImportText.line(Self.item(.new, "day.tar.zst:day/bundles/b1", flags: ["phone-quota", "duplicate-child"]))
            == "new         24000001  0c2f9a1b  r1  day.tar.zst:day/bundles/b1  [phone-quota, duplicate-child]")
        #expect(ImportText.line(Self.item(.quarantined, "b2")) == "quarantined --------  -  r1  b2")
        var report = ImportReport()
        report.record(Self.item(.new, "b1"), keep: false)
        report.record(Self.item(.new, "b3"), keep: false)
        report.record(Self.item(.quarantined, "b2"), keep: false)
        #expect(ImportText.summary(report, .en) == "Import finished: new 2, updated 0, unchanged 0, conflict 0, held 0, quarantined 1, refused 0.")
        #expect(ImportText.summary(report, .zh) == "导入完成：新增 2，更新 0，未变 0，冲突 0，待审修改 0，隔离 1，拒绝 0。")
    }
}
