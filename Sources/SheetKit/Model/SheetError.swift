import ArchiveKit
import XMLKit

#if canImport(Glibc)
import Glibc
#endif

/// Everything that can go wrong while writing or reading a spreadsheet.
///
/// Every case names what it is about: the sheet, the cell (`C7`), the part of the package
/// (`xl/worksheets/sheet1.xml`) or the file. ``code`` gives the stable dotted code
/// (`sheet.not-text` …), ``en`` and ``zh`` the message in English and Chinese, each saying
/// what is wrong, where, and what to do.
public enum SheetError: Error {
    // MARK: Writing

    /// A sheet name Excel would not accept.
    case invalidSheetName(name: String, problem: SheetNameProblem)
    /// Two sheets whose names differ at most in letter case (Excel compares them that way).
    case duplicateSheetName(name: String, earlier: String)
    /// ``XLSXWriter/addSheet(name:columns:)`` with no columns.
    case noColumns(sheet: String)
    /// More columns than a sheet can hold (``CellRef/maxColumns``), in a writer's
    /// ``XLSXWriter/addSheet(name:columns:)`` or a cell read beyond ``SheetLimits/maxColumns``.
    case tooManyColumns(sheet: String, count: Int, limit: Int)
    /// A row appended (or a workbook committed) before any sheet was added.
    case noSheet
    /// A row with more cells than its sheet has columns.
    case rowTooWide(sheet: String, row: Int, cells: Int, columns: Int)
    /// More rows than the limit: Excel's 1,048,576 when writing, ``SheetLimits/maxRows``
    /// when reading.
    case tooManyRows(sheet: String, limit: Int)
    /// Text longer than Excel's 32,767 characters for one cell.
    case cellTextTooLong(sheet: String, cell: CellRef, length: Int, limit: Int)
    /// A number that is NaN or infinite, which a spreadsheet cannot hold.
    case invalidNumber(sheet: String, cell: CellRef)
    /// A date that does not exist or lies outside 1900-01-01 … 9999-12-31.
    case invalidDate(sheet: String, cell: CellRef, date: SheetDate)
    /// The writer was used after ``XLSXWriter/commit()``, ``XLSXWriter/cancel()`` or a failure.
    case writerClosed(path: String)
    /// A scratch file for a sheet being written could not be created, written or closed.
    case io(operation: String, path: String, errno: Int32)

    // MARK: Reading the package

    /// The file is not a spreadsheet package: `detail` says what is missing
    /// (`_rels/.rels`, the office document relationship, `<sheets>` …).
    case notAWorkbook(path: String, detail: String)
    /// A part that the package's relationships name is not in the archive.
    case missingPart(part: String, referencedBy: String)
    /// A workbook, styles, relationships or content types part larger than
    /// ``SheetLimits/maxPartSize``.
    case partTooLarge(part: String, limit: Int64)
    /// No worksheet of that name; `available` lists the workbook's worksheets.
    case sheetNotFound(name: String, available: [String])
    /// More sheets than ``SheetLimits/maxSheets``.
    case tooManySheets(limit: Int)
    /// More shared strings than ``SheetLimits/maxSharedStrings`` (declared or counted).
    case tooManySharedStrings(limit: Int)
    /// Shared strings longer together than ``SheetLimits/maxSharedStringBytes`` bytes.
    case sharedStringsTooLarge(limit: Int)
    /// Too many cell formats in the styles part (more than ``SheetLimits/maxCellFormats``).
    case tooManyCellFormats(limit: Int)

    // MARK: Reading cells

    /// A cell refers to shared string `index`, but the table has only `count`.
    case sharedStringIndexOutOfRange(sheet: String, cell: CellRef, index: Int, count: Int)
    /// A cell or row reference that is not an A1 reference inside the sheet, or a cell
    /// reference outside its row.
    case invalidCellReference(sheet: String, reference: String)
    /// A cell at or before the previous cell of its row (duplicated or out of order).
    case cellOutOfOrder(sheet: String, cell: CellRef, previous: CellRef)
    /// A row numbered at or before the previous row (duplicated or out of order).
    case rowOutOfOrder(sheet: String, row: Int, previous: Int)
    /// A row whose text together exceeds ``SheetLimits/maxRowBytes``.
    case rowTooLarge(sheet: String, row: Int, limit: Int)
    /// A cell whose stored value does not fit its type (a boolean that is not 0 or 1, a
    /// number that does not parse, a date serial that is no date …).
    case invalidCellValue(sheet: String, cell: CellRef, value: String, type: String)

