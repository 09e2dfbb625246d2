import ArchiveKit
import XMLKit

/// One row of a sheet as read: its number and the cells that hold a value.
public struct SheetRow: Sendable, Hashable {
    /// The sheet the row belongs to.
    public let sheet: String
    /// The 1-based row number.
    public let number: Int
    /// The cells holding a value, by reference (`C7`); empty cells are absent.
    public let cells: [CellRef: CellValue]

    /// Creates a row.
    public init(sheet: String, number: Int, cells: [CellRef: CellValue]) {
        self.sheet = sheet
        self.number = number
        self.cells = cells
    }

    /// The value in 0-based column `column` of this row, if any.
    public subscript(column: Int) -> CellValue? {
        guard (0..<CellRef.maxColumns).contains(column) else { return nil }
        return cells[CellRef(column: column, row: number)]
    }

    /// Whether no cell holds anything but white-space text (a row Excel keeps only for its
    /// formatting, or one a person cleared).
    public var isBlank: Bool {
        cells.values.allSatisfy { value in
            if case .text(let text) = value { return text.allSatisfy(\.isWhitespace) }
            return false
        }
    }
}

/// Streams the rows of one worksheet, in order, straight out of the zip entry.
///
/// Made by ``XLSXReader/rows(of:)``. Each ``next()`` parses one `<row>` and returns it; only
/// that row is in memory. Rows and cells must be in ascending order without duplicates
/// (Excel, LibreOffice and openpyxl write them so); a row or cell without its `r` attribute
/// takes the place after the previous one, as the format allows.
///
/// Not `Sendable`: it owns a libarchive read handle (through ``ArchiveKit/ArchiveReader``),
/// a libxml2 reader and the worker thread that connects them; use it from one task at a
/// time. ``close()`` (or releasing it) stops the worker and frees both handles.
public final class SheetRowReader {
    /// The sheet being read.
    public let sheet: SheetInfo

    private let workbook: XLSXReader
    private let archive: ArchiveReader
    private let pipe: EntryPipe
    private let xml: PartParser
    private var failure: SheetError?
    private var done = false
    private var inSheetData = false
    private var sheetDataDepth = 0
    private var previousRow = 0
    private var rowsRead = 0

    init(workbook: XLSXReader, sheet: SheetInfo) throws(SheetError) {
        self.workbook = workbook
        self.sheet = sheet
        do {
            archive = try ArchiveReader(path: workbook.path, limits: workbook.limits.archive)
        } catch {
            throw .archive(error)
        }
        var found: ArchiveEntry?
        do {
            while let entry = try archive.next() {
                if entry.kind == .file && entry.path.lowercased() == sheet.part.lowercased() {
                    found = entry
                    break
                }
            }
        } catch {
            throw .archive(error)
        }
        guard let entry = found else { throw .missingPart(part: sheet.part, referencedBy: workbook.sheetsReferencedBy) }
        let pipe = EntryPipe(entry)
        self.pipe = pipe
        do {
            xml = try PartParser(
                part: sheet.part, sheet: sheet.name, limits: workbook.limits.streamedPartXML, source: { try pipe.read(into: $0) })
        } catch {
            pipe.close()
            throw error
        }
    }

    deinit {
        pipe.close()
    }

    /// Stops reading: the worker thread ends and further calls to ``next()`` return `nil`.
    public func close() {
        done = true
        pipe.close()
    }

    /// Reads the next row, or returns `nil` after the last one.
    ///
    /// Calls ``XMLKit/XMLReader/next()`` (`xmlTextReaderRead`) until the row's end tag.
    /// - Returns: the row with its cells, or `nil` at the end of the sheet's data.
    /// - Throws: ``SheetError/tooManyRows(sheet:limit:)``,
    ///   ``SheetError/tooManyColumns(sheet:count:limit:)``,
    ///   ``SheetError/rowOutOfOrder(sheet:row:previous:)``,
    ///   ``SheetError/cellOutOfOrder(sheet:cell:previous:)``,
    ///   ``SheetError/invalidCellReference(sheet:reference:)``,
    ///   ``SheetError/invalidCellValue(sheet:cell:value:type:)``,
    ///   ``SheetError/sharedStringIndexOutOfRange(sheet:cell:index:count:)``;
    ///   ``SheetError/xml(part:sheet:error:)`` for malformed or hostile XML;
    ///   ``SheetError/archive(_:)`` if the zip layer refuses the entry while it streams (a
    ///   zip bomb). After an error, every call throws it again.
    public func next() throws(SheetError) -> SheetRow? {
        if let failure { throw failure }
        if done { return nil }
        do {
            let row = try readRow()
            if row == nil { close() }
            return row
        } catch {
            failure = error
            close()
            throw error
        }
    }

