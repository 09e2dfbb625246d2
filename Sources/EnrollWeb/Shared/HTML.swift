/// A piece of HTML whose interpolated strings are escaped by default.
///
/// Literal text written in Swift is trusted markup; every `String` interpolated into it is
/// escaped with ``HTML/escape(_:)``, the one escaping function of the web apps. Only another
/// `HTML` value is inserted as it is, so user data can never become markup by accident:
/// ```swift
/// let name = "<script>"
/// let cell: HTML = "<td>\(name)</td>"   // <td>&lt;script&gt;</td>
/// ```
public struct HTML: Sendable, Hashable, ExpressibleByStringInterpolation, CustomStringConvertible {
    /// The markup.
    public private(set) var rendered: String

    /// Trusted markup taken as it is (literals and markup built from other `HTML` values only).
    public init(stringLiteral value: String) {
        rendered = value
    }

    /// Builds markup from a literal with escaped interpolations.
    public init(stringInterpolation: StringInterpolation) {
        rendered = stringInterpolation.output
    }

    /// Text shown as text: the string escaped.
    public init(text: String) {
        rendered = HTML.escape(text)
    }

    /// Markup joined from parts, in order.
    public init(_ parts: [HTML]) {
        rendered = parts.map(\.rendered).joined()
    }

    /// The markup.
    public var description: String { rendered }

    /// Appends markup.
    public static func += (lhs: inout HTML, rhs: HTML) {
        lhs.rendered += rhs.rendered
    }

    /// Escapes text for HTML element content and quoted attribute values: `&`, `<`, `>`, `"`
    /// and `'` become character references.
    /// - Parameter text: Any text.
    /// - Returns: The text, safe inside an element or a quoted attribute.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    /// The interpolation that escapes strings and keeps `HTML` values.
    public struct StringInterpolation: StringInterpolationProtocol {
        var output = ""

        /// Creates an empty interpolation.
        public init(literalCapacity: Int, interpolationCount: Int) {
            output.reserveCapacity(literalCapacity + interpolationCount * 16)
        }

        /// Literal markup.
        public mutating func appendLiteral(_ literal: String) {
            output += literal
        }

        /// Text, escaped.
        public mutating func appendInterpolation(_ text: String) {
            output += HTML.escape(text)
        }

        /// A number.
        public mutating func appendInterpolation(_ number: Int) {
            output += String(number)
        }

        /// Markup, kept.
        public mutating func appendInterpolation(_ html: HTML) {
            output += html.rendered
        }

        /// Markup parts, kept and joined.
        public mutating func appendInterpolation(_ parts: [HTML]) {
            for part in parts { output += part.rendered }
        }
    }
}