    // MARK: Reading a table (headers found by name)

    /// The header row lacks columns the reader needs.
    case missingColumns(sheet: String, names: [String])
    /// Two header cells with the same name.
    case duplicateColumn(sheet: String, name: String, cell: CellRef, earlier: CellRef)
    /// A required cell that is empty (or only white space).
    case emptyCell(sheet: String, cell: CellRef, column: String)
    /// A cell that must hold text holds something else: a number (an ID typed as a number
    /// loses digits), a date, a formula …
    case notText(sheet: String, cell: CellRef, column: String, found: CellValue)
    /// The same value twice in a column that must be unique.
    case duplicateValue(sheet: String, cell: CellRef, column: String, value: String, earlier: CellRef)
    /// The sheet has no header row.
    case emptySheet(sheet: String)

    // MARK: Lower layers

    /// ArchiveKit refused or failed to read or write the zip container: a zip bomb
    /// (``ArchiveError/compressionRatioExceeded(entry:uncompressed:compressed:limit:)``),
    /// an entry too large, too many entries, an unsafe name, a truncated file …
    case archive(ArchiveError)
    /// XMLKit refused or failed to parse a part, or to write one: malformed XML (with
    /// libxml2's line and column), a DOCTYPE, a limit. `sheet` is the sheet the part
    /// belongs to, if any.
    case xml(part: String, sheet: String?, error: XMLError)
}

extension SheetError {
    /// A stable dotted code, one per kind of problem (`sheet.not-text`); see ``Code``.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The dotted code itself.
        public let rawValue: String

        private init(_ rawValue: String) {
            self.rawValue = rawValue
        }

        /// The dotted code, e.g. `sheet.not-text`.
        public var description: String { rawValue }

