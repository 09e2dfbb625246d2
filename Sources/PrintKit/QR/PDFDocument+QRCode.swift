import CCairo

extension PDFDocument {
    /// Draws a QR code as vector squares, centred in the largest square that fits `rect`,
    /// and returns that square.
    ///
    /// The square is filled white first, including a quiet zone of `quietZone` modules on
    /// each side (the standard asks for 4); then each horizontal run of dark modules is one
    /// `cairo_rectangle`, all filled at once with `cairo_fill`.
    /// - Parameters:
    ///   - code: the QR code.
    ///   - rect: the space available.
    ///   - quietZone: light modules around the code; 4 unless given.
    ///   - color: the colour of dark modules; black unless given.
    /// - Returns: the square drawn, quiet zone included.
    /// - Precondition: a page has been begun and the document is not finished.
    @discardableResult
    public func drawQRCode(_ code: QRCode, in rect: Rect, quietZone: Int = 4, color: Color = .black) -> Rect {
        requirePage()
        let side = min(rect.width, rect.height)
        let square = Rect(x: rect.minX + (rect.width - side) / 2, y: rect.minY + (rect.height - side) / 2, width: side, height: side)
        let modules = code.size + 2 * max(quietZone, 0)
        let module = side / Double(modules)
        let originX = square.minX + Double(max(quietZone, 0)) * module
        let originY = square.minY + Double(max(quietZone, 0)) * module

        Cairo.setColor(context, .white)
        cairo_rectangle(context, square.minX, square.minY, side, side)
        cairo_fill(context)

        Cairo.setColor(context, color)
        for y in 0..<code.size {
            var x = 0
            while x < code.size {
                guard code.isDark(x: x, y: y) else {
                    x += 1
                    continue
                }
                let start = x
                while x < code.size && code.isDark(x: x, y: y) { x += 1 }
                cairo_rectangle(
                    context, originX + Double(start) * module, originY + Double(y) * module,
                    Double(x - start) * module, module)
            }
        }
        cairo_fill(context)
        return square
    }
}
