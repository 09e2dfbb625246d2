import ArchiveKit
import Foundation
import XMLKit

#if canImport(Glibc)
import Glibc
#endif

/// Streams a workbook (.xlsx) to a file, sheet by sheet and row by row, in bounded memory.
///
/// Each sheet gets a bold header row from its columns, frozen (`<pane ySplit="1"
/// state="frozen"/>`) so it stays in view while scrolling, an autofilter over the rows
/// written, and the columns' widths. Cells are typed: ``Cell/text(_:)`` is always a text
/// cell (so an 18-digit ID number never becomes `2.30109E+17`), ``Cell/date(_:)`` a real
/// date, ``Cell/number(_:)`` and ``Cell/bool(_:)`` what they say.
///
/// Rows are written through libxml2's `xmlTextWriter` (``XMLKit/XMLWriter``) into a scratch
/// file per sheet, with one 64 KiB buffer: memory does not grow with the number of rows.
/// ArchiveKit's zip writer needs each entry's size before its data, so the sheets are added
/// to the zip (deflated, through ``ArchiveKit/ArchiveWriter``) when ``commit()`` is called;
/// the archive itself is written to a temporary file beside `path`, fsynced and renamed onto
/// it, so an interrupted export never leaves a complete-looking workbook.
///
/// ```swift
/// let writer = try XLSXWriter(creatingAt: "学生.xlsx")
/// try writer.addSheet(name: "学生", columns: [SheetColumn("姓名"), SheetColumn("身份证号", width: 22)])
/// try writer.appendRow([.text("张三"), .text("11010520180101000X")])
/// try writer.commit()
/// ```
///
/// Not `Sendable`: it owns a libarchive write handle, a libxml2 writer and open scratch
/// files, none of which may be used from two threads at once.
public final class XLSXWriter {
    /// Where the workbook is written.
    public let path: String

    private var archive: ArchiveWriter?
    private let scratchDirectory: String
    private var finished: [WorkbookParts.SheetEntry] = []
    private var current: OpenSheet?
    private var names: [String: String] = [:]
    private var closed = false
    private var spoolPeak = 0

    /// The most bytes of sheet XML held in memory at once by any sheet so far: the scratch
    /// file's buffer or the largest piece libxml2 handed over. Tests use it to show memory
    /// stays bounded whatever the number of rows.
    var peakBufferedBytes: Int { max(spoolPeak, current?.spool.peakBufferedBytes ?? 0) }

    /// Starts a workbook that ``commit()`` will put at `path`.
    ///
    /// Creates the zip's temporary file beside `path` (``ArchiveKit/ArchiveWriter`` with
    /// ``ArchiveKit/ArchiveFormat/zip``) and, also beside it, a hidden scratch directory
    /// `.<name>.sheets-XXXXXX` (mkdtemp(3), mode 0700) for the sheets' XML: on the disk that
    /// must hold the workbook anyway, not in a `/tmp` that may live in memory.
    /// - Throws: ``SheetError/archive(_:)`` with ``ArchiveKit/ArchiveError/targetExists(path:)``
    ///   if `path` exists, or if the temporary file cannot be created;
    ///   ``SheetError/io(operation:path:errno:)`` if the scratch directory cannot be made.
    public init(creatingAt path: String) throws(SheetError) {
        self.path = path
        do {
            archive = try ArchiveWriter(creatingAt: path, format: .zip)
        } catch {
            throw .archive(error)
        }
        let url = URL(fileURLWithPath: path)
        var template = Array("\(url.deletingLastPathComponent().path)/.\(url.lastPathComponent).sheets-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            let code = errno
            archive?.cancel()
            throw .io(operation: "create scratch directory beside", path: path, errno: code)
        }
        scratchDirectory = String(cString: made)
    }

    deinit {
        archive?.cancel()
        try? FileManager.default.removeItem(atPath: scratchDirectory)
    }

    // MARK: Sheets and rows