        /// ``SheetError/invalidSheetName(name:problem:)``.
        public static let invalidSheetName = Code("sheet.invalid-name")
        /// ``SheetError/duplicateSheetName(name:earlier:)``.
        public static let duplicateSheetName = Code("sheet.duplicate-name")
        /// ``SheetError/noColumns(sheet:)``.
        public static let noColumns = Code("sheet.no-columns")
        /// ``SheetError/tooManyColumns(sheet:count:limit:)``.
        public static let tooManyColumns = Code("sheet.too-many-columns")
        /// ``SheetError/noSheet``.
        public static let noSheet = Code("sheet.no-sheet")
        /// ``SheetError/rowTooWide(sheet:row:cells:columns:)``.
        public static let rowTooWide = Code("sheet.row-too-wide")
        /// ``SheetError/tooManyRows(sheet:limit:)``.
        public static let tooManyRows = Code("sheet.too-many-rows")
        /// ``SheetError/cellTextTooLong(sheet:cell:length:limit:)``.
        public static let cellTextTooLong = Code("sheet.cell-text-too-long")
        /// ``SheetError/invalidNumber(sheet:cell:)``.
        public static let invalidNumber = Code("sheet.invalid-number")
        /// ``SheetError/invalidDate(sheet:cell:date:)``.
        public static let invalidDate = Code("sheet.invalid-date")
        /// ``SheetError/writerClosed(path:)``.
        public static let writerClosed = Code("sheet.writer-closed")
        /// ``SheetError/io(operation:path:errno:)``.
        public static let io = Code("sheet.io")
        /// ``SheetError/notAWorkbook(path:detail:)``.
        public static let notAWorkbook = Code("sheet.not-a-workbook")
        /// ``SheetError/missingPart(part:referencedBy:)``.
        public static let missingPart = Code("sheet.missing-part")
        /// ``SheetError/partTooLarge(part:limit:)``.
        public static let partTooLarge = Code("sheet.part-too-large")
        /// ``SheetError/sheetNotFound(name:available:)``.
        public static let sheetNotFound = Code("sheet.not-found")
        /// ``SheetError/tooManySheets(limit:)``.
        public static let tooManySheets = Code("sheet.too-many-sheets")
        /// ``SheetError/tooManySharedStrings(limit:)``.
        public static let tooManySharedStrings = Code("sheet.too-many-shared-strings")
        /// ``SheetError/sharedStringsTooLarge(limit:)``.
        public static let sharedStringsTooLarge = Code("sheet.shared-strings-too-large")
        /// ``SheetError/tooManyCellFormats(limit:)``.
        public static let tooManyCellFormats = Code("sheet.too-many-cell-formats")
        /// ``SheetError/sharedStringIndexOutOfRange(sheet:cell:index:count:)``.
        public static let sharedStringIndex = Code("sheet.shared-string-index")
        /// ``SheetError/invalidCellReference(sheet:reference:)``.
        public static let invalidCellReference = Code("sheet.invalid-cell-reference")
        /// ``SheetError/cellOutOfOrder(sheet:cell:previous:)``.
        public static let cellOutOfOrder = Code("sheet.cell-out-of-order")
        /// ``SheetError/rowOutOfOrder(sheet:row:previous:)``.
        public static let rowOutOfOrder = Code("sheet.row-out-of-order")
        /// ``SheetError/rowTooLarge(sheet:row:limit:)``.
        public static let rowTooLarge = Code("sheet.row-too-large")
        /// ``SheetError/invalidCellValue(sheet:cell:value:type:)``.
        public static let invalidCellValue = Code("sheet.invalid-cell-value")
        /// ``SheetError/missingColumns(sheet:names:)``.
        public static let missingColumn = Code("sheet.missing-column")
        /// ``SheetError/duplicateColumn(sheet:name:cell:earlier:)``.
        public static let duplicateColumn = Code("sheet.duplicate-column")
        /// ``SheetError/emptyCell(sheet:cell:column:)``.
        public static let emptyCell = Code("sheet.empty-cell")
        /// ``SheetError/notText(sheet:cell:column:found:)``.
        public static let notText = Code("sheet.not-text")
        /// ``SheetError/duplicateValue(sheet:cell:column:value:earlier:)``.
        public static let duplicateValue = Code("sheet.duplicate-value")
        /// ``SheetError/emptySheet(sheet:)``.
        public static let emptySheet = Code("sheet.empty")
        /// ``SheetError/archive(_:)``.
        public static let archive = Code("sheet.archive")
        /// ``SheetError/xml(part:sheet:error:)``.
        public static let xml = Code("sheet.xml")

