extension PDFDocument {
    /// Draws a table with its top-left corner at `origin`, beginning new pages as needed.
    ///
    /// Every row is measured first (cell text wraps at the cell's width less padding; a row
    /// is as tall as its tallest cell, or its ``TableRow/minHeight``), and the whole table is
    /// checked before anything is drawn. A row that would cross the bottom margin moves to a
    /// new page (``beginPage(size:)``), where the table continues at the top margin after the
    /// ``Table/repeatedHeaderRows``. Rows are never split. Each cell is filled, its text
    /// drawn, then its border stroked.
    /// - Parameters:
    ///   - table: the table.
    ///   - origin: its top-left corner on the current page.
    /// - Returns: where each row went, and where the table ends.
    /// - Throws: ``PrintError/invalidTable(_:)`` for a table that cannot be laid out (spans
    ///   that do not add up, a row taller than a page); the errors of
    ///   ``drawText(_:at:style:)``.
    /// - Precondition: a page has been begun and the document is not finished.
    @discardableResult
    public func draw(_ table: Table, at origin: Point) throws(PrintError) -> TablePlacement {
        requirePage()
        let heights = try rowHeights(of: table)
        let headerCount = table.repeatedHeaderRows
        let headerHeight = heights.prefix(headerCount).reduce(0, +)
        let pageRoom = pageSize.height - margins.top - margins.bottom
        for (index, height) in heights.enumerated() {
            let needed = index < headerCount ? height : height + headerHeight
            let available = index < headerCount ? pageRoom : pageRoom - headerHeight
            if needed > pageRoom {
                throw .invalidTable(.rowTooTall(row: index, height: height, available: available))
            }
        }

        var y = origin.y
        var placed: [PlacedRow] = []
        func bottomLimit() -> Double { currentPageSize.height - margins.bottom }

        // The header rows stay with the first row after them.
        let firstBlock = heights.prefix(min(headerCount + 1, heights.count)).reduce(0, +)
        if y + firstBlock > bottomLimit() && y > margins.top {
            beginPage()
            y = margins.top
        }
        for (index, row) in table.rows.enumerated() {
            if index >= headerCount && y + heights[index] > bottomLimit() {
                beginPage()
                y = margins.top
                for header in 0..<headerCount {
                    try drawRow(table.rows[header], of: table, at: Point(x: origin.x, y: y), height: heights[header], rowIndex: header)
                    y += heights[header]
                }
            }
            try drawRow(row, of: table, at: Point(x: origin.x, y: y), height: heights[index], rowIndex: index)
            placed.append(PlacedRow(index: index, page: pageCount, frame: Rect(x: origin.x, y: y, width: table.width, height: heights[index])))
            y += heights[index]
        }
        return TablePlacement(rows: placed, lastPage: pageCount, bottom: y)
    }

    /// The height of every row, after checking the table's shape.
    func rowHeights(of table: Table) throws(PrintError) -> [Double] {
        let columns = table.columnWidths
        guard !columns.isEmpty, columns.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw .invalidTable(.badColumnWidths(columns))
        }
        guard (0...table.rows.count).contains(table.repeatedHeaderRows) else {
            throw .invalidTable(.badHeaderRowCount(requested: table.repeatedHeaderRows, rows: table.rows.count))
        }
        var heights: [Double] = []
        for (rowIndex, row) in table.rows.enumerated() {
            var column = 0
            var height = max(row.minHeight, 0)
            for (cellIndex, cell) in row.cells.enumerated() {
                guard cell.columnSpan >= 1 else {
                    throw .invalidTable(.badColumnSpan(row: rowIndex, cell: cellIndex, span: cell.columnSpan))
                }
                guard column + cell.columnSpan <= columns.count else {
                    throw .invalidTable(.spanMismatch(row: rowIndex, spanned: column + cell.columnSpan, columns: columns.count))
                }
                let width = columns[column..<column + cell.columnSpan].reduce(0, +)
                let textWidth = width - 2 * table.cellPadding.width
                guard textWidth > 0 else {
                    throw .invalidTable(.cellTooNarrow(row: rowIndex, cell: cellIndex, width: width))
                }
                let metrics = try measure(cell.text, style: cell.style.wrapped(at: textWidth))
                height = max(height, metrics.size.height + 2 * table.cellPadding.height)
                column += cell.columnSpan
            }
            guard column == columns.count else {
                throw .invalidTable(.spanMismatch(row: rowIndex, spanned: column, columns: columns.count))
            }
            heights.append(height)
        }
        return heights
    }

    private func drawRow(_ row: TableRow, of table: Table, at origin: Point, height: Double, rowIndex: Int) throws(PrintError) {
        var x = origin.x
        var column = 0
        var frames: [Rect] = []
        for cell in row.cells {
            let width = table.columnWidths[column..<column + cell.columnSpan].reduce(0, +)
            let frame = Rect(x: x, y: origin.y, width: width, height: height)
            frames.append(frame)
            if let fill = cell.fill { fillRect(frame, color: fill) }
            let style = cell.style.wrapped(at: width - 2 * table.cellPadding.width)
            let metrics = try measure(cell.text, style: style)
            let free = height - 2 * table.cellPadding.height - metrics.size.height
            let offset: Double
            switch cell.verticalAlignment {
            case .top: offset = 0
            case .center: offset = max(free, 0) / 2
            case .bottom: offset = max(free, 0)
            }
            try drawText(
                cell.text, at: Point(x: x + table.cellPadding.width, y: origin.y + table.cellPadding.height + offset), style: style)
            x += width
            column += cell.columnSpan
        }
        for frame in frames { strokeRect(frame, stroke: table.border) }
    }
}