    /// Finishes the current sheet, if any, and starts a new one with a header row.
    ///
    /// - Parameters:
    ///   - name: the sheet's name: 1 to 31 characters, none of `[ ] : * ? / \`, not starting
    ///     or ending with `'`, unique in the workbook ignoring case.
    ///   - columns: the columns, in order; their headers make row 1.
    /// - Throws: ``SheetError/invalidSheetName(name:problem:)``,
    ///   ``SheetError/duplicateSheetName(name:earlier:)``, ``SheetError/noColumns(sheet:)``,
    ///   ``SheetError/tooManyColumns(sheet:count:limit:)``,
    ///   ``SheetError/cellTextTooLong(sheet:cell:length:limit:)`` for a header;
    ///   ``SheetError/io(operation:path:errno:)``; ``SheetError/writerClosed(path:)``.
    public func addSheet(name: String, columns: [SheetColumn]) throws(SheetError) {
        try usable()
        if let problem = SheetName.problem(with: name) { throw .invalidSheetName(name: name, problem: problem) }
        if let earlier = names[name.lowercased()] { throw .duplicateSheetName(name: name, earlier: earlier) }
        if columns.isEmpty { throw .noColumns(sheet: name) }
        if columns.count > CellRef.maxColumns {
            throw .tooManyColumns(sheet: name, count: columns.count, limit: CellRef.maxColumns)
        }
        let header = columns.map { Cell.text($0.header) }
        try Self.validate(header, sheet: name, row: 1)

        do {
            try finishCurrent()
            let index = finished.count + 1
            let spool = try SheetSpool(path: "\(scratchDirectory)/sheet\(index).xml")
            let sheet = try OpenSheet(
                name: name, partName: "xl/worksheets/sheet\(index).xml", columns: columns, spool: spool, selected: index == 1)
            names[name.lowercased()] = name
            current = sheet
            try sheet.write(row: 1, header, header: true)
        } catch {
            fail()
            throw error
        }
    }

    /// Appends one row to the current sheet.
    ///
    /// The row is checked whole before any of it is written, so a refused row leaves the
    /// sheet as it was.
    /// - Parameter cells: the row's cells, from column A; at most as many as the sheet has
    ///   columns (fewer leave the rest empty).
    /// - Throws: ``SheetError/noSheet``; ``SheetError/rowTooWide(sheet:row:cells:columns:)``;
    ///   ``SheetError/tooManyRows(sheet:limit:)`` past Excel's 1,048,576 rows;
    ///   ``SheetError/cellTextTooLong(sheet:cell:length:limit:)``,
    ///   ``SheetError/invalidNumber(sheet:cell:)``, ``SheetError/invalidDate(sheet:cell:date:)``;
    ///   ``SheetError/io(operation:path:errno:)``; ``SheetError/writerClosed(path:)``.
    public func appendRow(_ cells: [Cell]) throws(SheetError) {
        try usable()
        guard let sheet = current else { throw .noSheet }
        if cells.count > sheet.columns.count {
            throw .rowTooWide(sheet: sheet.name, row: sheet.rowCount + 1, cells: cells.count, columns: sheet.columns.count)
        }
        let row = sheet.rowCount + 1
        if row > CellRef.maxRows { throw .tooManyRows(sheet: sheet.name, limit: CellRef.maxRows) }
        try Self.validate(cells, sheet: sheet.name, row: row)
        do {
            try sheet.write(row: row, cells, header: false)
        } catch {
            fail()
            throw error
        }
    }

    /// Rows written to the current sheet so far, not counting its header.
    public var rowCount: Int { max((current?.rowCount ?? 1) - 1, 0) }

    // MARK: Finishing