        /// Every code, in declaration order.
        public static let all: [Code] = [
            invalidSheetName, duplicateSheetName, noColumns, tooManyColumns, noSheet, rowTooWide, tooManyRows,
            cellTextTooLong, invalidNumber, invalidDate, writerClosed, io, notAWorkbook, missingPart, partTooLarge,
            sheetNotFound, tooManySheets, tooManySharedStrings, sharedStringsTooLarge, tooManyCellFormats,
            sharedStringIndex, invalidCellReference, cellOutOfOrder, rowOutOfOrder, rowTooLarge, invalidCellValue, missingColumn,
            duplicateColumn, emptyCell, notText, duplicateValue, emptySheet, archive, xml,
        ]
    }

    /// The stable dotted code of this error.
    public var code: Code {
        switch self {
        case .invalidSheetName: .invalidSheetName
        case .duplicateSheetName: .duplicateSheetName
        case .noColumns: .noColumns
        case .tooManyColumns: .tooManyColumns
        case .noSheet: .noSheet
        case .rowTooWide: .rowTooWide
        case .tooManyRows: .tooManyRows
        case .cellTextTooLong: .cellTextTooLong
        case .invalidNumber: .invalidNumber
        case .invalidDate: .invalidDate
        case .writerClosed: .writerClosed
        case .io: .io
        case .notAWorkbook: .notAWorkbook
        case .missingPart: .missingPart
        case .partTooLarge: .partTooLarge
        case .sheetNotFound: .sheetNotFound
        case .tooManySheets: .tooManySheets
        case .tooManySharedStrings: .tooManySharedStrings
        case .sharedStringsTooLarge: .sharedStringsTooLarge
        case .tooManyCellFormats: .tooManyCellFormats
        case .sharedStringIndexOutOfRange: .sharedStringIndex
        case .invalidCellReference: .invalidCellReference
        case .cellOutOfOrder: .cellOutOfOrder
        case .rowOutOfOrder: .rowOutOfOrder
        case .rowTooLarge: .rowTooLarge
        case .invalidCellValue: .invalidCellValue
        case .missingColumns: .missingColumn
        case .duplicateColumn: .duplicateColumn
        case .emptyCell: .emptyCell
        case .notText: .notText
        case .duplicateValue: .duplicateValue
        case .emptySheet: .emptySheet
        case .archive: .archive
        case .xml: .xml
        }
    }

    /// The sheet the error is about, when there is one.
    public var sheet: String? {
        switch self {
        case .invalidSheetName(let name, _), .duplicateSheetName(let name, _), .sheetNotFound(let name, _):
            name
        case .noColumns(let sheet), .tooManyColumns(let sheet, _, _), .rowTooWide(let sheet, _, _, _),
            .tooManyRows(let sheet, _), .cellTextTooLong(let sheet, _, _, _), .invalidNumber(let sheet, _),
            .invalidDate(let sheet, _, _), .sharedStringIndexOutOfRange(let sheet, _, _, _),
            .invalidCellReference(let sheet, _), .cellOutOfOrder(let sheet, _, _), .rowOutOfOrder(let sheet, _, _),
            .rowTooLarge(let sheet, _, _), .invalidCellValue(let sheet, _, _, _), .missingColumns(let sheet, _), .duplicateColumn(let sheet, _, _, _),
            .emptyCell(let sheet, _, _), .notText(let sheet, _, _, _), .duplicateValue(let sheet, _, _, _, _),
            .emptySheet(let sheet):
            sheet
        case .xml(_, let sheet, _):
            sheet
        case .noSheet, .writerClosed, .io, .notAWorkbook, .missingPart, .partTooLarge, .tooManySheets,
            .tooManySharedStrings, .sharedStringsTooLarge, .tooManyCellFormats, .archive:
            nil
        }
    }

    /// The cell the error is about, when there is one.
    public var cell: CellRef? {
        switch self {
        case .cellTextTooLong(_, let cell, _, _), .invalidNumber(_, let cell), .invalidDate(_, let cell, _),
            .sharedStringIndexOutOfRange(_, let cell, _, _), .cellOutOfOrder(_, let cell, _),
            .invalidCellValue(_, let cell, _, _), .duplicateColumn(_, _, let cell, _), .emptyCell(_, let cell, _),
            .notText(_, let cell, _, _), .duplicateValue(_, let cell, _, _, _):
            cell
        default:
            nil
        }
    }

    /// The part of the package (or the archive entry) the error is about, when there is one.
    public var part: String? {
        switch self {
        case .missingPart(let part, _), .partTooLarge(let part, _), .xml(let part, _, _): part
        case .archive(let error): error.entry
        default: nil
        }
    }
}

extension SheetError: CustomStringConvertible {
    /// The English message.
    public var description: String { en }

    /// `Sheet '学生', cell C7: ` — the place, as a prefix.
    private var placeEN: String {
        switch (sheet, cell) {
        case (let sheet?, let cell?): "Sheet '\(sheet)', cell \(cell): "
        case (let sheet?, nil): "Sheet '\(sheet)': "
        default: ""
        }
    }

    private var placeZH: String {
        switch (sheet, cell) {
        case (let sheet?, let cell?): "工作表“\(sheet)”单元格 \(cell)："
        case (let sheet?, nil): "工作表“\(sheet)”："
        default: ""
        }
    }

