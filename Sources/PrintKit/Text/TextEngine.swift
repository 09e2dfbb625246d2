import CCairo
import CPango

/// Pango's side of a document: a font map and a context laid out in PDF points.
///
/// Owns a `PangoCairoFontMap` (`pango_cairo_font_map_new`) and a `PangoContext`
/// (`pango_font_map_create_context`), both released with `g_object_unref` in deinit. Each
/// document has its own, since pango objects are not thread-safe while fontconfig, below
/// them, is. Resolution is 72 dpi (`pango_cairo_context_set_resolution`), so a font size in
/// points is a size in PDF units; hinting is off and glyph positions are not rounded, so
/// measured widths are the printed widths.
///
/// Not `Sendable`: pango objects must be used from one thread at a time.
final class TextEngine {
    /// The family used when a style names none; checked by ``requireCJK(_:)``.
    let defaultFamily: String
    private let fontMap: UnsafeMutablePointer<PangoFontMap>
    private let context: OpaquePointer
    /// Installed family names, lowercased, listed once.
    private lazy var installedFamilies: Set<String> = listFamilies()
    /// Families already checked, lowercased.
    private var checkedFamilies: Set<String> = []

    /// Characters the CJK family must have glyphs for.
    static let chineseSample = "学龄人口信息采集表监护人"

    /// Creates a font map and a context.
    init(defaultFamily: String) {
        self.defaultFamily = defaultFamily
        fontMap = pango_cairo_font_map_new()
        context = pango_font_map_create_context(fontMap)
        pango_cairo_context_set_resolution(context, 72)
        pango_context_set_round_glyph_positions(context, 0)
        let options = cairo_font_options_create()
        cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE)
        cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
        cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY)
        pango_cairo_context_set_font_options(context, options)
        cairo_font_options_destroy(options)
    }

    deinit {
        g_object_unref(UnsafeMutableRawPointer(context))
        g_object_unref(UnsafeMutableRawPointer(fontMap))
    }

    // MARK: Fonts

    /// Checks that `family` is installed and has glyphs for Chinese.
    ///
    /// Lists the font map's families (`pango_font_map_list_families`,
    /// `pango_font_family_get_name`), then loads the family (`pango_font_map_load_font`)
    /// and asks for each of ``chineseSample``'s characters (`pango_font_has_char`).
    /// - Throws: ``PrintError/fontMissing(family:)`` or
    ///   ``PrintError/fontLacksChinese(family:sample:)``.
    func requireCJK(_ family: String) throws(PrintError) {
        try requireInstalled(family)
        let description = fontDescription(family: family, size: 10.5, weight: .regular)
        defer { pango_font_description_free(description) }
        guard let font = pango_font_map_load_font(fontMap, context, description) else {
            throw .fontMissing(family: family)
        }
        defer { g_object_unref(UnsafeMutableRawPointer(font)) }
        for scalar in Self.chineseSample.unicodeScalars where pango_font_has_char(font, scalar.value) == 0 {
            throw .fontLacksChinese(family: family, sample: Self.chineseSample)
        }
    }

    /// Checks (once per family) that fontconfig has a family of this name, so that pango
    /// does not silently substitute another.
    /// - Throws: ``PrintError/fontMissing(family:)``.
    func requireInstalled(_ family: String) throws(PrintError) {
        let key = family.lowercased()
        if checkedFamilies.contains(key) { return }
        guard installedFamilies.contains(key) else { throw .fontMissing(family: family) }
        checkedFamilies.insert(key)
    }

    private func listFamilies() -> Set<String> {
        var families: UnsafeMutablePointer<UnsafeMutablePointer<PangoFontFamily>?>?
        var count: Int32 = 0
        pango_font_map_list_families(fontMap, &families, &count)
        defer { g_free(families) }
        var names: Set<String> = []
        for index in 0..<Int(count) {
            if let family = families?[index], let name = pango_font_family_get_name(family) {
                names.insert(String(cString: name).lowercased())
            }
        }
        return names
    }

    // MARK: Layout

    /// A pango layout of `text` in `style`, checked for missing glyphs; the caller releases
    /// it with `g_object_unref`.
    ///
    /// Calls `pango_layout_new`, `pango_layout_set_font_description`, `pango_layout_set_text`
    /// (plain text: no markup is parsed), `pango_layout_set_width` and
    /// `pango_layout_set_wrap` (`PANGO_WRAP_WORD_CHAR`), `pango_layout_set_alignment`,
    /// `pango_layout_set_line_spacing`, then `pango_layout_get_unknown_glyphs_count`.
    /// - Throws: ``PrintError/fontMissing(family:)``,
    ///   ``PrintError/glyphsMissing(text:family:count:)``.
    func layout(_ text: String, style: TextStyle) throws(PrintError) -> OpaquePointer {
        let family = style.family ?? defaultFamily
        try requireInstalled(family)
        let layout = pango_layout_new(context)!
        let description = fontDescription(family: family, size: style.size, weight: style.weight)
        pango_layout_set_font_description(layout, description)
        pango_font_description_free(description)
        var utf8 = Array(text.utf8)
        utf8.withUnsafeMutableBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                pango_layout_set_text(layout, chars.baseAddress, Int32(chars.count))
            }
        }
        if let width = style.wrapWidth {
            pango_layout_set_width(layout, Int32((max(width, 0) * Double(PANGO_SCALE)).rounded(.down)))
            pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR)
        }
        switch style.alignment {
        case .leading: pango_layout_set_alignment(layout, PANGO_ALIGN_LEFT)
        case .center: pango_layout_set_alignment(layout, PANGO_ALIGN_CENTER)
        case .trailing: pango_layout_set_alignment(layout, PANGO_ALIGN_RIGHT)
        }
        if style.lineSpacing != 1 {
            pango_layout_set_line_spacing(layout, Float(max(style.lineSpacing, 0)))
        }
        let unknown = Int(pango_layout_get_unknown_glyphs_count(layout))
        if unknown > 0 {
            g_object_unref(UnsafeMutableRawPointer(layout))
            throw .glyphsMissing(text: text, family: family, count: unknown)
        }
        return layout
    }

    /// The size, line count and first baseline of a layout (`pango_layout_get_extents`,
    /// `pango_layout_get_line_count`, `pango_layout_get_baseline`).
    func metrics(of layout: OpaquePointer) -> TextMetrics {
        var logical = PangoRectangle()
        pango_layout_get_extents(layout, nil, &logical)
        let scale = Double(PANGO_SCALE)
        return TextMetrics(
            size: Size(width: Double(logical.width) / scale, height: Double(logical.height) / scale),
            lineCount: Int(pango_layout_get_line_count(layout)),
            baseline: Double(pango_layout_get_baseline(layout)) / scale)
    }

    /// Measures `text` in `style` without drawing it.
    func measure(_ text: String, style: TextStyle) throws(PrintError) -> TextMetrics {
        let layout = try layout(text, style: style)
        defer { g_object_unref(UnsafeMutableRawPointer(layout)) }
        return metrics(of: layout)
    }

    /// A font description (`pango_font_description_new`, `…_set_family`,
    /// `…_set_size`, `…_set_weight`); the caller frees it.
    private func fontDescription(family: String, size: Double, weight: FontWeight) -> OpaquePointer {
        let description = pango_font_description_new()!
        pango_font_description_set_family(description, family)
        pango_font_description_set_size(description, Int32((max(size, 0.1) * Double(PANGO_SCALE)).rounded()))
        pango_font_description_set_weight(description, PangoWeight(rawValue: weight.value))
        return description
    }
}
