import CCairo

/// How an image is fitted into the rectangle it is drawn in.
public enum ImageFit: Sendable, Hashable {
    /// Stretched to fill the rectangle exactly, whatever its proportions.
    case fill
    /// As large as fits while keeping its proportions, centred.
    case aspectFit
}

extension PDFDocument {
    /// Draws an image into a rectangle and returns the rectangle it covers.
    ///
    /// Calls `cairo_save`, `cairo_translate`, `cairo_scale`, `cairo_set_source_surface`,
    /// `cairo_rectangle`, `cairo_fill` and `cairo_restore`. The pattern keeps cairo's
    /// default `CAIRO_EXTEND_NONE`, which the PDF backend writes as an image XObject (with
    /// `CAIRO_EXTEND_PAD` it would rasterise a fallback image instead, losing the JPEG). A
    /// JPEG is embedded as its original bytes, a PNG as compressed pixels; drawing the same
    /// ``RasterImage`` twice embeds it once.
    /// - Parameters:
    ///   - image: the image.
    ///   - rect: where to draw it.
    ///   - fit: ``ImageFit/aspectFit`` (default) or ``ImageFit/fill``.
    /// - Returns: the part of `rect` the image covers.
    /// - Precondition: a page has been begun and the document is not finished.
    @discardableResult
    public func draw(_ image: RasterImage, in rect: Rect, fit: ImageFit = .aspectFit) -> Rect {
        requirePage()
        var frame = rect
        if fit == .aspectFit, rect.width > 0, rect.height > 0 {
            let scale = min(rect.width / Double(image.width), rect.height / Double(image.height))
            let width = Double(image.width) * scale
            let height = Double(image.height) * scale
            frame = Rect(x: rect.minX + (rect.width - width) / 2, y: rect.minY + (rect.height - height) / 2, width: width, height: height)
        }
        guard frame.width > 0, frame.height > 0 else { return frame }
        cairo_save(context)
        cairo_translate(context, frame.minX, frame.minY)
        cairo_scale(context, frame.width / Double(image.width), frame.height / Double(image.height))
        cairo_set_source_surface(context, image.surface, 0, 0)
        cairo_rectangle(context, 0, 0, Double(image.width), Double(image.height))
        cairo_fill(context)
        cairo_restore(context)
        return frame
    }
}
