/// A position on a page, in PDF points (1/72 inch) from the page's top-left corner, y down.
public struct Point: Sendable, Hashable {
    /// Points from the left edge.
    public var x: Double
    /// Points from the top edge.
    public var y: Double

    /// Creates a point.
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// A width and height in points.
public struct Size: Sendable, Hashable {
    /// The width in points.
    public var width: Double
    /// The height in points.
    public var height: Double

    /// Creates a size.
    public init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }
}

/// An axis-aligned rectangle in points, its origin at the top-left corner.
public struct Rect: Sendable, Hashable {
    /// The top-left corner.
    public var origin: Point
    /// The width and height.
    public var size: Size

    /// Creates a rectangle from its corner and size.
    public init(origin: Point, size: Size) {
        self.origin = origin
        self.size = size
    }

    /// Creates a rectangle from its top-left corner and size.
    public init(x: Double, y: Double, width: Double, height: Double) {
        self.init(origin: Point(x: x, y: y), size: Size(width: width, height: height))
    }

    /// The left edge.
    public var minX: Double { origin.x }
    /// The top edge.
    public var minY: Double { origin.y }
    /// The right edge.
    public var maxX: Double { origin.x + size.width }
    /// The bottom edge.
    public var maxY: Double { origin.y + size.height }
    /// The width.
    public var width: Double { size.width }
    /// The height.
    public var height: Double { size.height }

    /// The rectangle shrunk by `dx` on the left and right and `dy` at the top and bottom.
    public func insetBy(dx: Double, dy: Double) -> Rect {
        Rect(x: origin.x + dx, y: origin.y + dy, width: size.width - 2 * dx, height: size.height - 2 * dy)
    }
}

extension Double {
    /// `value` millimetres in points (72 / 25.4 points per millimetre): `.mm(15)` ≈ 42.52.
    public static func mm(_ value: Double) -> Double {
        value * 72 / 25.4
    }
}

/// The size of a page, in points.
public struct PageSize: Sendable, Hashable {
    /// The width in points.
    public var width: Double
    /// The height in points.
    public var height: Double

    /// Creates a page size in points.
    public init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// ISO A4 portrait, 210 × 297 mm (595.28 × 841.89 points).
    public static let a4 = PageSize(width: .mm(210), height: .mm(297))
    /// ISO A5 portrait, 148 × 210 mm, e.g. for a receipt.
    public static let a5 = PageSize(width: .mm(148), height: .mm(210))

    /// The same page turned on its side.
    public var landscape: PageSize { PageSize(width: max(width, height), height: min(width, height)) }
}

/// The blank border of a page, in points. Tables break to a new page at the bottom margin
/// and continue at the top margin.
public struct Margins: Sendable, Hashable {
    /// Points kept free at the top.
    public var top: Double
    /// Points kept free on the right.
    public var right: Double
    /// Points kept free at the bottom.
    public var bottom: Double
    /// Points kept free on the left.
    public var left: Double

    /// Creates margins from their four sides.
    public init(top: Double, right: Double, bottom: Double, left: Double) {
        self.top = top
        self.right = right
        self.bottom = bottom
        self.left = left
    }

    /// The same margin on every side.
    public init(all value: Double) {
        self.init(top: value, right: value, bottom: value, left: value)
    }

    /// 15 mm on every side.
    public static let standard = Margins(all: .mm(15))
}

/// An opaque RGB colour, each component from 0 to 1.
public struct Color: Sendable, Hashable {
    /// Red, 0…1.
    public var red: Double
    /// Green, 0…1.
    public var green: Double
    /// Blue, 0…1.
    public var blue: Double

    /// Creates a colour from components in 0…1 (values outside are clamped when drawn).
    public init(red: Double, green: Double, blue: Double) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// A colour from a 24-bit `0xRRGGBB` value.
    public init(hex: UInt32) {
        self.init(
            red: Double((hex >> 16) & 0xFF) / 255, green: Double((hex >> 8) & 0xFF) / 255,
            blue: Double(hex & 0xFF) / 255)
    }

    /// A grey: 0 is black, 1 is white.
    public static func gray(_ level: Double) -> Color { Color(red: level, green: level, blue: level) }

    /// Black.
    public static let black = Color(red: 0, green: 0, blue: 0)
    /// White.
    public static let white = Color(red: 1, green: 1, blue: 1)
}

/// How a line is drawn: its width in points, colour and dash pattern.
public struct Stroke: Sendable, Hashable {
    /// The line width in points.
    public var width: Double
    /// The colour.
    public var color: Color
    /// Alternating on and off lengths in points; empty for a solid line.
    public var dash: [Double]

    /// Creates a stroke.
    public init(width: Double = 0.75, color: Color = .black, dash: [Double] = []) {
        self.width = width
        self.color = color
        self.dash = dash
    }

    /// A solid black line 0.75 pt wide, the usual form border.
    public static let thin = Stroke()
    /// A solid black line 1.5 pt wide, for outer borders.
    public static let thick = Stroke(width: 1.5)
    /// A dashed grey line, e.g. where a receipt is cut off.
    public static let cutLine = Stroke(width: 0.5, color: .gray(0.4), dash: [4, 3])
}
