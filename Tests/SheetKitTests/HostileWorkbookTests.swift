import ArchiveKit
import Foundation
import Testing
import XMLKit

@testable import SheetKit

@Suite("XLSXReader: hostile workbooks")
struct HostileWorkbookTests {
    static let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

    /// A valid workbook whose sheet is a highly compressible 1 GiB entry: `<sheetData>`
    /// followed by a gibibyte of spaces, deflated by Python's zlib in one streamed pass.
    static let bombScript = """
        import sys, zipfile, zlib
        path = sys.argv[1]
        rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        z = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        z.writestr("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>')
        z.writestr("_rels/.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="%s/officeDocument" Target="xl/workbook.xml"/></Relationships>' % rel)
        z.writestr("xl/workbook.xml", '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="%s"><sheets><sheet name="bomb" sheetId="1" r:id="rId1"/></sheets></workbook>' % rel)
        z.writestr("xl/_rels/workbook.xml.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="%s/worksheet" Target="worksheets/sheet1.xml"/></Relationships>' % rel)
        head = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        block = b" " * (1 << 20)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as entry:
            entry.write(head)
            for _ in range(1024 - 1):
                entry.write(block)
            entry.write(block[:(1 << 20) - len(head)])
        z.close()
        """

    @Test("a zip bomb (1 GiB of XML deflated to about 1 MiB) is refused by its compression ratio, quickly")
    func zipBomb() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("bomb.xlsx")
        _ = try runPython(Self.bombScript, [path])
        let size = try #require(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(size < 8 << 20)

