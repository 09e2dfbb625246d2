import Foundation
import JSONSchema
import SheetKit
import Testing

@testable import EnrollCore

/// A district store with real-form applications (generated sample data): three Harbin, one
/// Beijing; the first Harbin one admitted to 测试第一小学, the second rejected.
struct SpreadsheetFixture {
    let district: DistrictFixture
    /// Collection numbers: the Harbin ones in order, then the Beijing one.
    let harbin: [String]
    let beijing: String
    static let school = "测试第一小学"

    init(_ dir: TemporaryDirectory) throws {
        district = try DistrictFixture(dir)
        let paths = try [
            district.application("h1", from: "harbin-public-primary-2024-000001"),
            district.application("h2", from: "harbin-public-primary-2024-000002"),
            district.application("h3", from: "harbin-public-primary-2024-000003"),
            district.application("b1", from: "beijing-local-primary-2024-000001"),
        ]
        try district.importer().importPaths(paths)
        let all = try district.store.applications()
        harbin = all.filter { $0.form == "harbin-public-primary-2024" }.map(\.collectionNumber)
        beijing = try #require(all.first { $0.form == "beijing-local-primary-2024" }).collectionNumber
        try #require(harbin.count == 3)
        try district.store.review(.verify, harbin[0], reviewer: "clerk")
        try district.store.review(.admit, harbin[0], school: Self.school, reviewer: "clerk")
        try district.store.review(.reject, harbin[1], reasons: ["照片不清晰"], reviewer: "clerk")
    }

    /// The current form data of an application.
    func data(_ number: String) throws -> JSONValue {
        let detail = try district.store.detail(number)
        return try JSONParser.parse(Array(try #require(detail.formJSON).utf8))
    }
}

/// Every row of a sheet, read back with SheetKit.
func sheetRows(_ path: String, _ sheet: String) throws -> [SheetRow] {
    let workbook = try XLSXReader(path: path)
    var rows: [SheetRow] = []
    try workbook.forEachRow(of: sheet) { rows.append($0) }
    return rows
}

/// The header texts of a sheet's first row, by column.
func headerTexts(_ row: SheetRow) -> [String] {
    row.cells.sorted { $0.key < $1.key }.map { if case .text(let text) = $0.value { text } else { "" } }
}

@Suite("Spreadsheet export (enroll export xlsx)")
struct ApplicationWorkbookTests {
    static let harbinForm = "harbin-public-primary-2024"

    @Test("one sheet per form headed with its labels: the collection number first, IDs as text, dates as dates; admitted per school")
    func sheetsColumnsAndTypes() throws {
        let dir = try TemporaryDirectory()
        let fixture = try SpreadsheetFixture(dir)
        let catalog = fixture.district.catalog
        let out = dir("apps.xlsx")
        let sheets = try ApplicationWorkbook.write(from: fixture.district.store, catalog: catalog, to: out)

        let harbin = try catalog.form(Self.harbinForm)
        let beijing = try catalog.form("beijing-local-primary-2024")
        let admitted = "录取 " + SpreadsheetFixture.school
        // Sheets come in the catalog's order (form ids, sorted); forms without applications have none.
        #expect(sheets == [
            .init(name: beijing.label.zh, rows: 1), .init(name: harbin.label.zh, rows: 3), .init(name: admitted, rows: 1),
        ])
        #expect(try XLSXReader(path: out).sheetNames == [beijing.label.zh, harbin.label.zh, admitted])

        let rows = try sheetRows(out, harbin.label.zh)
        #expect(rows.count == 4)
        let header = headerTexts(rows[0])
        #expect(Array(header.prefix(6)) == ["采集编号", "状态", "采集点", "录取学校", "驳回原因", "标记"])
        #expect(Array(header.suffix(2)) == ["申请编号", "版本"])
        let idHeader = "\(try #require(harbin.label(at: JSONPointer(tokens: ["student"]))).zh) › \(try #require(harbin.label(at: JSONPointer(tokens: ["student", "idNumber"]))).zh)"
        let birthHeader = "\(try #require(harbin.label(at: JSONPointer(tokens: ["student"]))).zh) › \(try #require(harbin.label(at: JSONPointer(tokens: ["student", "birthDate"]))).zh)"
        let idColumn = try #require(header.firstIndex(of: idHeader), "\(header)")
        let birthColumn = try #require(header.firstIndex(of: birthHeader), "\(header)")
        #expect(header.count == Set(header).count, "every header names one column: \(header)")

        for (offset, number) in fixture.harbin.enumerated() {
            let row = rows[offset + 1]
            #expect(row[0] == .text(number))
            let data = try fixture.data(number)
            let id = try #require(data["student"]?["idNumber"]?.stringValue)
            #expect(id.count == 18)
            #expect(row[idColumn] == .text(id))
            let birth = try #require(data["student"]?["birthDate"]?.stringValue)
            #expect(row[birthColumn].map { if case .date(let date) = $0 { date.description } else { "not a date: \($0)" } } == birth)
            #expect(row[header.count - 1] == .number(1))
        }
        #expect(rows[1][1] == .text("录取") && rows[1][3] == .text(SpreadsheetFixture.school))
        #expect(rows[2][1] == .text("驳回") && rows[2][4] == .text("照片不清晰"))
        #expect(rows[3][1] == .text("已受理"))

        // Harbin's two residence permits (prefixItems, items false) get a numbered column each.
        #expect(header.contains { $0.contains(" 1 › ") } && header.contains { $0.contains(" 2 › ") }, "\(header)")

        let school = try sheetRows(out, admitted)
        #expect(headerTexts(school[0]) == ["采集编号", "学生姓名", "性别", "证件号码", "出生日期", "表单", "采集点"])
        #expect(school.count == 2)
        #expect(school[1][0] == .text(fixture.harbin[0]))
        #expect(school[1][3] == .text(try #require(try fixture.data(fixture.harbin[0])["student"]?["idNumber"]?.stringValue)))
        #expect(school[1][5] == .text(harbin.label.zh))
    }