    /// The message in English: where, what is wrong, and what to do.
    public var en: String {
        placeEN + {
            switch self {
            case .invalidSheetName(_, let problem):
                return "cannot be used as a sheet name: \(problem.description); choose another name."
            case .duplicateSheetName(_, let earlier):
                return "has the same name as sheet '\(earlier)' (Excel ignores letter case); sheet names must be unique."
            case .noColumns:
                return "has no columns; give at least one column."
            case .tooManyColumns(_, let count, let limit):
                return "has \(count) columns, more than the limit of \(limit)."
            case .noSheet:
                return "No sheet has been added yet; add a sheet before writing rows or saving the workbook."
            case .rowTooWide(_, let row, let cells, let columns):
                return "row \(row) has \(cells) cells but the sheet has only \(columns) columns."
            case .tooManyRows(_, let limit):
                return "has more than \(limit) rows; split the data over several files."
            case .cellTextTooLong(_, _, let length, let limit):
                return "the text has \(length) characters, more than the \(limit) a cell can hold."
            case .invalidNumber:
                return "the number is not finite (NaN or infinity) and cannot be stored."
            case .invalidDate(_, _, let date):
                return "\(date) is not a date between 1900-01-01 and 9999-12-31."
            case .writerClosed(let path):
                return "The workbook writer for '\(path)' is closed (saved, cancelled or failed); start a new one."
            case .io(let operation, let path, let code):
                return "\(operation) '\(path)' failed: \(String(cString: strerror(code))) (errno \(code))."
            case .notAWorkbook(let path, let detail):
                return "'\(path)' is not an Excel workbook (.xlsx): \(detail). Save it from Excel or LibreOffice as .xlsx."
            case .missingPart(let part, let referencedBy):
                return "The workbook is damaged: '\(part)', named in '\(referencedBy)', is missing. Open and save it again in Excel."
            case .partTooLarge(let part, let limit):
                return "The workbook part '\(part)' is larger than the limit of \(limit) bytes."
            case .sheetNotFound(_, let available):
                return "there is no such sheet; the workbook has: \(available.map { "'\($0)'" }.joined(separator: ", "))."
            case .tooManySheets(let limit):
                return "The workbook has more than \(limit) sheets."
            case .tooManySharedStrings(let limit):
                return "The workbook has more than \(limit) shared strings; it is too large to import."
            case .sharedStringsTooLarge(let limit):
                return "The workbook's shared strings exceed \(limit) bytes together; it is too large to import."
            case .tooManyCellFormats(let limit):
                return "The workbook has more than \(limit) cell formats."
            case .sharedStringIndexOutOfRange(_, _, let index, let count):
                return "refers to shared string \(index) but the workbook has only \(count); the file is damaged."
            case .invalidCellReference(_, let reference):
                return "'\(reference)' is not a valid cell or row reference here; the file is damaged."
            case .cellOutOfOrder(_, _, let previous):
                return "comes after cell \(previous) in the file; cells must be unique and in order. Open and save the file again in Excel."
            case .rowOutOfOrder(_, let row, let previous):
                return "row \(row) comes after row \(previous) in the file; rows must be unique and in order. Open and save the file again in Excel."
            case .rowTooLarge(_, let row, let limit):
                return "row \(row) holds more than \(limit) bytes of text; the file is too large to import."
            case .invalidCellValue(_, _, let value, let type):
                return "the stored value '\(value.prefix(40))' is not a valid \(type); the file is damaged."
            case .missingColumns(_, let names):
                return "the header row lacks the column\(names.count == 1 ? "" : "s") \(names.map { "'\($0)'" }.joined(separator: ", ")); add \(names.count == 1 ? "it" : "them") to the first row."
            case .duplicateColumn(_, let name, _, let earlier):
                return "the header '\(name)' appears again (first in \(earlier)); each column name may appear once."
            case .emptyCell(_, _, let column):
                return "the cell in column '\(column)' is empty; fill it in."
            case .notText(_, _, let column, let found):
                return "the cell in column '\(column)' holds a \(found.kind) ('\(found.description.prefix(40))'), not text; format the column as Text and type the value again."
            case .duplicateValue(_, _, let column, let value, let earlier):
                return "'\(value)' in column '\(column)' already appears in \(earlier); each value may appear once."
            case .emptySheet:
                return "is empty; the first row must hold the column headers."
            case .archive(let error):
                return "The workbook's zip container was refused: \(error). \(Self.archiveRemedyEN(error))"
            case .xml(let part, _, let error):
                return "part '\(part)' of the workbook was refused: \(error)"
            }
        }()
    }

