import Testing

@testable import SheetKit

/// Workbooks written by another program: openpyxl, generated here (no committed binaries).
@Suite("XLSXReader on workbooks written by openpyxl")
struct OpenpyxlWorkbookTests {
    /// Writes a schools sheet with openpyxl, columns in an unusual order, then rewrites
    /// columns B and C as shared strings (one of them rich text with a phonetic run), as
    /// Excel would store them; column A stays inline strings as openpyxl writes them.
    /// openpyxl puts `[Content_Types].xml` last, after the parts it describes.
    static let schoolsScript = """
        import datetime, re, sys, zipfile, openpyxl
        from xml.sax.saxutils import escape
        path = sys.argv[1]
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "学校"
        ws.append(["地址", "学校代码", "学校名称", "成立日期", "学生数", "备注"])
        ws.append(["哈尔滨市道里区", "2301020001", "第一小学", datetime.date(1950, 9, 1), 1200, None])
        ws.append(["", "2301020002", "第二小学", datetime.datetime(1960, 9, 1, 8, 0), "=E2+1", "公式"])
        ws.append(["南岗区", 2301020003, "第三小学", None, 800, None])
        ws.append(["香坊区", "2301020004", "  ", None, 10, None])
        other = wb.create_sheet("说明")
        other["A1"] = "填写说明"
        wb.save(path + ".tmp")

        source = zipfile.ZipFile(path + ".tmp")
        sheet = source.read("xl/worksheets/sheet1.xml").decode()
        strings = []
        def share(match):
            ref, text = match.group(1), match.group(2)
            if ref[0] not in "BC":
                return match.group(0)
            strings.append(text)
            return '<c r="%s" t="s"><v>%d</v></c>' % (ref, len(strings) - 1)
        sheet = re.sub(r'<c r="([A-Z]+[0-9]+)" t="inlineStr"><is><t[^>]*>([^<]*)</t></is></c>', share, sheet)
        items = []
        for text in strings:
            if text == "第一小学":
                items.append('<si><r><rPr><b/></rPr><t>第一</t></r><r><t>小学</t></r>'
                             '<rPh sb="0" eb="2"><t>だいいち</t></rPh><phoneticPr fontId="1"/></si>')
            else:
                items.append('<si><t xml:space="preserve">%s</t></si>' % text)
        sst = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
               '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">%s</sst>'
               % (len(items), len(items), "".join(items)))
        target = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED)
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = sheet.encode()
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>",
                    b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"'
                    b' Target="sharedStrings.xml" Id="rIdS" /></Relationships>')
            elif info.filename == "[Content_Types].xml":
                target.writestr("xl/sharedStrings.xml", sst)
                data = data.replace(b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" '
                    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml" /></Types>')
            target.writestr(info.filename, data)
        target.close()
        print(len(strings))
        """

    static func makeSchools(_ directory: TemporaryDirectory) throws -> String {
        let path = directory.file("schools.xlsx")
        let shared = try runPython(Self.schoolsScript, [path])
        #expect(shared.trimmingWhitespace() == "9", "the texts of columns B and C became shared strings")
        return path
    }

    @Test("sheets are found by name; shared, rich and inline strings, dates, numbers and formulas come back typed")
    func readsOpenpyxl() throws {
        let directory = try TemporaryDirectory()
        let path = try Self.makeSchools(directory)
        let workbook = try XLSXReader(path: path)
        #expect(workbook.sheetNames == ["学校", "说明"])
        #expect(workbook.sheets[0].part == "xl/worksheets/sheet1.xml")

        let rows = try allRows(path, sheet: "学校")
        #expect(rows.count == 5)
        #expect(rows[1][0] == .text("哈尔滨市道里区"), "inline string")
        #expect(rows[1][1] == .text("2301020001"), "shared string")
        #expect(rows[1][2] == .text("第一小学"), "rich text runs joined, the phonetic run left out")
        #expect(rows[1][3] == .date(SheetDate(year: 1950, month: 9, day: 1)))
        #expect(rows[1][4] == .number(1200))
        #expect(rows[1][5] == nil)
        #expect(rows[2][0] == nil, "an empty inline string is an empty cell")
        #expect(rows[2][3] == .date(SheetDate(year: 1960, month: 9, day: 1, hour: 8)))
        #expect(rows[2][4] == .formula("E2+1", cached: nil))
        #expect(rows[3][1] == .number(2_301_020_003))
        #expect(try allRows(path, sheet: "说明").first?[0] == .text("填写说明"))
    }