    @Test("English headers on request; --status and --form filter; no match still gives a workbook with headers")
    func languageAndFilters() throws {
        let dir = try TemporaryDirectory()
        let fixture = try SpreadsheetFixture(dir)
        let store = fixture.district.store
        let catalog = fixture.district.catalog
        let harbin = try catalog.form(Self.harbinForm)

        let english = try ApplicationWorkbook.write(
            from: store, catalog: catalog, to: dir("en.xlsx"), options: .init(status: .rejected, language: .en))
        // Excel allows 31 characters in a sheet name: a longer English label gives way to the form id.
        #expect(SheetName.problem(with: harbin.label.en) != nil, "the label is too long to be a sheet name: \(harbin.label.en)")
        #expect(english == [.init(name: harbin.id, rows: 1)], "no admitted sheet when only rejected ones are asked for")
        let rows = try sheetRows(dir("en.xlsx"), harbin.id)
        #expect(Array(headerTexts(rows[0]).prefix(2)) == ["Collection number", "Status"])
        #expect(rows[1][0] == .text(fixture.harbin[1]) && rows[1][1] == .text("rejected"))

        let admittedOnly = try ApplicationWorkbook.write(
            from: store, catalog: catalog, to: dir("admitted.xlsx"), options: .init(status: .admitted, form: Self.harbinForm))
        #expect(admittedOnly == [.init(name: harbin.label.zh, rows: 1), .init(name: "录取 " + SpreadsheetFixture.school, rows: 1)])

        let none = try ApplicationWorkbook.write(
            from: store, catalog: catalog, to: dir("none.xlsx"), options: .init(status: .withdrawn, form: Self.harbinForm))
        #expect(none == [.init(name: harbin.label.zh, rows: 0)])
        let empty = try sheetRows(dir("none.xlsx"), harbin.label.zh)
        #expect(empty.count == 1 && headerTexts(empty[0]).first == "采集编号")
    }

