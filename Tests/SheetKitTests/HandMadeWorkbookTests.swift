import Foundation
import Testing

@testable import SheetKit

/// Workbooks written the ways the format allows but the writers above do not use.
@Suite("XLSXReader on hand-made workbooks")
struct HandMadeWorkbookTests {
    static let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

    static func rows(_ parts: [(String, String)], sheet: String = "Sheet1") throws -> [SheetRow] {
        let directory = try TemporaryDirectory()
        let path = directory.file("book.xlsx")
        try writeZip(path, parts)
        return try allRows(path, sheet: sheet)
    }

    @Test("rows and cells without r take the next place")
    func impliedReferences() throws {
        let rows = try Self.rows(minimalWorkbook(rows: """
            <row><c t="inlineStr"><is><t>a</t></is></c><c><v>2</v></c></row>\
            <row r="5"><c r="C5" t="b"><v>1</v></c><c><v>3</v></c></row><row><c t="b"><v>0</v></c></row>
            """))
        #expect(rows.map(\.number) == [1, 5, 6])
        #expect(rows[0].cells == [CellRef("A1")!: .text("a"), CellRef("B1")!: .number(2)])
        #expect(rows[1].cells == [CellRef("C5")!: .bool(true), CellRef("D5")!: .number(3)])
        #expect(rows[2].cells == [CellRef("A6")!: .bool(false)])
    }

    @Test("ISO date cells, formula strings, cached errors, rich inline text and escapes")
    func cellTypes() throws {
        let rows = try Self.rows(minimalWorkbook(rows: """
            <row r="1"><c r="A1" t="d"><v>2024-09-01T08:30:00</v></c><c r="B1" t="str"><f>CONCAT("a","b")</f><v>ab</v></c>\
            <c r="C1" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="D1" t="inlineStr"><is><r><t>上</t></r><r><rPr><b/></rPr><t>下</t></r>\
            <rPh sb="0" eb="1"><t>しも</t></rPh></is></c><c r="E1" t="inlineStr"><is><t>a_x000D_b_x005F_x0041_</t></is></c>\
            <c r="F1" t="e"><v>#N/A</v></c><c r="G1" s="0"/><c r="H1"><v>-1.5E-3</v></c></row>
            """))
        #expect(rows.count == 1)
        let row = rows[0]
        #expect(row[0] == .date(SheetDate(year: 2024, month: 9, day: 1, hour: 8, minute: 30)))
        #expect(row[1] == .formula(#"CONCAT("a","b")"#, cached: .text("ab")))
        #expect(row[2] == .formula("1/0", cached: .error("#DIV/0!")))
        #expect(row[3] == .text("上下"))
        #expect(row[4] == .text("a\rb_x0041_"))
        #expect(row[5] == .error("#N/A"))
        #expect(row[6] == nil, "a styled cell without a value is empty")
        #expect(row[7] == .number(-0.0015))
        #expect(row.isBlank == false)
    }

