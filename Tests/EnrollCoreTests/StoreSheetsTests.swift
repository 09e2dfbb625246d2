import Foundation
import Testing

@testable import EnrollCore

/// What the spreadsheets read from and write to the store, on every backend: the school list
/// imported in one transaction, and the export streamed in batches with its filters.
@Suite("Store: school-list import and streamed export (every backend)")
struct StoreSheetsTests {
    static func school(_ name: String, phone: String = "0451-80000001") -> SchoolInfo {
        SchoolInfo(name: name, district: "南岗区", address: "测试路 1 号", contact: "王老师", phone: phone)
    }

    @Test(arguments: StoreBackendKind.allCases) func aSchoolListReplacesOrMergesAllOrNothing(backend: StoreBackendKind) throws {
        let dir = TemporaryDirectory()
        let store = try DistrictFixture(dir, backend: backend).store
        try store.addSchool(Self.school("甲小学"), actor: "t")
        try store.addSchool(Self.school("乙小学"), actor: "t")

        let merged = try store.importSchools([Self.school("乙小学", phone: "0451-80000009"), Self.school("丙小学")], replacing: false, actor: "t")
        #expect(merged == SchoolImportCounts(added: 1, updated: 1, removed: 0))
        #expect(try store.schools().map(\.name) == ["丙小学", "乙小学", "甲小学"].sorted())
        #expect(try store.schools().first { $0.name == "乙小学" }?.phone == "0451-80000009")

        let replaced = try store.importSchools([Self.school("丙小学"), Self.school("丁小学")], replacing: true, actor: "t")
        #expect(replaced == SchoolImportCounts(added: 1, updated: 1, removed: 2))
        #expect(try store.schools().map(\.name) == ["丁小学", "丙小学"].sorted())

        // A list naming a school twice changes nothing: not the list, not the log.
        let before = try store.events().count
        #expect(thrownCodes { _ = try store.importSchools([Self.school("戊小学"), Self.school("戊小学")], replacing: true, actor: "t") } == ["schools.duplicate"])
        #expect(try store.schools().map(\.name) == ["丁小学", "丙小学"].sorted())
        #expect(try store.events().count == before)
        let imports = try store.events().filter { $0.action == .schoolsImport }.map(\.detail)
        #expect(imports.map { $0["mode"] } == ["merge", "replace"])
        #expect(imports.last?["removed"] == "2")
    }

    @Test(arguments: StoreBackendKind.allCases) func theExportStreamsEveryApplicationInOrderWithItsFilters(backend: StoreBackendKind) throws {
        let dir = TemporaryDirectory()
        let district = try DistrictFixture(dir, backend: backend)
        let samples = ["harbin-public-primary-2024-000001", "beijing-local-primary-2024-000001", "beijing-nonlocal-primary-2025-000001"]
        for (index, sample) in samples.enumerated() {
            try district.importing(try district.application("app-\(index)", from: sample))
        }
        let all = try district.store.exportRows()
        #expect(all.count == 3)
        var streamed: [ExportRow] = []
        try district.store.forEachExportRow { streamed.append($0) }
        #expect(streamed.map(\.summary.collectionNumber) == all.map(\.summary.collectionNumber))
        #expect(streamed.map(\.summary.collectionNumber) == streamed.map(\.summary.collectionNumber).sorted())
        #expect(streamed.allSatisfy { $0.data != nil }, "every row carries its form data")

        let rejected = try #require(all.first { $0.summary.form == "beijing-local-primary-2024" })
        try district.store.review(.reject, rejected.summary.collectionNumber, reasons: ["照片不清晰"], reviewer: "t")
        var onlyRejected: [String] = []
        try district.store.forEachExportRow(ExportQuery(status: .rejected)) { onlyRejected.append($0.summary.collectionNumber) }
        #expect(onlyRejected == [rejected.summary.collectionNumber])
        var onlyHarbin: [String] = []
        try district.store.forEachExportRow(ExportQuery(form: "harbin-public-primary-2024")) { onlyHarbin.append($0.summary.form) }
        #expect(onlyHarbin == ["harbin-public-primary-2024"])

        // The streamed JSON export (what `enroll export json` writes) is the in-memory one's
        // text, masked and not, after a decision with reasons.
        for masked in [false, true] {
            let path = dir.path + "/export-\(masked).json"
            let output = try StreamedOutput(creatingAt: path)
            try ApplicationExport.writeJSON(from: district.store, masked: masked, to: output)
            #expect(!FileManager.default.fileExists(atPath: path), "nothing under the name before commit")
            try output.commit()
            let written = try String(contentsOfFile: path, encoding: .utf8)
            #expect(written == ApplicationExport.json(try district.store.exportRows(), masked: masked))
        }
        let abandoned = dir.path + "/abandoned.json"
        do {
            let output = try StreamedOutput(creatingAt: abandoned)
            try output.write("[")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains("abandoned") }.isEmpty,
                "an output never committed leaves no file, not even its temporary one")

        // An error from the caller stops the reading and comes out as it was thrown.
        struct Stop: Error {}
        var seen = 0
        #expect(throws: Stop.self) {
            try district.store.forEachExportRow { _ in
                seen += 1
                throw Stop()
            }
        }
        #expect(seen == 1)
    }
}
