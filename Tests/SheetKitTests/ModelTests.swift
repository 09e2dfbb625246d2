import Testing

@testable import SheetKit

@Suite("Cell references, dates, names and escapes")
struct ModelTests {
    @Test(
        "column letters and indexes convert both ways",
        arguments: [(0, "A"), (25, "Z"), (26, "AA"), (51, "AZ"), (52, "BA"), (701, "ZZ"), (702, "AAA"), (16_383, "XFD")])
    func columnNames(index: Int, letters: String) {
        #expect(CellRef.columnName(index) == letters)
        #expect(CellRef.columnIndex(letters) == index)
        #expect(CellRef.columnIndex(letters.lowercased()) == index)
    }

    @Test("every column index survives the round trip")
    func allColumns() {
        for index in 0..<CellRef.maxColumns {
            #expect(CellRef.columnIndex(CellRef.columnName(index)) == index)
        }
        #expect(CellRef.columnIndex("XFE") == nil)
        #expect(CellRef.columnIndex("AAAA") == nil)
        #expect(CellRef.columnIndex("") == nil)
        #expect(CellRef.columnIndex("A1") == nil)
    }

    @Test("A1 references parse and print; invalid ones are refused")
    func references() {
        #expect(CellRef("C7") == CellRef(column: 2, row: 7))
        #expect(CellRef("c7")?.description == "C7")
        #expect(CellRef("XFD1048576") == CellRef(column: 16_383, row: 1_048_576))
        for invalid in ["", "A", "7", "A0", "A01", "7C", "C7D", "XFE1", "A1048577", "$A$1", "A 1", "Ａ1"] {
            #expect(CellRef(invalid) == nil, "\(invalid)")
        }
        #expect(!(CellRef(column: 0, row: 2) < CellRef(column: 5, row: 1)))
        #expect(CellRef(column: 5, row: 1) < CellRef(column: 0, row: 2))
    }

    static let serialCases: [(SheetDate, Double)] = [
            (SheetDate(year: 1900, month: 1, day: 1), 1), (SheetDate(year: 1900, month: 2, day: 28), 59),
            (SheetDate(year: 1900, month: 3, day: 1), 61), (SheetDate(year: 2018, month: 1, day: 1), 43101),
            (SheetDate(year: 2024, month: 2, day: 29), 45351), (SheetDate(year: 9999, month: 12, day: 31), 2_958_465),
            (SheetDate(year: 2018, month: 1, day: 1, hour: 12), 43101.5),
        ]

    @Test("dates become Excel serial numbers, the 1900 leap-year bug included", arguments: serialCases)
    func serials(date: SheetDate, serial: Double) {
        #expect(ExcelDate.serial(of: date) == serial)
        #expect(ExcelDate.date(fromSerial: serial, date1904: false) == date)
    }

    @Test("serial numbers that are no date give nil; the 1904 system starts at 1904-01-01")
    func serialEdges() {
        #expect(ExcelDate.date(fromSerial: 60, date1904: false) == nil, "1900-02-29 does not exist")
        #expect(ExcelDate.date(fromSerial: -1, date1904: false) == nil)
        #expect(ExcelDate.date(fromSerial: .infinity, date1904: false) == nil)
        #expect(ExcelDate.date(fromSerial: 3_000_000, date1904: false) == nil)
        #expect(ExcelDate.date(fromSerial: 0, date1904: true) == SheetDate(year: 1904, month: 1, day: 1))
        #expect(ExcelDate.date(fromSerial: 41_639, date1904: true) == SheetDate(year: 2018, month: 1, day: 1))
        #expect(ExcelDate.date(fromSerial: 43101.999999999, date1904: false) == SheetDate(year: 2018, month: 1, day: 2))
    }

    @Test("every day from 1900 to 2100 survives the round trip")
    func everyDay() {
        var previous = 0.0
        for year in 1900...2100 {
            for month in 1...12 {
                for day in 1...ExcelDate.daysInMonth(year: year, month: month) {
                    let date = SheetDate(year: year, month: month, day: day)
                    let serial = ExcelDate.serial(of: date)
                    #expect(serial > previous)
                    previous = serial
                    if ExcelDate.date(fromSerial: serial, date1904: false) != date {
                        Issue.record("\(date) → \(serial) does not come back")
                        return
                    }
                }
            }
        }
    }