    @Test("dates follow the workbook's date system and the cell's format, built in or custom")
    func dateSystems() throws {
        let styles = """
            <styleSheet xmlns="\(Self.main)"><numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;"/>\
            <numFmt numFmtId="165" formatCode="0.00"/></numFmts>\
            <cellStyleXfs count="1"><xf numFmtId="22"/></cellStyleXfs>\
            <cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="31"/></cellXfs>\
            </styleSheet>
            """
        let cells = #"<row r="1"><c r="A1" s="1"><v>0</v></c><c r="B1" s="2"><v>43101</v></c><c r="C1" s="3"><v>43101</v></c><c r="D1" s="4"><v>43101</v></c><c r="E1" s="9"><v>7</v></c></row>"#
        let workbook1904 = """
            <workbook xmlns="\(Self.main)" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
            <workbookPr date1904="1"/><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>
            """
        let modern = try Self.rows(minimalWorkbook(rows: cells, styles: styles))
        #expect(modern[0][0] == .date(SheetDate(year: 1899, month: 12, day: 30)))
        #expect(modern[0][1] == .date(SheetDate(year: 2018, month: 1, day: 1)), "custom format with 年 and 月")
        #expect(modern[0][2] == .number(43101), "custom number format")
        #expect(modern[0][3] == .date(SheetDate(year: 2018, month: 1, day: 1)), "built-in Chinese date format 31")
        #expect(modern[0][4] == .number(7), "a style index beyond cellXfs is General")
        let old = try Self.rows(minimalWorkbook(rows: cells, workbook: workbook1904, styles: styles))
        #expect(old[0][0] == .date(SheetDate(year: 1904, month: 1, day: 1)))
        #expect(old[0][1] == .date(SheetDate(year: 2022, month: 1, day: 2)))
        let invalid = try TemporaryDirectory()
        let path = invalid.file("leap.xlsx")
        try writeZip(path, minimalWorkbook(rows: #"<row r="2"><c r="B2" s="1"><v>60</v></c></row>"#, styles: styles))
        let error = readingError(path)
        guard case .invalidCellValue(sheet: "Sheet1", cell: CellRef("B2")!, value: "60", type: "date serial number") = error else {
            Issue.record("expected invalidCellValue for 1900-02-29, got \(String(describing: error))")
            return
        }
    }

    @Test("the parts may come in any order in the zip, even the content types and relationships last")
    func anyOrder() throws {
        let styles = #"<styleSheet xmlns="\#(Self.main)"><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs></styleSheet>"#
        let parts = minimalWorkbook(
            rows: #"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" s="1"><v>43101</v></c></row>"#,
            sharedStrings: #"<sst xmlns="\#(Self.main)"><si><t>共享</t></si></sst>"#, styles: styles)
        let expected: [CellRef: CellValue] = [CellRef("A1")!: .text("共享"), CellRef("B1")!: .date(SheetDate(year: 2018, month: 1, day: 1))]
        #expect(try Self.rows(parts).first?.cells == expected)
        #expect(try Self.rows(parts.reversed()).first?.cells == expected)
        // The workbook's relationships before the package's, the content types last.
        let names = ["xl/_rels/workbook.xml.rels", "xl/styles.xml", "xl/sharedStrings.xml", "xl/workbook.xml", "_rels/.rels"]
        let shuffled = names.compactMap { name in parts.first { $0.0 == name } } + parts.filter { !names.contains($0.0) }.reversed()
        #expect(shuffled.count == parts.count)
        #expect(try Self.rows(shuffled).first?.cells == expected)
    }

    @Test("a Strict Open XML workbook is read like a transitional one")
    func strict() throws {
        let parts = minimalWorkbook(rows: #"<row r="1"><c r="A1" t="inlineStr"><is><t>严格</t></is></c></row>"#).map { name, text in
            (
                name,
                text.replacingOccurrences(of: Self.main, with: "http://purl.oclc.org/ooxml/spreadsheetml/main")
                    .replacingOccurrences(
                        of: "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
                        with: "http://purl.oclc.org/ooxml/officeDocument/relationships")
            )
        }
        #expect(try Self.rows(parts).first?[0] == .text("严格"))
    }

    @Test("relationship targets may be absolute, relative with .., or percent-encoded; hidden sheets are listed as hidden")
    func targets() throws {
        let rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        var parts = minimalWorkbook(rows: #"<row r="1"><c r="A1"><v>1</v></c></row>"#)
        parts[3].1 = """
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
            <Relationship Id="rId1" Type="\(rel)/worksheet" Target="/xl/worksheets/sheet1.xml"/>\
            <Relationship Id="rId2" Type="\(rel)/worksheet" Target="../xl/./worksheets/%E5%AD%A6%E7%94%9F%20%E5%90%8D%E5%8D%95.xml"/>\
            <Relationship Id="rId9" Type="\(rel)/hyperlink" Target="https://example.org/" TargetMode="External"/></Relationships>
            """
        parts[2].1 = """
            <workbook xmlns="\(Self.main)" xmlns:r="\(rel)"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/>\
            <sheet name="学生 名单" sheetId="2" state="hidden" r:id="rId2"/></sheets></workbook>
            """
        parts.append(("xl/worksheets/学生 名单.xml", #"<worksheet xmlns="\#(Self.main)"><sheetData><row r="3"><c r="B3"><v>9</v></c></row></sheetData></worksheet>"#))
        let directory = try TemporaryDirectory()
        let path = directory.file("targets.xlsx")
        try writeZip(path, parts)
        let workbook = try XLSXReader(path: path)
        #expect(workbook.sheets == [
            SheetInfo(name: "Sheet1", part: "xl/worksheets/sheet1.xml", hidden: false),
            SheetInfo(name: "学生 名单", part: "xl/worksheets/学生 名单.xml", hidden: true),
        ])
        #expect(try allRows(path, sheet: "学生 名单").first?.cells == [CellRef("B3")!: .number(9)])
    }

    @Test("an empty sheet has no rows; a header over no data is still found")
    func emptySheets() throws {
        #expect(try Self.rows(minimalWorkbook(rows: "")).isEmpty)
        let rows = try Self.rows(minimalWorkbook(rows: #"<row r="1"><c r="A1" t="inlineStr"><is><t> 学校名称 </t></is></c></row><row r="2"/>"#))
        #expect(rows.count == 2)
        #expect(rows[1].isBlank)
        let header = try SheetHeader(rows[0], required: ["学校名称"])
        #expect(header.columns == ["学校名称": 0])
        let error = #expect(throws: SheetError.self) { try header.text("学校名称", in: rows[1]) }
        guard case .emptyCell(sheet: "Sheet1", cell: CellRef("A2")!, column: "学校名称") = error else {
            Issue.record("expected emptyCell, got \(String(describing: error))")
            return
        }
    }
}
