/// How a piece of text is set: font, size, weight, colour, alignment and wrapping.
///
/// Text goes through pango: the family is matched by fontconfig, and characters the family
/// lacks fall back to other installed fonts (a character that no font has is refused, see
/// ``PrintError/glyphsMissing(text:family:count:)``).
public struct TextStyle: Sendable, Hashable {
    /// The CJK family used when a style names none: "Noto Sans CJK SC" (fonts-noto-cjk).
    public static let defaultFamily = "Noto Sans CJK SC"

    /// One font family name (not a comma-separated list), or nil for the document's CJK
    /// family (see ``PDFDocument/init(path:pageSize:metadata:fontFamily:)``). It must be
    /// installed: pango's silent substitution of another family is refused.
    public var family: String?
    /// The font size in points. 10.5 pt is 五号, the usual size of Chinese forms.
    public var size: Double
    /// The font weight.
    public var weight: FontWeight
    /// The text colour.
    public var color: Color
    /// How the lines are aligned within ``wrapWidth`` (or with each other when there is none).
    public var alignment: TextAlignment
    /// The width in points at which lines wrap (between words, or between any two
    /// characters where a word is too long, as Chinese needs); nil for no wrapping.
    public var wrapWidth: Double?
    /// Line height as a factor of the font's own line height (`pango_layout_set_line_spacing`);
    /// 1 keeps the font's.
    public var lineSpacing: Double

    /// Creates a style.
    /// - Parameters:
    ///   - family: the font family; nil for the document's CJK family.
    ///   - size: the size in points (default 10.5).
    ///   - weight: the weight (default regular).
    ///   - color: the colour (default black).
    ///   - alignment: the alignment (default leading).
    ///   - wrapWidth: the wrap width in points, or nil (default) for none.
    ///   - lineSpacing: the line-height factor (default 1).
    public init(
        family: String? = nil, size: Double = 10.5, weight: FontWeight = .regular, color: Color = .black,
        alignment: TextAlignment = .leading, wrapWidth: Double? = nil, lineSpacing: Double = 1
    ) {
        self.family = family
        self.size = size
        self.weight = weight
        self.color = color
        self.alignment = alignment
        self.wrapWidth = wrapWidth
        self.lineSpacing = lineSpacing
    }

    /// The same style in bold.
    public func bold() -> TextStyle { with { $0.weight = .bold } }
    /// The same style at `size` points.
    public func sized(_ size: Double) -> TextStyle { with { $0.size = size } }
    /// The same style aligned `alignment`.
    public func aligned(_ alignment: TextAlignment) -> TextStyle { with { $0.alignment = alignment } }
    /// The same style wrapping at `width` points.
    public func wrapped(at width: Double?) -> TextStyle { with { $0.wrapWidth = width } }
    /// The same style in `color`.
    public func colored(_ color: Color) -> TextStyle { with { $0.color = color } }

    private func with(_ change: (inout TextStyle) -> Void) -> TextStyle {
        var copy = self
        change(&copy)
        return copy
    }
}

/// A font weight; fontconfig picks the nearest the family has (fonts-noto-cjk installs
/// Regular and Bold).
public enum FontWeight: Sendable, Hashable, CaseIterable {
    /// 300.
    case light
    /// 400.
    case regular
    /// 500.
    case medium
    /// 700.
    case bold

    /// The OpenType weight (`PangoWeight` value).
    var value: UInt32 {
        switch self {
        case .light: 300
        case .regular: 400
        case .medium: 500
        case .bold: 700
        }
    }
}

/// How lines of text are aligned.
public enum TextAlignment: Sendable, Hashable {
    /// Left, for left-to-right text.
    case leading
    /// Centred.
    case center
    /// Right, for left-to-right text.
    case trailing
}

/// What laying out a piece of text measured.
public struct TextMetrics: Sendable, Hashable {
    /// The logical size of the text in points: the width of its widest line by the height
    /// of all its lines.
    public var size: Size
    /// How many lines the text took after wrapping.
    public var lineCount: Int
    /// From the top of the text to the baseline of its first line, in points.
    public var baseline: Double

    /// Creates metrics from their parts.
    public init(size: Size, lineCount: Int, baseline: Double) {
        self.size = size
        self.lineCount = lineCount
        self.baseline = baseline
    }
}