    /// The message in Chinese.
    public var zh: String {
        placeZH + {
            switch self {
            case .invalidSheetName(_, let problem):
                return "不能用作工作表名称：\(problem.chineseDescription)；请换一个名称。"
            case .duplicateSheetName(_, let earlier):
                return "与工作表“\(earlier)”同名（Excel 不区分大小写）；工作表名称不能重复。"
            case .noColumns:
                return "没有任何列；至少需要一列。"
            case .tooManyColumns(_, let count, let limit):
                return "有 \(count) 列，超过上限 \(limit)。"
            case .noSheet:
                return "尚未添加工作表；请先添加工作表，再写入行或保存工作簿。"
            case .rowTooWide(_, let row, let cells, let columns):
                return "第 \(row) 行有 \(cells) 个单元格，但工作表只有 \(columns) 列。"
            case .tooManyRows(_, let limit):
                return "超过 \(limit) 行；请把数据分到多个文件。"
            case .cellTextTooLong(_, _, let length, let limit):
                return "文本有 \(length) 个字符，超过单元格上限 \(limit)。"
            case .invalidNumber:
                return "数值不是有限数（NaN 或无穷大），无法保存。"
            case .invalidDate(_, _, let date):
                return "\(date) 不是 1900-01-01 至 9999-12-31 之间的有效日期。"
            case .writerClosed(let path):
                return "“\(path)”的工作簿写入器已关闭（已保存、已取消或已出错）；请重新创建。"
            case .io(let operation, let path, let code):
                return "\(operation) “\(path)” 失败：\(String(cString: strerror(code)))（errno \(code)）。"
            case .notAWorkbook(let path, let detail):
                return "“\(path)”不是 Excel 工作簿（.xlsx）：\(detail)。请用 Excel 或 LibreOffice 另存为 .xlsx。"
            case .missingPart(let part, let referencedBy):
                return "工作簿已损坏：“\(referencedBy)”引用的“\(part)”不存在。请在 Excel 中打开并重新保存。"
            case .partTooLarge(let part, let limit):
                return "工作簿部件“\(part)”超过 \(limit) 字节的上限。"
            case .sheetNotFound(_, let available):
                return "不存在；工作簿中有：\(available.map { "“\($0)”" }.joined(separator: "、"))。"
            case .tooManySheets(let limit):
                return "工作簿的工作表超过 \(limit) 个。"
            case .tooManySharedStrings(let limit):
                return "工作簿的共享字符串超过 \(limit) 个，文件过大，无法导入。"
            case .sharedStringsTooLarge(let limit):
                return "工作簿的共享字符串总计超过 \(limit) 字节，文件过大，无法导入。"
            case .tooManyCellFormats(let limit):
                return "工作簿的单元格格式超过 \(limit) 种。"
            case .sharedStringIndexOutOfRange(_, _, let index, let count):
                return "引用了第 \(index) 个共享字符串，但工作簿只有 \(count) 个；文件已损坏。"
            case .invalidCellReference(_, let reference):
                return "“\(reference)”在此处不是有效的单元格或行引用；文件已损坏。"
            case .cellOutOfOrder(_, _, let previous):
                return "在文件中位于单元格 \(previous) 之后；单元格不能重复且须按顺序。请在 Excel 中打开并重新保存。"
            case .rowOutOfOrder(_, let row, let previous):
                return "第 \(row) 行在文件中位于第 \(previous) 行之后；行不能重复且须按顺序。请在 Excel 中打开并重新保存。"
            case .rowTooLarge(_, let row, let limit):
                return "第 \(row) 行的文本超过 \(limit) 字节，文件过大，无法导入。"
            case .invalidCellValue(_, _, let value, let type):
                return "存储的值“\(value.prefix(40))”不是有效的\(type)；文件已损坏。"
            case .missingColumns(_, let names):
                return "表头缺少列\(names.map { "“\($0)”" }.joined(separator: "、"))；请在第一行补上。"
            case .duplicateColumn(_, let name, _, let earlier):
                return "表头“\(name)”重复出现（第一次在 \(earlier)）；每个列名只能出现一次。"
            case .emptyCell(_, _, let column):
                return "“\(column)”列的单元格为空；请填写。"
            case .notText(_, _, let column, let found):
                return "“\(column)”列的单元格是\(found.chineseKind)（“\(found.description.prefix(40))”），不是文本；请把该列设置为“文本”格式后重新输入。"
            case .duplicateValue(_, _, let column, let value, let earlier):
                return "“\(column)”列的“\(value)”已在 \(earlier) 出现过；每个值只能出现一次。"
            case .emptySheet:
                return "是空的；第一行必须是列标题。"
            case .archive(let error):
                return "\(Self.archiveProblemZH(error))\(Self.archiveRemedyZH(error))（详情：\(error)）"
            case .xml(let part, _, let error):
                return "工作簿部件“\(part)”被拒绝：\(error.chineseDescription)"
            }
        }()
    }
}