    @Test("--mask masks ID numbers, phones and dates everywhere; dates masked to the year become text")
    func masking() throws {
        let dir = try TemporaryDirectory()
        let fixture = try SpreadsheetFixture(dir)
        let out = dir("masked.xlsx")
        try ApplicationWorkbook.write(from: fixture.district.store, catalog: fixture.district.catalog, to: out, options: .init(masked: true))
        var secrets: [String] = []
        for number in fixture.harbin + [fixture.beijing] {
            let data = try fixture.data(number)
            secrets.append(try #require(data["student"]?["idNumber"]?.stringValue))
        }
        let workbook = try XLSXReader(path: out)
        var texts: [String] = []
        var dates = 0
        for sheet in workbook.sheetNames {
            try workbook.forEachRow(of: sheet) { row in
                for value in row.cells.values {
                    switch value {
                    case .text(let text): texts.append(text)
                    case .date: dates += 1
                    default: break
                    }
                }
            }
        }
        #expect(dates == 0, "a masked date is no longer a date")
        for secret in secrets {
            #expect(!texts.contains { $0.contains(secret) }, "ID \(secret.prefix(6))… appears unmasked")
            #expect(texts.contains(String(secret.prefix(2)) + String(repeating: "*", count: 16)))
        }
    }

    @Test("an existing output file is never replaced; an unknown form is named")
    func refusals() throws {
        let dir = try TemporaryDirectory()
        let fixture = try SpreadsheetFixture(dir)
        try write(dir("taken.xlsx"), "keep me")
        #expect(thrownCodes { try ApplicationWorkbook.write(from: fixture.district.store, catalog: fixture.district.catalog, to: dir("taken.xlsx")) } == ["io.exists"])
        #expect(try read(dir("taken.xlsx")) == "keep me")
        #expect(thrownCodes {
            try ApplicationWorkbook.write(from: fixture.district.store, catalog: fixture.district.catalog, to: dir("x.xlsx"), options: .init(form: "no-such-form"))
        } == ["form.unknown"])
        #expect(!FileManager.default.fileExists(atPath: dir("x.xlsx")))
    }

    @Test("forEachExportRow streams what exportRows returns, in order and across batch boundaries, with its filters")
    func streaming() throws {
        let dir = try TemporaryDirectory()
        let fixture = try SpreadsheetFixture(dir)
        let store = fixture.district.store
        let backend = try #require(store.backend as? SQLiteBackend)
        let all = try store.exportRows()
        for batchSize in [1, 2, 3, 500] {
            var streamed: [ExportRow] = []
            try backend.forEachExportRow(ExportQuery(), batchSize: batchSize) { streamed.append($0) }
            #expect(streamed.map(\.summary) == all.map(\.summary), "batch size \(batchSize)")
            #expect(streamed.map { $0.data?.serialized(sortedKeys: true) } == all.map { $0.data?.serialized(sortedKeys: true) })
        }
        func numbers(_ query: ExportQuery) throws -> [String] {
            var found: [String] = []
            try store.forEachExportRow(query) { found.append($0.summary.collectionNumber) }
            return found
        }
        #expect(try numbers(ExportQuery(form: Self.harbinForm)) == fixture.harbin)
        #expect(try numbers(ExportQuery(status: .admitted)) == [fixture.harbin[0]])
        #expect(try numbers(ExportQuery(school: SpreadsheetFixture.school)) == [fixture.harbin[0]])
        #expect(try numbers(ExportQuery(status: .received, form: "beijing-local-primary-2024")) == [fixture.beijing])

        struct Stop: Error {}
        var seen = 0
        #expect(throws: Stop.self) {
            try store.forEachExportRow(ExportQuery()) { _ in
                seen += 1
                throw Stop()
            }
        }
        #expect(seen == 1, "the body's error ends the reading")
    }
}

@Suite("School list spreadsheets (enroll schools import|export)")
struct SchoolListSheetTests {
    /// Writes a workbook with one sheet `学校` of the given header and rows.
    static func workbook(_ path: String, header: [String], rows: [[Cell]], sheet: String = "学校") throws {
        let writer = try XLSXWriter(creatingAt: path)
        try writer.addSheet(name: sheet, columns: header.map { SheetColumn($0) })
        for row in rows { try writer.appendRow(row) }
        try writer.commit()
    }

    /// Fake schools (no real contacts).
    static let schools = [
        SchoolInfo(name: "测试第一小学", district: "测试区", address: "测试路1号", contact: "王老师", phone: "0451-00000001"),
        SchoolInfo(name: "测试第二小学", district: nil, address: "测试路2号", contact: "李老师", phone: "13800000002"),
    ]

    /// The error `SchoolListSheet.read` throws: its one diagnostic's code and location.
    static func failure(_ path: String) throws -> (code: String, entry: String?, en: String, zh: String) {
        do {
            _ = try SchoolListSheet.read(path)
        } catch let error as EnrollError {
            let diagnostic = try #require(error.diagnostics.first)
            #expect(error.diagnostics.count == 1)
            #expect(diagnostic.location.file == path)
            return (diagnostic.code.rawValue, diagnostic.location.entry, diagnostic.message.en, diagnostic.message.zh)
        }
        Issue.record("the sheet was accepted")
        return ("", nil, "", "")
    }

    @Test("headers are found by name in any order, other columns ignored, blank rows skipped, cells trimmed")
    func readsAnyColumnOrder() throws {
        let dir = try TemporaryDirectory()
        let path = dir("schools.xlsx")
        try Self.workbook(path, header: ["学校联系电话", "备注", "学校名称", "学校地址", "所属区", "学校负责人"], rows: [
            [.text("0451-00000001"), .text("x"), .text(" 测试第一小学 "), .text("测试路1号"), .text("测试区"), .text("王老师")],
            [],
            [.text("13800000002"), .empty, .text("测试第二小学"), .text("测试路2号"), .empty, .text("李老师")],
        ])
        #expect(try SchoolListSheet.read(path) == Self.schools)
    }