    /// Finishes the last sheet, writes the workbook's other parts and every sheet into the
    /// zip, and moves the finished file onto ``path``.
    ///
    /// The zip holds, in this order: `[Content_Types].xml`, `_rels/.rels`, `xl/workbook.xml`,
    /// `xl/_rels/workbook.xml.rels`, `xl/styles.xml`, `xl/worksheets/sheetN.xml`. Calls
    /// ``ArchiveKit/ArchiveWriter/addData(_:_:mode:modificationTime:)-([UInt8])``,
    /// ``ArchiveKit/ArchiveWriter/addFile(_:contentsOf:mode:modificationTime:observe:)`` and
    /// ``ArchiveKit/ArchiveWriter/commit()`` (fsync and rename). The scratch files are removed.
    /// - Throws: ``SheetError/noSheet`` if no sheet was added; ``SheetError/archive(_:)``
    ///   (e.g. ``ArchiveKit/ArchiveError/targetExists(path:)`` if `path` appeared meanwhile,
    ///   or a full disk); ``SheetError/io(operation:path:errno:)``;
    ///   ``SheetError/writerClosed(path:)``. After a failure nothing is left at `path`.
    public func commit() throws(SheetError) {
        try usable()
        guard current != nil || !finished.isEmpty else { throw .noSheet }
        do throws(SheetError) {
            try finishCurrent()
            guard let archive else { throw SheetError.writerClosed(path: path) }
            let parts: [(String, [UInt8])]
            do {
                parts = [
                    ("[Content_Types].xml", try WorkbookParts.contentTypes(finished)),
                    ("_rels/.rels", try WorkbookParts.packageRelationships()),
                    ("xl/workbook.xml", try WorkbookParts.workbook(finished)),
                    ("xl/_rels/workbook.xml.rels", try WorkbookParts.workbookRelationships(finished)),
                    ("xl/styles.xml", try WorkbookParts.styles()),
                ]
            } catch {
                throw SheetError.xml(part: "xl/workbook.xml", sheet: nil, error: error)
            }
            do {
                for (name, bytes) in parts { try archive.addData(name, bytes) }
                for (index, sheet) in finished.enumerated() {
                    try archive.addFile(sheet.partName, contentsOf: "\(scratchDirectory)/sheet\(index + 1).xml", mode: 0o644)
                }
                try archive.commit()
            } catch {
                throw SheetError.archive(error)
            }
        } catch {
            fail()
            throw error
        }
        self.archive = nil
        closed = true
        try? FileManager.default.removeItem(atPath: scratchDirectory)
    }

    /// Abandons the workbook: nothing is written at ``path`` and the scratch files are removed.
    /// Further calls throw ``SheetError/writerClosed(path:)``.
    public func cancel() {
        fail()
    }

    // MARK: Internals

    private func usable() throws(SheetError) {
        if closed { throw .writerClosed(path: path) }
    }

    private func fail() {
        archive?.cancel()
        archive = nil
        current = nil
        closed = true
        try? FileManager.default.removeItem(atPath: scratchDirectory)
    }

    private func finishCurrent() throws(SheetError) {
        guard let sheet = current else { return }
        current = nil
        try sheet.finish()
        spoolPeak = max(spoolPeak, sheet.spool.peakBufferedBytes)
        finished.append(
            WorkbookParts.SheetEntry(name: sheet.name, partName: sheet.partName, columnCount: sheet.columns.count, rowCount: sheet.rowCount))
    }

    /// Excel's limit on the text of one cell, in UTF-16 code units.
    static let maxCellText = 32_767

    /// Checks a row before anything of it is written.
    private static func validate(_ cells: [Cell], sheet: String, row: Int) throws(SheetError) {
        for (column, cell) in cells.enumerated() {
            switch cell {
            case .text(let text):
                let length = text.utf16.count
                if length > maxCellText {
                    throw .cellTextTooLong(sheet: sheet, cell: CellRef(column: column, row: row), length: length, limit: maxCellText)
                }
            case .number(let number):
                if !number.isFinite { throw .invalidNumber(sheet: sheet, cell: CellRef(column: column, row: row)) }
            case .date(let date):
                if !date.isValid { throw .invalidDate(sheet: sheet, cell: CellRef(column: column, row: row), date: date) }
            case .bool, .empty:
                break
            }
        }
    }
}

/// The sheet being written: its XML writer, scratch file and position.
private final class OpenSheet {
    let name: String
    let partName: String
    let columns: [SheetColumn]
    let spool: SheetSpool
    /// Rows written, the header included.
    private(set) var rowCount = 0
    private let xml: XMLWriter
    private let letters: [String]