    // MARK: Parsing

    private var name: String { sheet.name }
    private var limits: SheetLimits { workbook.limits }

    private func readRow() throws(SheetError) -> SheetRow? {
        if !inSheetData {
            while true {
                guard try xml.next() != nil else { return nil }
                if xml.isMain("sheetData") {
                    if xml.reader.isEmptyElement { return nil }
                    inSheetData = true
                    sheetDataDepth = xml.reader.depth
                    break
                }
            }
        }
        while let type = try xml.next() {
            if type == .endElement && xml.reader.depth == sheetDataDepth { return nil }
            guard type == .element else { continue }
            if xml.isMain("row") && xml.reader.depth == sheetDataDepth + 1 {
                return try readCells()
            }
            try xml.skipElement()
        }
        return nil
    }

    private func readCells() throws(SheetError) -> SheetRow {
        let number: Int
        if let text = xml.reader.attribute("r") {
            guard let value = Int(text), value >= 1 else { throw .invalidCellReference(sheet: name, reference: "row \(text)") }
            if value > limits.maxRows { throw .tooManyRows(sheet: name, limit: limits.maxRows) }
            number = value
        } else {
            number = previousRow + 1
        }
        if number <= previousRow { throw .rowOutOfOrder(sheet: name, row: number, previous: previousRow) }
        rowsRead += 1
        if rowsRead > limits.maxRows || number > limits.maxRows { throw .tooManyRows(sheet: name, limit: limits.maxRows) }
        previousRow = number

        var cells: [CellRef: CellValue] = [:]
        if xml.reader.isEmptyElement { return SheetRow(sheet: name, number: number, cells: cells) }
        let rowDepth = xml.reader.depth
        var previousColumn = -1
        var rowBytes = 0
        while let type = try xml.next() {
            if type == .endElement && xml.reader.depth == rowDepth { break }
            guard type == .element else { continue }
            guard xml.isMain("c") else {
                try xml.skipElement()
                continue
            }
            let (reference, value) = try readCell(row: number, after: previousColumn)
            previousColumn = reference.column
            guard let value else { continue }
            rowBytes += value.textBytes
            if rowBytes > limits.maxRowBytes { throw .rowTooLarge(sheet: name, row: number, limit: limits.maxRowBytes) }
            cells[reference] = value
        }
        return SheetRow(sheet: name, number: number, cells: cells)
    }

    private func readCell(row: Int, after previousColumn: Int) throws(SheetError) -> (CellRef, CellValue?) {
        let referenceText = xml.reader.attribute("r")
        let type = xml.reader.attribute("t")
        let style = xml.reader.attribute("s").flatMap { Int($0) }
        let reference: CellRef
        if let referenceText {
            // Not A1 within A1:XFD1048576, or not in this row.
            guard let parsed = CellRef(referenceText), parsed.row == row else {
                throw .invalidCellReference(sheet: name, reference: referenceText)
            }
            reference = parsed
        } else {
            guard previousColumn + 1 < CellRef.maxColumns else {
                throw .tooManyColumns(sheet: name, count: previousColumn + 2, limit: limits.maxColumns)
            }
            reference = CellRef(column: previousColumn + 1, row: row)
        }
        if reference.column >= limits.maxColumns {
            throw .tooManyColumns(sheet: name, count: reference.column + 1, limit: limits.maxColumns)
        }
        if reference.column <= previousColumn {
            throw .cellOutOfOrder(sheet: name, cell: reference, previous: CellRef(column: previousColumn, row: row))
        }
        if xml.reader.isEmptyElement { return (reference, nil) }

        let cellDepth = xml.reader.depth
        var formula: String?
        var raw: String?
        var inline: String?
        while let node = try xml.next() {
            if node == .endElement && xml.reader.depth == cellDepth { break }
            guard node == .element else { continue }
            if xml.isMain("v") {
                raw = try xml.readText()
            } else if xml.isMain("f") {
                formula = try xml.readText()
            } else if xml.isMain("is") {
                inline = try readRichText(xml, limit: limits.maxCellTextBytes)
            } else {
                try xml.skipElement()
            }
        }
        let value = try interpret(type: type, raw: raw, inline: inline, style: style, at: reference)
        if let formula { return (reference, .formula(formula, cached: value)) }
        return (reference, value)
    }

