import CCairo

extension PDFDocument {
    /// Draws a straight line (`cairo_move_to`, `cairo_line_to`, `cairo_stroke`).
    /// - Parameters:
    ///   - start: one end.
    ///   - end: the other end.
    ///   - stroke: width, colour and dashes; ``Stroke/thin`` unless given.
    /// - Precondition: a page has been begun and the document is not finished.
    public func strokeLine(from start: Point, to end: Point, stroke: Stroke = .thin) {
        requirePage()
        Cairo.apply(stroke, to: context)
        cairo_move_to(context, start.x, start.y)
        cairo_line_to(context, end.x, end.y)
        cairo_stroke(context)
    }

    /// Draws the outline of a rectangle (`cairo_rectangle`, `cairo_stroke`).
    /// - Parameters:
    ///   - rect: the rectangle; the line is centred on its edges.
    ///   - stroke: width, colour and dashes; ``Stroke/thin`` unless given.
    /// - Precondition: a page has been begun and the document is not finished.
    public func strokeRect(_ rect: Rect, stroke: Stroke = .thin) {
        requirePage()
        Cairo.apply(stroke, to: context)
        cairo_rectangle(context, rect.minX, rect.minY, rect.width, rect.height)
        cairo_stroke(context)
    }

    /// Fills a rectangle with a colour (`cairo_rectangle`, `cairo_fill`).
    /// - Parameters:
    ///   - rect: the rectangle.
    ///   - color: the fill colour.
    /// - Precondition: a page has been begun and the document is not finished.
    public func fillRect(_ rect: Rect, color: Color) {
        requirePage()
        Cairo.setColor(context, color)
        cairo_rectangle(context, rect.minX, rect.minY, rect.width, rect.height)
        cairo_fill(context)
    }
}