        let clock = ContinuousClock()
        var error: SheetError?
        let elapsed = clock.measure { error = readingError(path, sheet: "bomb") }
        guard case .archive(.compressionRatioExceeded(entry: "xl/worksheets/sheet1.xml", let uncompressed, _, limit: 200)) = error else {
            Issue.record("expected compressionRatioExceeded, got \(String(describing: error))")
            return
        }
        #expect(uncompressed < 256 << 20, "stopped long before the end: \(uncompressed) bytes")
        #expect(elapsed < .seconds(10))
    }

    @Test("a part larger than its limit is refused before it is read whole")
    func partTooLarge() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("large.xlsx")
        var parts = minimalWorkbook(rows: "")
        parts[2].1 = parts[2].1.replacingOccurrences(of: "<sheets>", with: "<!--" + String(repeating: "x", count: 100_000) + "--><sheets>")
        try writeZip(path, parts)
        let error = readingError(path, limits: SheetLimits(maxPartSize: 50_000))
        guard case .partTooLarge(part: "xl/workbook.xml", limit: 50_000) = error else {
            Issue.record("expected partTooLarge, got \(String(describing: error))")
            return
        }
    }

    @Test("too many rows are refused at the limit")
    func tooManyRows() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("rows.xlsx")
        let writer = try XLSXWriter(creatingAt: path)
        try writer.addSheet(name: "名单", columns: [SheetColumn("编号")])
        for index in 0..<100 { try writer.appendRow([.number(Double(index))]) }
        try writer.commit()
        #expect(try allRows(path, sheet: "名单", limits: SheetLimits(maxRows: 101)).count == 101)
        let error = readingError(path, sheet: "名单", limits: SheetLimits(maxRows: 50))
        guard case .tooManyRows(sheet: "名单", limit: 50) = error else {
            Issue.record("expected tooManyRows, got \(String(describing: error))")
            return
        }
        let far = try TemporaryDirectory()
        let farPath = far.file("far.xlsx")
        try writeZip(farPath, minimalWorkbook(rows: #"<row r="1048577"><c r="A1048577"><v>1</v></c></row>"#))
        guard case .tooManyRows(sheet: "Sheet1", limit: CellRef.maxRows) = readingError(farPath) else {
            Issue.record("expected tooManyRows for row 1048577")
            return
        }
    }

    @Test("a row holding more text than maxRowBytes is refused")
    func rowTooLarge() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("wide.xlsx")
        let cells = (0..<20).map { #"<c r="\#(CellRef.columnName($0))3" t="inlineStr"><is><t>\#(String(repeating: "字", count: 1000))</t></is></c>"# }
        try writeZip(path, minimalWorkbook(rows: #"<row r="3">\#(cells.joined())</row>"#))
        #expect(try allRows(path, sheet: "Sheet1").first?.cells.count == 20)
        guard case .rowTooLarge(sheet: "Sheet1", row: 3, limit: 10_000) = readingError(path, limits: SheetLimits(maxRowBytes: 10_000)) else {
            Issue.record("expected rowTooLarge, got \(String(describing: readingError(path, limits: SheetLimits(maxRowBytes: 10_000))))")
            return
        }
    }

    @Test("a huge shared-string table is refused by its declared count, its counted size, or its bytes")
    func hugeSharedStrings() throws {
        let directory = try TemporaryDirectory()
        let declared = directory.file("declared.xlsx")
        try writeZip(
            declared,
            minimalWorkbook(rows: "", sharedStrings: #"<sst xmlns="\#(Self.main)" uniqueCount="2000000000"><si><t>a</t></si></sst>"#))
        guard case .tooManySharedStrings(limit: 1_000_000) = readingError(declared) else {
            Issue.record("expected tooManySharedStrings from uniqueCount, got \(String(describing: readingError(declared)))")
            return
        }

        let counted = directory.file("counted.xlsx")
        let items = String(repeating: "<si><t>x</t></si>", count: 1001)
        try writeZip(counted, minimalWorkbook(rows: "", sharedStrings: #"<sst xmlns="\#(Self.main)">\#(items)</sst>"#))
        guard case .tooManySharedStrings(limit: 1000) = readingError(counted, limits: SheetLimits(maxSharedStrings: 1000)) else {
            Issue.record("expected tooManySharedStrings from counting")
            return
        }

        let bytes = directory.file("bytes.xlsx")
        let long = String(repeating: "<si><t>" + String(repeating: "长", count: 1000) + "</t></si>", count: 40)
        try writeZip(bytes, minimalWorkbook(rows: "", sharedStrings: #"<sst xmlns="\#(Self.main)">\#(long)</sst>"#))
        guard case .sharedStringsTooLarge(limit: 100_000) = readingError(bytes, limits: SheetLimits(maxSharedStringBytes: 100_000)) else {
            Issue.record("expected sharedStringsTooLarge")
            return
        }
    }

    @Test("entity bombs and external entities in any part are refused as DOCTYPEs; nothing leaks")
    func doctypes() throws {
        let directory = try TemporaryDirectory()
        let xxe = directory.file("xxe.xlsx")
        let doctype = #"<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>"#
        var parts = minimalWorkbook(rows: #"<row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row>"#)
        parts[4].1 = parts[4].1.replacingOccurrences(of: "?><worksheet", with: "?>" + doctype + "<worksheet")
        try writeZip(xxe, parts)
        let error = readingError(xxe)
        guard case .xml(part: "xl/worksheets/sheet1.xml", sheet: "Sheet1", error: .doctypeRefused(line: 1, _)) = error else {
            Issue.record("expected doctypeRefused in the sheet, got \(String(describing: error))")
            return
        }
        #expect(!(error?.en.contains("root:") ?? true))

        let laughs = directory.file("laughs.xlsx")
        var bomb = minimalWorkbook(rows: "")
        bomb[2].1 = bomb[2].1.replacingOccurrences(
            of: "?><workbook",
            with: #"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><workbook"#)
        try writeZip(laughs, bomb)
        let laughsError = readingError(laughs)
        guard case .xml(part: "xl/workbook.xml", sheet: nil, error: .doctypeRefused) = laughsError else {
            Issue.record("expected doctypeRefused in the workbook, got \(String(describing: laughsError))")
            return
        }
    }

    @Test("deep nesting and malformed XML are refused with the part, and libxml2's line and column")
    func xmlRefusals() throws {
        let directory = try TemporaryDirectory()
        let deep = directory.file("deep.xlsx")
        let nested = String(repeating: "<x:a xmlns:x=\"urn:x\">", count: 40) + String(repeating: "</x:a>", count: 40)
        try writeZip(deep, minimalWorkbook(rows: "<row r=\"1\">\(nested)</row>"))
        guard case .xml(part: "xl/worksheets/sheet1.xml", sheet: "Sheet1", error: .limitExceeded(.depth, limit: 32, _, _)) = readingError(deep)
        else {
            Issue.record("expected a depth limit, got \(String(describing: readingError(deep)))")
            return
        }

        let broken = directory.file("broken.xlsx")
        try writeZip(broken, minimalWorkbook(rows: "<row r=\"1\">\n<c r=\"A1\"><v>1</v></row>"))
        let error = readingError(broken)
        guard case .xml(part: "xl/worksheets/sheet1.xml", sheet: "Sheet1", error: .malformed(let failure)) = error else {
            Issue.record("expected malformed, got \(String(describing: error))")
            return
        }
        #expect(failure.line == 2)
        #expect(failure.column > 0)
        #expect(error?.en.contains("xl/worksheets/sheet1.xml:2:") == true)
    }

    @Test("cells and rows out of order, duplicated, outside the sheet or pointing nowhere are refused at their cell")
    func cellRefusals() throws {
        let cases: [(String, String?, SheetError.Code, CellRef?)] = [
            (#"<row r="7"><c r="C7" t="s"><v>5</v></c></row>"#, #"<sst xmlns="\#(Self.main)"><si><t>a</t></si></sst>"#, .sharedStringIndex, CellRef("C7")),
            (#"<row r="1"><c r="B1"><v>1</v></c><c r="A1"><v>2</v></c></row>"#, nil, .cellOutOfOrder, CellRef("A1")),
            (#"<row r="1"><c r="B1"><v>1</v></c><c r="B1"><v>2</v></c></row>"#, nil, .cellOutOfOrder, CellRef("B1")),
            (#"<row r="2"/><row r="2"/>"#, nil, .rowOutOfOrder, nil),
            (#"<row r="1"><c r="A2"><v>1</v></c></row>"#, nil, .invalidCellReference, nil),
            (#"<row r="1"><c r="XFE1"><v>1</v></c></row>"#, nil, .invalidCellReference, nil),
            (#"<row r="1"><c r="C1" t="b"><v>yes</v></c></row>"#, nil, .invalidCellValue, CellRef("C1")),
            (#"<row r="1"><c r="D1"><v>12abc</v></c></row>"#, nil, .invalidCellValue, CellRef("D1")),
        ]
        let directory = try TemporaryDirectory()
        for (index, (rows, shared, code, cell)) in cases.enumerated() {
            let path = directory.file("case\(index).xlsx")
            try writeZip(path, minimalWorkbook(rows: rows, sharedStrings: shared))
            let error = readingError(path)
            #expect(error?.code == code, "\(rows): \(String(describing: error))")
            #expect(error?.cell == cell, "\(rows)")
            #expect(error?.sheet == "Sheet1")
        }
        let limited = directory.file("columns.xlsx")
        try writeZip(limited, minimalWorkbook(rows: #"<row r="1"><c r="K1"><v>1</v></c></row>"#))
        guard case .tooManyColumns(sheet: "Sheet1", count: 11, limit: 10) = readingError(limited, limits: SheetLimits(maxColumns: 10)) else {
            Issue.record("expected tooManyColumns")
            return
        }
    }

    @Test("a file that is not a workbook, or lacks a part, says so")
    func notAWorkbook() throws {
        let directory = try TemporaryDirectory()
        let text = directory.file("text.xlsx")
        _ = FileManager.default.createFile(atPath: text, contents: Data("姓名,身份证号\n".utf8))
        guard let refused = readingError(text), case .archive(.corruptArchive) = refused else {
            Issue.record("expected corruptArchive, got \(String(describing: readingError(text)))")
            return
        }
        // The message says what happened and what to do, in each language.
        #expect(refused.zh.contains("不是有效的 .xlsx") && refused.zh.contains("另存为 .xlsx"), "\(refused.zh)")
        #expect(refused.en.contains("save it again as .xlsx"), "\(refused.en)")

        let noRels = directory.file("norels.xlsx")
        try writeZip(noRels, minimalWorkbook(rows: "").filter { $0.0 != "_rels/.rels" })
        guard case .notAWorkbook(path: noRels, detail: _) = readingError(noRels) else {
            Issue.record("expected notAWorkbook, got \(String(describing: readingError(noRels)))")
            return
        }

        let noSheet = directory.file("nosheet.xlsx")
        try writeZip(noSheet, minimalWorkbook(rows: "").filter { $0.0 != "xl/worksheets/sheet1.xml" })
        guard case .missingPart(part: "xl/worksheets/sheet1.xml", referencedBy: "xl/_rels/workbook.xml.rels") = readingError(noSheet) else {
            Issue.record("expected missingPart, got \(String(describing: readingError(noSheet)))")
            return
        }

        let crowded = directory.file("crowded.xlsx")
        try writeZip(crowded, minimalWorkbook(rows: "") + (0..<20).map { ("xl/media/image\($0).png", "x") })
        guard case .archive(.tooManyEntries(_, limit: 10)) = readingError(crowded, limits: SheetLimits(maxEntryCount: 10)) else {
            Issue.record("expected tooManyEntries, got \(String(describing: readingError(crowded, limits: SheetLimits(maxEntryCount: 10))))")
            return
        }
    }

    /// Writes a zip with Python's zipfile, which (unlike ArchiveKit's writer) stores any entry
    /// name it is given, `../` and leading `/` included.
    static func rawZip(_ path: String, _ entries: [(String, String)]) throws {
        let script = """
            import json, sys, zipfile
            with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
                for name, text in json.loads(sys.argv[2]):
                    info = zipfile.ZipInfo(name)
                    info.compress_type = zipfile.ZIP_DEFLATED
                    z.writestr(info, text.encode("utf-8"))
            """
        let list = String(decoding: try JSONSerialization.data(withJSONObject: entries.map { [$0.0, $0.1] }), as: UTF8.self)
        _ = try runPython(script, [path, list])
    }

    @Test(
        "entry names that climb out of the package or start at the root are refused before any part is read",
        arguments: [("../../evil.xml", PathProblem.parentComponent), ("xl/../../evil.xml", .parentComponent), ("/etc/evil.xml", .absolute)])
    func pathTricksInTheZip(name: String, problem: PathProblem) throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("tricks.xlsx")
        try Self.rawZip(path, [(name, "<x/>")] + minimalWorkbook(rows: #"<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row>"#))
        guard case .archive(.unsafePath(entry: let entry, problem: let found)) = readingError(path) else {
            Issue.record("expected unsafePath, got \(String(describing: readingError(path)))")
            return
        }
        #expect(entry.contains("evil.xml"))
        #expect(found == problem)
    }

    @Test("a relationship target that climbs above the package stays inside the zip: it names a part that is not there")
    func relationshipTargetOutsideThePackage() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("target.xlsx")
        let rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        var parts = minimalWorkbook(rows: "")
        parts = parts.map { name, text in
            guard name == "xl/_rels/workbook.xml.rels" else { return (name, text) }
            return (name, text.replacingOccurrences(of: #"Target="worksheets/sheet1.xml""#, with: #"Target="../../../../etc/passwd""#))
        }
        try writeZip(path, parts)
        #expect(parts.contains { $0.1.contains("etc/passwd") && $0.1.contains(rel) })
        guard case .missingPart(part: "etc/passwd", referencedBy: "xl/_rels/workbook.xml.rels") = readingError(path) else {
            Issue.record("expected missingPart etc/passwd, got \(String(describing: readingError(path)))")
            return
        }
    }
}
