import CCairo
import CPango

extension PDFDocument {
    /// Draws text with its top-left corner at `point` and returns what it measured.
    ///
    /// Lays the text out with pango (see ``TextStyle``) and draws it with
    /// `pango_cairo_update_layout` and `pango_cairo_show_layout`, which embeds the glyphs
    /// as a font subset with their Unicode text. With a ``TextStyle/wrapWidth`` the lines
    /// wrap at that width and are aligned within it.
    /// - Parameters:
    ///   - text: plain text (no markup); `\n` starts a new line.
    ///   - point: the top-left corner of the text's box.
    ///   - style: how to set it.
    /// - Returns: the size, line count and first baseline of the text.
    /// - Throws: ``PrintError/fontMissing(family:)`` when the style's family is not
    ///   installed; ``PrintError/glyphsMissing(text:family:count:)`` when a character has
    ///   no glyph in any installed font.
    /// - Precondition: a page has been begun and the document is not finished.
    @discardableResult
    public func drawText(_ text: String, at point: Point, style: TextStyle = TextStyle()) throws(PrintError) -> TextMetrics {
        requirePage()
        let layout = try self.text.layout(text, style: style)
        defer { g_object_unref(UnsafeMutableRawPointer(layout)) }
        Cairo.setColor(context, style.color)
        cairo_move_to(context, point.x, point.y)
        pango_cairo_update_layout(context, layout)
        pango_cairo_show_layout(context, layout)
        cairo_new_path(context)
        return self.text.metrics(of: layout)
    }

    /// Measures text as ``drawText(_:at:style:)`` would draw it, without drawing.
    /// - Parameters:
    ///   - text: plain text.
    ///   - style: how it would be set.
    /// - Returns: the size, line count and first baseline.
    /// - Throws: ``PrintError/fontMissing(family:)``,
    ///   ``PrintError/glyphsMissing(text:family:count:)``.
    public func measure(_ text: String, style: TextStyle = TextStyle()) throws(PrintError) -> TextMetrics {
        try self.text.measure(text, style: style)
    }
}

/// Font checks for callers that want to fail early, before any document is made.
public enum Fonts {
    /// Checks that `family` is installed (fontconfig, as pango lists it) and has glyphs for
    /// Chinese. The `enroll print` commands call this at start-up.
    ///
    /// Uses a fresh pango font map (`pango_cairo_font_map_new`):
    /// `pango_font_map_list_families`, `pango_font_map_load_font`, `pango_font_has_char`.
    /// - Parameter family: the family; ``TextStyle/defaultFamily`` unless given.
    /// - Throws: ``PrintError/fontMissing(family:)`` (its message says to install
    ///   fonts-noto-cjk) or ``PrintError/fontLacksChinese(family:sample:)``.
    public static func requireCJK(family: String = TextStyle.defaultFamily) throws(PrintError) {
        try TextEngine(defaultFamily: family).requireCJK(family)
    }

    /// Whether a family of this name is installed (`pango_font_map_list_families`).
    public static func isInstalled(_ family: String) -> Bool {
        do {
            try TextEngine(defaultFamily: family).requireInstalled(family)
            return true
        } catch {
            return false
        }
    }
}