    @Test("dates outside the calendar are invalid")
    func invalidDates() {
        #expect(SheetDate(year: 2023, month: 2, day: 29).isValid == false)
        #expect(SheetDate(year: 2024, month: 2, day: 29).isValid)
        #expect(SheetDate(year: 1899, month: 12, day: 31).isValid == false)
        #expect(SheetDate(year: 2024, month: 13, day: 1).isValid == false)
        #expect(SheetDate(year: 2024, month: 1, day: 1, hour: 24).isValid == false)
    }

    @Test("sheet names follow Excel's rules")
    func sheetNames() {
        #expect(SheetName.problem(with: "学生名单") == nil)
        #expect(SheetName.problem(with: "") == .empty)
        #expect(SheetName.problem(with: String(repeating: "名", count: 32)) == .tooLong(limit: 31))
        #expect(SheetName.problem(with: String(repeating: "名", count: 31)) == nil)
        for character in ["[", "]", ":", "*", "?", "/", "\\"] {
            #expect(SheetName.problem(with: "a\(character)b") == .forbiddenCharacter(Character(character)))
        }
        #expect(SheetName.problem(with: "a\u{7}b") == .forbiddenCharacter("\u{7}"))
        #expect(SheetName.problem(with: "'quoted") == .apostropheAtEdge)
        #expect(SheetName.problem(with: "HISTORY") == .reserved)
        #expect(SheetName.quoted("家长's") == "'家长''s'")
    }

    @Test("control characters and escape-like underscores round-trip through Excel's _xHHHH_ escapes")
    func escapes() {
        #expect(CellText.escape("plain 文本") == "plain 文本")
        #expect(CellText.escape("a\u{1}b") == "a_x0001_b")
        #expect(CellText.escape("_x0041_") == "_x005F_x0041_")
        #expect(CellText.escape("snake_case_x") == "snake_case_x")
        for text in ["a\u{1}b\u{1F}c", "_x0041_", "__x00zz_", "x\u{FFFF}", "_x005F_"] {
            #expect(CellText.unescape(CellText.escape(text)) == text)
        }
        #expect(CellText.unescape("_x000D_line") == "\rline")
    }

    @Test(
        "custom number formats are recognised as dates",
        arguments: [
            ("yyyy\\-mm\\-dd", true), ("yyyy\"年\"m\"月\"d\"日\"", true), ("[$-804]yyyy/m/d", true), ("h:mm AM/PM", true),
            ("0.00", false), ("#,##0", false), ("@", false), ("General", false), ("0.00E+00", false), ("\"days\" 0", false),
            ("[h]:mm", false), ("[mm]:ss", false), ("[Red]0.00", false), ("0;[Red]-0", false),
        ])
    func dateFormats(code: String, isDate: Bool) {
        #expect(CellFormats.isDateFormat(code) == isDate)
    }

    @Test("the error catalog has one distinct dotted sheet.* code per case")
    func codes() {
        let all = SheetError.Code.all.map(\.rawValue)
        #expect(Set(all).count == all.count)
        for code in all {
            #expect(code.hasPrefix("sheet."))
            #expect(code.allSatisfy { $0.isLowercase || $0 == "." || $0 == "-" })
        }
        #expect(SheetError.notText(sheet: "学生", cell: CellRef("C7")!, column: "身份证号", found: .number(2.3e17)).code == .notText)
    }

    @Test("messages name the sheet and the cell in both languages")
    func messages() {
        let error = SheetError.notText(sheet: "学生", cell: CellRef("C7")!, column: "身份证号", found: .number(2.30109201801e17))
        #expect(error.en.hasPrefix("Sheet '学生', cell C7: "))
        #expect(error.en.contains("身份证号"))
        #expect(error.en.contains("number"))
        #expect(error.zh.hasPrefix("工作表“学生”单元格 C7："))
        #expect(error.zh.contains("数字"))
        #expect(error.sheet == "学生")
        #expect(error.cell == CellRef("C7"))
    }
}
