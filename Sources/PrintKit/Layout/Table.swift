/// A grid of bordered cells for forms: label and value cells, cells spanning columns,
/// section rows, rows that grow with wrapped text, and page breaks between rows.
///
/// Describe the table, then draw it with ``PDFDocument/draw(_:at:)``:
///
/// ```swift
/// var table = Table(columnWidths: [70, 95, 70, 95, 70, 95])
/// table.addRow([TableCell("基本信息", style: bold.aligned(.center), columnSpan: 6, fill: .gray(0.9))])
/// table.addRow([.label("姓名"), TableCell(name), .label("性别"), TableCell("男"), .label("民族"), TableCell("汉族")])
/// let placed = try document.draw(table, at: Point(x: 40, y: 90))
/// ```
public struct Table: Sendable, Hashable {
    /// The width of each column in points.
    public var columnWidths: [Double]
    /// The rows, top to bottom.
    public var rows: [TableRow]
    /// The line drawn around every cell.
    public var border: Stroke
    /// Space between a cell's border and its text: `width` on the left and right,
    /// `height` at the top and bottom.
    public var cellPadding: Size
    /// How many rows from the top are drawn again at the top of each page the table
    /// continues on (0 for none).
    public var repeatedHeaderRows: Int

    /// Creates a table.
    /// - Parameters:
    ///   - columnWidths: the width of each column in points.
    ///   - border: the cell border; ``Stroke/thin`` unless given.
    ///   - cellPadding: the cell padding; 4 pt across and 3 pt down unless given.
    ///   - repeatedHeaderRows: rows to repeat after a page break; none unless given.
    ///   - rows: the rows; add more with ``addRow(_:minHeight:)``.
    public init(
        columnWidths: [Double], border: Stroke = .thin, cellPadding: Size = Size(width: 4, height: 3),
        repeatedHeaderRows: Int = 0, rows: [TableRow] = []
    ) {
        self.columnWidths = columnWidths
        self.border = border
        self.cellPadding = cellPadding
        self.repeatedHeaderRows = repeatedHeaderRows
        self.rows = rows
    }

    /// Column widths in the given proportions that add up to `totalWidth`:
    /// `Table.columns(proportions: [1, 2, 1, 2], totalWidth: 510)`.
    public static func columns(proportions: [Double], totalWidth: Double) -> [Double] {
        let sum = proportions.reduce(0, +)
        guard sum > 0 else { return proportions.map { _ in 0 } }
        return proportions.map { $0 / sum * totalWidth }
    }

    /// The total width in points.
    public var width: Double { columnWidths.reduce(0, +) }

    /// Appends a row.
    /// - Parameters:
    ///   - cells: the row's cells, left to right; their spans must add up to the number of
    ///     columns.
    ///   - minHeight: the least height of the row in points; it grows to fit its text.
    public mutating func addRow(_ cells: [TableCell], minHeight: Double = 0) {
        rows.append(TableRow(cells: cells, minHeight: minHeight))
    }
}

/// One row of a ``Table``.
public struct TableRow: Sendable, Hashable {
    /// The cells, left to right.
    public var cells: [TableCell]
    /// The least height in points; the row is as tall as its tallest cell's text needs.
    public var minHeight: Double

    /// Creates a row.
    public init(cells: [TableCell], minHeight: Double = 0) {
        self.cells = cells
        self.minHeight = minHeight
    }
}

/// One cell of a ``TableRow``: text, how it is set, the columns it spans and its fill.
public struct TableCell: Sendable, Hashable {
    /// The text; it wraps at the cell's width (less padding).
    public var text: String
    /// How the text is set; its ``TextStyle/wrapWidth`` is replaced by the cell's.
    public var style: TextStyle
    /// How many columns the cell covers, at least 1.
    public var columnSpan: Int
    /// The background colour, or nil for none.
    public var fill: Color?
    /// Where the text sits when the row is taller than it.
    public var verticalAlignment: VerticalAlignment

    /// Creates a cell.
    /// - Parameters:
    ///   - text: the text (default empty).
    ///   - style: how to set it (default 10.5 pt regular, leading).
    ///   - columnSpan: the columns covered (default 1).
    ///   - fill: the background (default none).
    ///   - verticalAlignment: the vertical position of the text (default centred).
    public init(
        _ text: String = "", style: TextStyle = TextStyle(), columnSpan: Int = 1, fill: Color? = nil,
        verticalAlignment: VerticalAlignment = .center
    ) {
        self.text = text
        self.style = style
        self.columnSpan = columnSpan
        self.fill = fill
        self.verticalAlignment = verticalAlignment
    }

    /// A label cell as forms print them: centred, on a light grey background.
    public static func label(_ text: String, columnSpan: Int = 1, style: TextStyle = TextStyle()) -> TableCell {
        TableCell(text, style: style.aligned(.center), columnSpan: columnSpan, fill: .gray(0.93))
    }

    /// A section heading spanning `columnSpan` columns: bold, centred, on a grey background.
    public static func section(_ text: String, columnSpan: Int, style: TextStyle = TextStyle()) -> TableCell {
        TableCell(text, style: style.bold().aligned(.center), columnSpan: columnSpan, fill: .gray(0.85))
    }
}

/// Where text sits vertically in a cell.
public enum VerticalAlignment: Sendable, Hashable {
    /// At the top, below the padding.
    case top
    /// In the middle.
    case center
    /// At the bottom, above the padding.
    case bottom
}

/// Where ``PDFDocument/draw(_:at:)`` put a table.
public struct TablePlacement: Sendable, Hashable {
    /// Each row of the table, in order (repeated header rows are not listed again).
    public var rows: [PlacedRow]
    /// The page number (from 1) the table ends on.
    public var lastPage: Int
    /// The bottom edge of the last row, on ``lastPage``.
    public var bottom: Double

    /// Creates a placement from its parts.
    public init(rows: [PlacedRow], lastPage: Int, bottom: Double) {
        self.rows = rows
        self.lastPage = lastPage
        self.bottom = bottom
    }
}

/// Where one row of a table was drawn.
public struct PlacedRow: Sendable, Hashable {
    /// The row's index in ``Table/rows``.
    public var index: Int
    /// The page number, from 1.
    public var page: Int
    /// The row's rectangle on that page.
    public var frame: Rect

    /// Creates a placed row.
    public init(index: Int, page: Int, frame: Rect) {
        self.index = index
        self.page = page
        self.frame = frame
    }
}