    @Test("headers are found by name in any order; bad cells get located errors")
    func headerByName() throws {
        let directory = try TemporaryDirectory()
        let path = try Self.makeSchools(directory)
        let rows = try allRows(path, sheet: "学校")
        let header = try SheetHeader(rows[0], required: ["学校名称", "学校代码"], optional: ["地址", "不存在的列"])
        #expect(header.columns == ["学校名称": 2, "学校代码": 1, "地址": 0])
        #expect(try header.text("学校名称", in: rows[1]) == "第一小学")
        #expect(try header.text("学校代码", in: rows[2]) == "2301020002")
        #expect(try header.optionalText("地址", in: rows[2]) == nil)
        #expect(try header.optionalText("不存在的列", in: rows[1]) == nil)

        let number = #expect(throws: SheetError.self) { try header.text("学校代码", in: rows[3]) }
        guard case .notText(sheet: "学校", cell: CellRef("B4")!, column: "学校代码", found: .number(2_301_020_003)) = number else {
            Issue.record("expected notText at B4, got \(String(describing: number))")
            return
        }
        #expect(number?.en.contains("cell B4") == true)
        #expect(number?.zh.contains("单元格 B4") == true)

        let blank = #expect(throws: SheetError.self) { try header.text("学校名称", in: rows[4]) }
        guard case .emptyCell(sheet: "学校", cell: CellRef("C5")!, column: "学校名称") = blank else {
            Issue.record("expected emptyCell at C5, got \(String(describing: blank))")
            return
        }

        let formulaHeader = try SheetHeader(rows[0], required: ["学生数"])
        let formula = #expect(throws: SheetError.self) { try formulaHeader.text("学生数", in: rows[2]) }
        guard case .notText(sheet: "学校", cell: CellRef("E3")!, column: "学生数", found: .formula("E2+1", cached: nil)) = formula else {
            Issue.record("expected notText for the formula at E3, got \(String(describing: formula))")
            return
        }

        let missing = #expect(throws: SheetError.self) { try SheetHeader(rows[0], required: ["学校名称", "校长", "电话"]) }
        guard case .missingColumns(sheet: "学校", names: ["校长", "电话"]) = missing else {
            Issue.record("expected missingColumns, got \(String(describing: missing))")
            return
        }
    }

    @Test("a duplicate header and a duplicate value are refused at their cells")
    func duplicates() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("duplicates.xlsx")
        _ = try runPython(
            """
            import sys, openpyxl
            wb = openpyxl.Workbook()
            ws = wb.active
            ws.title = "学校"
            ws.append(["学校名称", "学校代码", " 学校名称 "])
            ws.append(["第一小学", "A01", "x"])
            ws.append(["第二小学", "A01", "y"])
            wb.save(sys.argv[1])
            """, [path])
        let rows = try allRows(path, sheet: "学校")
        let header = #expect(throws: SheetError.self) { try SheetHeader(rows[0], required: ["学校名称"]) }
        guard case .duplicateColumn(sheet: "学校", name: "学校名称", cell: CellRef("C1")!, earlier: CellRef("A1")!) = header else {
            Issue.record("expected duplicateColumn at C1, got \(String(describing: header))")
            return
        }
        let codes = try SheetHeader(rows[0], required: ["学校代码"])
        var unique = UniqueColumn("学校代码")
        try unique.check(try codes.text("学校代码", in: rows[1]), at: codes.cell("学校代码", in: rows[1]), sheet: "学校")
        let duplicate = #expect(throws: SheetError.self) {
            try unique.check(try codes.text("学校代码", in: rows[2]), at: codes.cell("学校代码", in: rows[2]), sheet: "学校")
        }
        guard case .duplicateValue(sheet: "学校", cell: CellRef("B3")!, column: "学校代码", value: "A01", earlier: CellRef("B2")!) = duplicate
        else {
            Issue.record("expected duplicateValue at B3, got \(String(describing: duplicate))")
            return
        }
    }

    @Test("a sheet that is not there is named, with the ones that are")
    func sheetNotFound() throws {
        let directory = try TemporaryDirectory()
        let path = try Self.makeSchools(directory)
        let error = #expect(throws: SheetError.self) { _ = try XLSXReader(path: path).rows(of: "学生") }
        guard case .sheetNotFound(name: "学生", available: ["学校", "说明"]) = error else {
            Issue.record("expected sheetNotFound, got \(String(describing: error))")
            return
        }
    }
}