    /// The value of a cell from its type (`t`), stored value (`<v>`), inline string and format.
    private func interpret(type: String?, raw: String?, inline: String?, style: Int?, at cell: CellRef) throws(SheetError)
        -> CellValue?
    {
        switch type {
        case "inlineStr":
            return inline.map { .text(CellText.unescape($0)) }
        case "s":
            guard let raw else { return nil }
            let strings = workbook.sharedStrings
            guard let index = Int(raw) else {
                throw .invalidCellValue(sheet: name, cell: cell, value: raw, type: "shared string index")
            }
            guard index >= 0 && index < strings.count else {
                throw .sharedStringIndexOutOfRange(sheet: name, cell: cell, index: index, count: strings.count)
            }
            return .text(strings[index])
        case "str":
            return raw.map { .text(CellText.unescape($0)) }
        case "b":
            switch raw {
            case nil: return nil
            case "1", "true": return .bool(true)
            case "0", "false": return .bool(false)
            case let other?: throw .invalidCellValue(sheet: name, cell: cell, value: other, type: "boolean")
            }
        case "e":
            return raw.map { .error($0) }
        case "d":
            guard let raw else { return nil }
            guard let date = ISODate.parse(raw) else { throw .invalidCellValue(sheet: name, cell: cell, value: raw, type: "date") }
            return .date(date)
        case nil, "n":
            guard let raw, !raw.isEmpty else { return nil }
            guard let number = Double(raw), number.isFinite else {
                throw .invalidCellValue(sheet: name, cell: cell, value: raw, type: "number")
            }
            if let style, style >= 0, style < workbook.formats.isDate.count, workbook.formats.isDate[style] {
                guard let date = ExcelDate.date(fromSerial: number, date1904: workbook.usesDate1904) else {
                    throw .invalidCellValue(sheet: name, cell: cell, value: raw, type: "date serial number")
                }
                return .date(date)
            }
            return .number(number)
        case let other?:
            throw .invalidCellValue(sheet: name, cell: cell, value: other, type: "cell type")
        }
    }
}

extension CellValue {
    /// The UTF-8 bytes of text the value holds, for ``SheetLimits/maxRowBytes``.
    var textBytes: Int {
        switch self {
        case .text(let text), .error(let text): text.utf8.count
        case .formula(let formula, let cached): formula.utf8.count + (cached?.textBytes ?? 0)
        case .number, .date, .bool: 8
        }
    }
}

/// ISO 8601 dates as `t="d"` cells hold them: `2024-09-01`, `2024-09-01T08:30:00`,
/// optionally with fractional seconds and `Z`.
enum ISODate {
    static func parse(_ text: String) -> SheetDate? {
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[range] {
                guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard bytes.count >= 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            let year = number(0..<4), let month = number(5..<7), let day = number(8..<10)
        else { return nil }
        var date = SheetDate(year: year, month: month, day: day)
        if bytes.count > 10 {
            guard bytes[10] == UInt8(ascii: "T"), bytes.count >= 16, bytes[13] == UInt8(ascii: ":"),
                let hour = number(11..<13), let minute = number(14..<16)
            else { return nil }
            var second = 0
            if bytes.count >= 19, bytes[16] == UInt8(ascii: ":") {
                guard let value = number(17..<19) else { return nil }
                second = value
            }
            guard hour < 24, minute < 60, second < 60 else { return nil }
            date.secondsIntoDay = hour * 3600 + minute * 60 + second
        }
        guard (1...12).contains(date.month), (1...ExcelDate.daysInMonth(year: date.year, month: date.month)).contains(date.day)
        else { return nil }
        return date
    }
}
