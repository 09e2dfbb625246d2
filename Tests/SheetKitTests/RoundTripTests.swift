import ArchiveKit
import Foundation
import Testing

@testable import SheetKit

@Suite("XLSXWriter → XLSXReader and openpyxl")
struct RoundTripTests {
    static let studentColumns = [
        SheetColumn("姓名"), SheetColumn("身份证号", width: 22), SheetColumn("出生日期", width: 12), SheetColumn("身高（厘米）"),
        SheetColumn("是否独生子女"), SheetColumn("监护人电话", width: 14), SheetColumn("备注"),
    ]
    static let guardianColumns = [SheetColumn("监护人姓名"), SheetColumn("关系"), SheetColumn("证件号码", width: 22)]

    /// The rows written, with fake people.
    static let students: [[Cell]] = [
        [
            .text("王小明"), .text(fakeResidentID(birth: (2018, 1, 1), sequence: 3)), .date(year: 2018, month: 1, day: 1),
            .number(112.5), .bool(true), .text("13800138000"), .text(" 前后有空格 "),
        ],
        [
            .text("李小红"), .text("23010920180229002X"), .date(year: 2018, month: 2, day: 28), .number(108),
            .bool(false), .text("013900001111"), .empty,
        ],
        [.text("赵\u{1}控制符"), .text("_x0041_ 不是转义"), .date(SheetDate(year: 2017, month: 12, day: 31, hour: 8, minute: 30))],
    ]

    static func writeWorkbook(_ path: String) throws {
        let writer = try XLSXWriter(creatingAt: path)
        try writer.addSheet(name: "学生", columns: studentColumns)
        for row in students { try writer.appendRow(row) }
        #expect(writer.rowCount == 3)
        try writer.addSheet(name: "家长's", columns: guardianColumns)
        try writer.appendRow([.text("王大明"), .text("父亲"), .text(fakeResidentID(birth: (1988, 6, 30), sequence: 11))])
        try writer.commit()
    }

    @Test("what is written is read back cell for cell, with its type")
    func readBack() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("学生.xlsx")
        try Self.writeWorkbook(path)