extension SheetError {
    /// Whether a zip failure happened while writing a workbook (the file system's fault) rather
    /// than while reading one (the file's).
    private static func isWriting(_ error: ArchiveError) -> Bool {
        switch error {
        case .targetExists, .writerClosed, .sourceNotRegularFile, .sourceSizeChanged, .io: true
        default: false
        }
    }

    private static func archiveRemedyEN(_ error: ArchiveError) -> String {
        switch error {
        case .targetExists: "Choose another file name or remove the existing file."
        case _ where isWriting(error): "Check that the folder exists, is writable and has free space, then try again."
        default: "Open the file in Excel or LibreOffice, save it again as .xlsx (Excel Workbook), and retry."
        }
    }

    /// What went wrong with a workbook's zip container, in Chinese (ArchiveKit's own text is
    /// English; it follows as the detail).
    private static func archiveProblemZH(_ error: ArchiveError) -> String {
        switch error {
        case .targetExists(let path): "文件“\(path)”已存在，未覆盖。"
        case .writerClosed, .sourceNotRegularFile, .sourceSizeChanged: "写入工作簿失败。"
        case .io(let operation, let path, let code): "\(operation) “\(path)” 失败：\(String(cString: strerror(code)))（errno \(code)）。"
        case .tooManyEntries, .entryTooLarge, .totalSizeExceeded, .compressionRatioExceeded:
            "工作簿解压后过大或条目过多（可能是恶意构造的压缩包），已拒绝，未导入任何内容。"
        case .unsafePath(let entry, _), .invalidUTF8Name(let entry, _), .unsupportedEntryType(let entry, _),
             .duplicateEntry(let entry), .nameCollision(let entry, _), .pathConflict(let entry, _),
             .outsideRequiredRoot(let entry, _):
            "工作簿中的条目“\(entry)”名称不安全或重复，已拒绝，未导入任何内容。"
        default: "文件不是有效的 .xlsx 压缩包，或已损坏、不完整，未导入任何内容。"
        }
    }

    private static func archiveRemedyZH(_ error: ArchiveError) -> String {
        switch error {
        case .targetExists: "请换一个文件名，或先删除已有文件。"
        case _ where isWriting(error): "请确认目录存在、可写且有剩余空间，然后重试。"
        default: "请用 Excel 或 LibreOffice 打开该文件，另存为 .xlsx（Excel 工作簿）后重试。"
        }
    }
}

extension SheetError: Sendable {}