    @Test("export writes what import reads back")
    func roundTrip() throws {
        let dir = try TemporaryDirectory()
        try SchoolListSheet.write(Self.schools, to: dir("out.xlsx"))
        #expect(try SchoolListSheet.read(dir("out.xlsx")) == Self.schools)
        #expect(thrownCodes { try SchoolListSheet.write(Self.schools, to: dir("out.xlsx")) } == ["io.exists"])
    }

    static let header = ["学校名称", "所属区", "学校联系电话", "学校地址", "学校负责人"]
    static func good(_ index: Int) -> [Cell] {
        [.text("测试小学\(index)"), .text("测试区"), .text("1380000\(String(format: "%04d", index))"), .text("测试路\(index)号"), .text("张老师")]
    }

    @Test("a missing column, an empty name, a duplicate school or a cell that is not text is located at its sheet and cell")
    func locatedErrors() throws {
        let dir = try TemporaryDirectory()

        try Self.workbook(dir("missing.xlsx"), header: ["学校名称", "学校地址", "学校负责人"], rows: [])
        let missing = try Self.failure(dir("missing.xlsx"))
        #expect(missing.code == "sheet.missing-column" && missing.entry == "学校")
        #expect(missing.zh.contains("“所属区”") && missing.zh.contains("“学校联系电话”") && missing.en.contains("学校联系电话"))

        var rows = (1...4).map(Self.good)
        rows[2][0] = .text("  ")
        try Self.workbook(dir("empty.xlsx"), header: Self.header, rows: rows)
        let empty = try Self.failure(dir("empty.xlsx"))
        #expect(empty.code == "sheet.empty-cell" && empty.entry == "学校!A4", "\(empty)")
        #expect(empty.en.contains("cell A4") && empty.zh.contains("单元格 A4"))

        rows = (1...5).map(Self.good)
        rows[4][0] = .text("测试小学2")
        try Self.workbook(dir("duplicate.xlsx"), header: Self.header, rows: rows)
        let duplicate = try Self.failure(dir("duplicate.xlsx"))
        #expect(duplicate.code == "sheet.duplicate-value" && duplicate.entry == "学校!A6", "\(duplicate)")
        #expect(duplicate.en.contains("A3"), "names the first occurrence: \(duplicate.en)")

        rows = (1...6).map(Self.good)
        rows[5][2] = .number(13_800_000_006)
        try Self.workbook(dir("number.xlsx"), header: Self.header, rows: rows)
        let number = try Self.failure(dir("number.xlsx"))
        #expect(number.code == "sheet.not-text" && number.entry == "学校!C7", "\(number)")
        #expect(number.zh.contains("工作表“学校”单元格 C7") && number.zh.contains("文本"))

        try Self.workbook(dir("nothing.xlsx"), header: ["学校名称"], rows: [], sheet: "空")
        #expect(try Self.failure(dir("nothing.xlsx")).code == "sheet.missing-column")
        try write(dir("text.xlsx"), "学校名称,所属区\n")
        #expect(try Self.failure(dir("text.xlsx")).code == "sheet.archive")
    }

    @Test("importing replaces or merges the list in one transaction; a failing import changes nothing")
    func storeImport() throws {
        let dir = try TemporaryDirectory()
        let store = try DistrictStore(directory: dir("store"))
        try store.addSchool(SchoolInfo(name: "旧学校", address: "旧路", contact: "赵老师", phone: "13800000009"), actor: "t")
        try store.addSchool(SchoolInfo(name: "测试第一小学", address: "旧址", contact: "钱老师", phone: "13800000008"), actor: "t")

        let merged = try store.importSchools(Self.schools, replacing: false, actor: "t")
        #expect(merged == SchoolImportCounts(added: 1, updated: 1, removed: 0))
        #expect(try store.schools().map(\.name) == ["旧学校", "测试第一小学", "测试第二小学"].sorted())
        #expect(try store.schools().first { $0.name == "测试第一小学" } == Self.schools[0])

        let replaced = try store.importSchools([Self.schools[1]], replacing: true, actor: "t")
        #expect(replaced == SchoolImportCounts(added: 0, updated: 1, removed: 2))
        #expect(try store.schools() == [Self.schools[1]])

        // A name twice: refused after the removals and the first insert, which roll back.
        let before = try store.schools()
        let events = try store.events().count
        #expect(thrownCodes { try store.importSchools([Self.schools[0], Self.schools[0]], replacing: true, actor: "t") } == ["schools.duplicate"])
        #expect(try store.schools() == before)
        #expect(try store.events().count == events)
        #expect(try store.events().last?.action == .schoolsImport)
    }
}