        let workbook = try XLSXReader(path: path)
        #expect(workbook.sheetNames == ["学生", "家长's"])
        let rows = try allRows(path, sheet: "学生")
        #expect(rows.count == 4)
        #expect(rows[0].cells.count == Self.studentColumns.count)
        for (index, column) in Self.studentColumns.enumerated() {
            #expect(rows[0][index] == .text(column.header))
        }
        for (written, read) in zip(Self.students, rows.dropFirst()) {
            for (column, cell) in written.enumerated() {
                let expected: CellValue? =
                    switch cell {
                    case .text(let text): .text(text)
                    case .number(let number): .number(number)
                    case .date(let date): .date(date)
                    case .bool(let value): .bool(value)
                    case .empty: nil
                    }
                #expect(read[column] == expected, "row \(read.number) column \(column)")
            }
        }
        let guardians = try allRows(path, sheet: "家长's")
        #expect(guardians.count == 2)
        #expect(guardians[1][2] == .text(fakeResidentID(birth: (1988, 6, 30), sequence: 11)))
    }

    @Test("openpyxl reads the workbook: IDs are str, dates datetime, frozen header, filter over the used range")
    func openpyxlReadsIt() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("export.xlsx")
        try Self.writeWorkbook(path)
        let script = """
            import json, sys, datetime, openpyxl
            wb = openpyxl.load_workbook(sys.argv[1])
            out = {"sheets": wb.sheetnames}
            for ws in wb.worksheets:
                rows = []
                for row in ws.iter_rows():
                    rows.append([[type(c.value).__name__, c.value.isoformat() if isinstance(c.value, datetime.datetime) else c.value,
                                  c.number_format] for c in row])
                out[ws.title] = {"freeze": ws.freeze_panes, "filter": ws.auto_filter.ref, "rows": rows,
                                 "width_B": ws.column_dimensions["B"].width, "bold_A1": ws["A1"].font.b}
            print(json.dumps(out, ensure_ascii=False))
            """
        let result = try json(runPython(script, [path]))
        #expect(result["sheets"] as? [String] == ["学生", "家长's"])
        let students = try #require(result["学生"] as? [String: Any])
        #expect(students["freeze"] as? String == "A2")
        #expect(students["filter"] as? String == "A1:G4")
        #expect(students["width_B"] as? Double == 22)
        #expect(students["bold_A1"] as? Bool == true)
        let rows = try #require(students["rows"] as? [[[Any]]])
        #expect(rows.count == 4)
        let first = rows[1]
        #expect(first[0][0] as? String == "str")
        #expect(first[1][0] as? String == "str", "the ID number is text")
        #expect(first[1][1] as? String == fakeResidentID(birth: (2018, 1, 1), sequence: 3))
        #expect(first[2][0] as? String == "datetime")
        #expect(first[2][1] as? String == "2018-01-01T00:00:00")
        #expect(first[2][2] as? String == "yyyy\\-mm\\-dd")
        #expect(first[3][0] as? String == "float")
        #expect(first[3][1] as? Double == 112.5)
        #expect(first[4][0] as? String == "bool")
        #expect(first[5][1] as? String == "13800138000")
        #expect(first[6][1] as? String == " 前后有空格 ")
        let second = rows[2]
        #expect(second[1][1] as? String == "23010920180229002X", "a trailing X stays")
        #expect(second[3][0] as? String == "int")
        #expect(second[5][1] as? String == "013900001111", "a leading zero stays")
        #expect(second[6][0] as? String == "NoneType")
        let third = rows[3]
        #expect(third[2][1] as? String == "2017-12-31T08:30:00")
        let guardians = try #require(result["家长's"] as? [String: Any])
        #expect(guardians["freeze"] as? String == "A2")
        #expect(guardians["filter"] as? String == "A1:C2")
    }

    @Test("the zip holds the parts Excel expects, content types first")
    func packageLayout() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("layout.xlsx")
        try Self.writeWorkbook(path)
        let script = """
            import json, sys, zipfile
            z = zipfile.ZipFile(sys.argv[1])
            print(json.dumps({"names": z.namelist(), "bad": z.testzip(),
                              "methods": sorted({i.compress_type for i in z.infolist()})}))
            """
        let result = try json(runPython(script, [path]))
        #expect(result["names"] as? [String] == [
            "[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml",
            "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml",
        ])
        #expect(result["bad"] is NSNull, "every CRC checks")
        #expect(result["methods"] as? [Int] == [8], "deflated")
    }

    @Test("bad sheets and rows are refused with the place named, and the writer stays usable")
    func refusals() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("refused.xlsx")
        let writer = try XLSXWriter(creatingAt: path)
        let noSheet = #expect(throws: SheetError.self) { try writer.appendRow([.text("x")]) }
        guard case .noSheet = noSheet else {
            Issue.record("expected noSheet, got \(String(describing: noSheet))")
            return
        }
        try writer.addSheet(name: "学生", columns: [SheetColumn("姓名"), SheetColumn("日期")])
        let names: [(String, SheetError.Code)] = [("学生", .duplicateSheetName), ("a/b", .invalidSheetName), ("", .invalidSheetName)]
        for (name, code) in names {
            let error = #expect(throws: SheetError.self) { try writer.addSheet(name: name, columns: [SheetColumn("x")]) }
            #expect(error?.code == code, "\(name)")
        }
        let wide = #expect(throws: SheetError.self) { try writer.appendRow([.text("a"), .text("b"), .text("c")]) }
        guard case .rowTooWide(sheet: "学生", row: 2, cells: 3, columns: 2) = wide else {
            Issue.record("expected rowTooWide, got \(String(describing: wide))")
            return
        }
        let date = #expect(throws: SheetError.self) { try writer.appendRow([.text("a"), .date(year: 2023, month: 2, day: 29)]) }
        guard case .invalidDate(sheet: "学生", cell: CellRef("B2")!, _) = date else {
            Issue.record("expected invalidDate at B2, got \(String(describing: date))")
            return
        }
        let number = #expect(throws: SheetError.self) { try writer.appendRow([.number(.nan)]) }
        guard case .invalidNumber(sheet: "学生", cell: CellRef("A2")!) = number else {
            Issue.record("expected invalidNumber at A2, got \(String(describing: number))")
            return
        }
        let long = #expect(throws: SheetError.self) { try writer.appendRow([.text(String(repeating: "字", count: 32_768))]) }
        guard case .cellTextTooLong(sheet: "学生", cell: CellRef("A2")!, length: 32_768, limit: 32_767) = long else {
            Issue.record("expected cellTextTooLong, got \(String(describing: long))")
            return
        }
        try writer.appendRow([.text("still"), .text("usable")])
        try writer.commit()
        let rows = try allRows(path, sheet: "学生")
        #expect(rows.map(\.number) == [1, 2])
        #expect(rows[1][1] == .text("usable"))

        let closed = #expect(throws: SheetError.self) { try writer.appendRow([]) }
        guard case .writerClosed = closed else {
            Issue.record("expected writerClosed, got \(String(describing: closed))")
            return
        }
    }

    @Test("nothing is left at the target when the writer is cancelled or dropped, and an existing file is never replaced")
    func crashSafety() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("cancelled.xlsx")
        do {
            let writer = try XLSXWriter(creatingAt: path)
            try writer.addSheet(name: "学生", columns: [SheetColumn("姓名")])
            try writer.appendRow([.text("王小明")])
            writer.cancel()
            #expect(throws: SheetError.self) { try writer.commit() }
        }
        do {
            let writer = try XLSXWriter(creatingAt: path)
            try writer.addSheet(name: "学生", columns: [SheetColumn("姓名")])
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)

        _ = FileManager.default.createFile(atPath: path, contents: Data("keep".utf8))
        let exists = #expect(throws: SheetError.self) { _ = try XLSXWriter(creatingAt: path) }
        guard case .archive(.targetExists(path: path)) = exists else {
            Issue.record("expected archive(targetExists), got \(String(describing: exists))")
            return
        }
        #expect(FileManager.default.contents(atPath: path) == Data("keep".utf8))
    }
}
