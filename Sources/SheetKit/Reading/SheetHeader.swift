/// A sheet's header row, with its columns found by name: the order of the columns in the
/// file does not matter, and columns nobody asked for are ignored.
///
/// ```swift
/// let rows = try workbook.rows(of: "学校")
/// guard let first = try rows.next() else { throw SheetError.emptySheet(sheet: "学校") }
/// let header = try SheetHeader(first, required: ["学校名称", "学校代码"], optional: ["地址"])
/// var codes = UniqueColumn("学校代码")
/// while let row = try rows.next(), !row.isBlank {
///     let code = try header.text("学校代码", in: row)
///     try codes.check(code, at: header.cell("学校代码", in: row), sheet: row.sheet)
/// }
/// ```
public struct SheetHeader: Sendable, Hashable {
    /// The sheet the header belongs to.
    public let sheet: String
    /// The header's row number.
    public let row: Int
    /// The 0-based column of each known header name.
    public let columns: [String: Int]

    /// Finds the columns named `required` and `optional` in `row`.
    ///
    /// Header texts are compared after trimming white space (full-width spaces included).
    /// - Throws: ``SheetError/notText(sheet:cell:column:found:)`` for a header cell that is
    ///   not text; ``SheetError/duplicateColumn(sheet:name:cell:earlier:)`` if a known name
    ///   heads two columns; ``SheetError/missingColumns(sheet:names:)`` listing every
    ///   required name that is absent.
    public init(_ row: SheetRow, required: [String], optional: [String] = []) throws(SheetError) {
        sheet = row.sheet
        self.row = row.number
        let known = Set(required + optional)
        var found: [String: CellRef] = [:]
        for (cell, value) in row.cells.sorted(by: { $0.key < $1.key }) {
            guard case .text(let text) = value else {
                throw .notText(sheet: row.sheet, cell: cell, column: "(header)", found: value)
            }
            let name = text.trimmingWhitespace()
            guard known.contains(name) else { continue }
            if let earlier = found[name] {
                throw .duplicateColumn(sheet: row.sheet, name: name, cell: cell, earlier: earlier)
            }
            found[name] = cell
        }
        let missing = required.filter { found[$0] == nil }
        if !missing.isEmpty { throw .missingColumns(sheet: row.sheet, names: missing) }
        columns = found.mapValues(\.column)
    }

    /// The cell of column `name` in `row`.
    /// - Precondition: `name` was given as required or found as optional.
    public func cell(_ name: String, in row: SheetRow) -> CellRef {
        guard let column = columns[name] else { preconditionFailure("column '\(name)' was not asked for or not found") }
        return CellRef(column: column, row: row.number)
    }

    /// The value of column `name` in `row`, if the column exists and the cell holds one.
    public func value(_ name: String, in row: SheetRow) -> CellValue? {
        columns[name].flatMap { row[$0] }
    }

    /// The text of column `name` in `row`, which must be present and not blank.
    /// - Throws: ``SheetError/emptyCell(sheet:cell:column:)``;
    ///   ``SheetError/notText(sheet:cell:column:found:)`` for a number, date, boolean,
    ///   error or formula.
    public func text(_ name: String, in row: SheetRow) throws(SheetError) -> String {
        guard let text = try optionalText(name, in: row) else {
            throw .emptyCell(sheet: sheet, cell: cell(name, in: row), column: name)
        }
        return text
    }

    /// The text of column `name` in `row`, or `nil` when the column is absent or the cell
    /// empty or blank.
    /// - Throws: ``SheetError/notText(sheet:cell:column:found:)`` for a value that is not text.
    public func optionalText(_ name: String, in row: SheetRow) throws(SheetError) -> String? {
        guard columns[name] != nil, let value = value(name, in: row) else { return nil }
        guard case .text(let text) = value else {
            throw .notText(sheet: sheet, cell: cell(name, in: row), column: name, found: value)
        }
        return text.allSatisfy(\.isWhitespace) ? nil : text
    }
}

/// Refuses a value seen before in one column: two schools with one code, say.
public struct UniqueColumn: Sendable {
    /// The column's header name, for messages.
    public let column: String
    private var seen: [String: CellRef] = [:]

    /// Starts tracking the values of column `column`.
    public init(_ column: String) {
        self.column = column
    }

    /// Records `value`, found in `cell` of `sheet`.
    /// - Throws: ``SheetError/duplicateValue(sheet:cell:column:value:earlier:)`` if it was seen before.
    public mutating func check(_ value: String, at cell: CellRef, sheet: String) throws(SheetError) {
        if let earlier = seen[value] {
            throw .duplicateValue(sheet: sheet, cell: cell, column: column, value: value, earlier: earlier)
        }
        seen[value] = cell
    }
}

extension String {
    /// Without leading and trailing white space, full-width spaces (U+3000) included.
    func trimmingWhitespace() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(self[first...last])
    }
}
