import DistrictWeb
import EnrollCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SheetKit
import Testing

/// The admin's office work in the desk: importing an archive from the import directory with
/// progress and the report, the status archive, the masked exports.
@Suite struct DeskOfficeTests {
    static let samples = repositoryRoot + "/SampleBundles/keys"

    /// The sample keys copied into the test's directory with the secret keys at mode 0600 (git
    /// keeps only 0644), as signing refuses a key others can read.
    static func keys(in dir: TemporaryDirectory) throws -> String {
        try FileManager.default.copyItem(atPath: samples, toPath: dir("keys"))
        for name in ["sample-station.sec", "sample-district.sec"] {
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: dir("keys/" + name))
        }
        return dir("keys")
    }

    /// Waits for an import job's page to show its report.
    static func waitForReport(_ browser: inout Browser, _ location: String) async throws -> String {
        for _ in 0..<200 {
            let text = try await browser.get(location).text
            if text.contains("id=\"import-report\"") || text.contains("role=\"alert\"") { return text }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("the import did not finish")
        return ""
    }

    @Test func anAdminImportsAnArchiveFromTheImportDirectorySeesTheReportAndExportsStatus() async throws {
        let dir = TemporaryDirectory()
        let keys = try Self.keys(in: dir)
        let storePath = dir("store")
        let store = try DistrictStore(directory: storePath)
        try store.addAccount("wang.admin", role: .admin, password: DeskFixture.password, actor: "setup", cost: 4)
        try FileManager.default.createDirectory(atPath: dir("usb"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir("out"), withIntermediateDirectories: true)
        let packed = try DeskFixture.runCLI(
            ["pack", "--key", keys + "/sample-station.sec", "--out", dir("usb/day-1.tar.zst"),
             repositoryRoot + "/SampleBundles/valid/harbin-public-primary-2024-000001", repositoryRoot + "/SampleBundles/valid/harbin-public-primary-2024-000002"])
        #expect(packed.status == 0, "\(packed.output)")
        try "not an archive".write(toFile: dir("usb/notes.txt"), atomically: true, encoding: .utf8)

        var configuration = DeskConfiguration(storeLocation: storePath, catalog: DeskFixture.catalog)
        configuration.office = .init(
            importDirectory: dir("usb"), outputDirectory: dir("out"), districtKey: try KeyFiles.signer(keyFile: keys + "/sample-district.sec").key,
            districtName: "sample-district", identities: nil)
        let app = Application(router: ReviewDesk.router(configuration: configuration))
        try await app.test(.router) { client in
            var admin = Browser(client)
            _ = try await admin.signIn("wang.admin")
            let office = try await admin.get("/admin/office")
            #expect(office.status == .ok && office.text.contains("day-1.tar.zst") && !office.text.contains("notes.txt"))
            // Only a listed name: a path is refused.
            let traversal = try await admin.post("/admin/office/import", [("archive", "../store/district.sqlite")])
            #expect(traversal.status == .badRequest)

            // The station's key is not trusted yet: every bundle is quarantined with its reason.
            let started = try await admin.post("/admin/office/import", [("archive", "day-1.tar.zst")])
            #expect(started.status == .seeOther)
            let report = try await Self.waitForReport(&admin, try #require(started.headers[.location]))
            #expect(report.contains("quarantined: 2") && report.contains("sig.untrusted-key"))

            try store.trust(try SignifyPublicKey(contentsOf: keys + "/sample-station.pub"), station: "sample-station", actor: "wang.admin", note: "test")
            let again = try await admin.post("/admin/office/import", [("archive", "day-1.tar.zst")])
            let second = try await Self.waitForReport(&admin, try #require(again.headers[.location]))
            #expect(second.contains("new: 2") && second.contains("已处理 2 个"))

            let exported = try await admin.post("/admin/office/status-export", [("station", "sample-station")])
            #expect(exported.status == .ok && exported.text.contains(": 2</p>"))
            let unknownStation = try await admin.post("/admin/office/status-export", [("station", "../../etc")])
            #expect(unknownStation.status == .badRequest)

            let csv = try await admin.get("/admin/exports/applications.csv")
            #expect(csv.status == .ok && csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            #expect(csv.text.split(whereSeparator: \.isNewline).count == 3)

            // The spreadsheet export: the workbook `enroll export xlsx --mask` writes, masked.
            let xlsx = try await admin.get("/admin/exports/applications.xlsx")
            #expect(xlsx.status == .ok)
            #expect(xlsx.headers[.contentType] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            #expect(xlsx.headers[.cacheControl] == "no-store")
            let workbook = dir("applications.xlsx")
            try Data(xlsx.body.readableBytesView).write(to: URL(fileURLWithPath: workbook))
            let reader = try XLSXReader(path: workbook)
            var rows = 0
            var cells: [String] = []
            for sheet in reader.sheetNames {
                try reader.forEachRow(of: sheet) { row in
                    if row.number > 1 { rows += 1 }
                    cells += row.cells.values.map { "\($0)" }
                }
            }
            #expect(rows == 2, "one row per application")
            #expect(!cells.isEmpty && !cells.contains { $0.contains(/[0-9]{17}[0-9X]/) }, "no full ID number in the masked workbook")
        }
        let written = try FileManager.default.contentsOfDirectory(atPath: dir("out"))
        #expect(written.count == 1 && written[0].hasPrefix("status-sample-station-") && written[0].hasSuffix(".tar.zst"))
        let events = try store.events()
        #expect(events.filter { $0.action == .importRun }.map(\.actor) == ["wang.admin", "wang.admin"])
        #expect(events.filter { $0.action == .statusExport }.map(\.actor) == ["wang.admin"])
        let taken = try DeskFixture.runCLI(["status", "import", dir("out/" + written[0]), "--station-dir", dir("station"), "--trust", keys + "/trust"])
        #expect(taken.status == 0, "\(taken.output)")
    }
}