    init(name: String, partName: String, columns: [SheetColumn], spool: SheetSpool, selected: Bool) throws(SheetError) {
        self.name = name
        self.partName = partName
        self.columns = columns
        self.spool = spool
        letters = columns.indices.map(CellRef.columnName)
        do {
            xml = try XMLWriter(sink: { try spool.append($0) })
        } catch {
            throw .xml(part: partName, sheet: name, error: error)
        }
        try writing { () throws(XMLError) in
            try xml.startDocument()
            try xml.startElement("worksheet")
            try xml.attribute("xmlns", OOXML.mainNamespace)
            try xml.attribute("xmlns:r", OOXML.relationshipsNamespace)
            try xml.startElement("sheetViews")
            try xml.startElement("sheetView")
            if selected { try xml.attribute("tabSelected", "1") }
            try xml.attribute("workbookViewId", "0")
            try xml.element(
                "pane", attributes: [("ySplit", "1"), ("topLeftCell", "A2"), ("activePane", "bottomLeft"), ("state", "frozen")])
            try xml.element("selection", attributes: [("pane", "bottomLeft"), ("activeCell", "A2"), ("sqref", "A2")])
            try xml.endElement()
            try xml.endElement()
            try xml.element("sheetFormatPr", attributes: [("defaultRowHeight", "15")])
            try xml.startElement("cols")
            for (index, column) in columns.enumerated() {
                try xml.element(
                    "col",
                    attributes: [
                        ("min", "\(index + 1)"), ("max", "\(index + 1)"), ("width", NumberText.format(column.effectiveWidth)),
                        ("customWidth", "1"),
                    ])
            }
            try xml.endElement()
            try xml.startElement("sheetData")
        }
    }

    /// Writes one checked row.
    func write(row: Int, _ cells: [Cell], header: Bool) throws(SheetError) {
        let number = String(row)
        try writing { () throws(XMLError) in
            try xml.startElement("row")
            try xml.attribute("r", number)
            for index in 0..<cells.count {
                let reference = letters[index] + number
                switch cells[index] {
                case .text(let text):
                    guard !text.isEmpty else { continue }
                    try xml.startElement("c")
                    try xml.attribute("r", reference)
                    try xml.attribute("s", header ? WorkbookParts.Style.header : WorkbookParts.Style.text)
                    try xml.attribute("t", "inlineStr")
                    try xml.startElement("is")
                    if Self.isXMLSpace(text.utf8.first) || Self.isXMLSpace(text.utf8.last) {
                        try xml.element("t", attributes: [("xml:space", "preserve")], text: CellText.escape(text))
                    } else {
                        try xml.element("t", text: CellText.escape(text))
                    }
                    try xml.endElement()
                    try xml.endElement()
                case .number(let value):
                    try xml.startElement("c")
                    try xml.attribute("r", reference)
                    try xml.element("v", text: NumberText.format(value))
                    try xml.endElement()
                case .date(let date):
                    try xml.startElement("c")
                    try xml.attribute("r", reference)
                    try xml.attribute("s", date.secondsIntoDay == 0 ? WorkbookParts.Style.date : WorkbookParts.Style.dateTime)
                    try xml.element("v", text: NumberText.format(ExcelDate.serial(of: date)))
                    try xml.endElement()
                case .bool(let value):
                    try xml.startElement("c")
                    try xml.attribute("r", reference)
                    try xml.attribute("t", "b")
                    try xml.element("v", text: value ? "1" : "0")
                    try xml.endElement()
                case .empty:
                    continue
                }
            }
            try xml.endElement()
        }
        rowCount = row
    }

    /// Whether `byte` is XML white space (space, tab, line feed, carriage return), which a
    /// reader may strip from the ends of a `<t>` unless it says `xml:space="preserve"`.
    private static func isXMLSpace(_ byte: UInt8?) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// Closes `sheetData`, adds the autofilter over every row written and closes the file.
    func finish() throws(SheetError) {
        let range = "A1:\(letters[letters.count - 1])\(max(rowCount, 1))"
        try writing { () throws(XMLError) in
            try xml.endElement()  // sheetData
            try xml.element("autoFilter", attributes: [("ref", range)])
            try xml.element(
                "pageMargins",
                attributes: [("left", "0.7"), ("right", "0.7"), ("top", "0.75"), ("bottom", "0.75"), ("header", "0.3"), ("footer", "0.3")])
            try xml.endDocument()
        }
        try spool.close()
    }

    /// Runs XML writing, reporting a scratch file failure as itself and anything else as
    /// an XML failure of this sheet's part.
    private func writing(_ body: () throws(XMLError) -> Void) throws(SheetError) {
        do {
            try body()
        } catch .sinkFailed(let cause as SheetError) {
            throw cause
        } catch {
            throw .xml(part: partName, sheet: name, error: error)
        }
    }
}
