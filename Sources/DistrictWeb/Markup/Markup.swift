/// A piece of HTML whose interpolated strings are escaped by default.
///
/// Literal text written in Swift is trusted markup; every `String` interpolated into it is
/// escaped; only another `Markup` value is inserted as it is, so clerk- or family-typed data
/// never becomes markup. (The same contract as EnrollWeb's `HTML`; to move into EnrollWeb
/// once that target is on this branch.)
struct Markup: Sendable, ExpressibleByStringInterpolation {
    private(set) var rendered: String

    init(stringLiteral value: String) { rendered = value }
    init(stringInterpolation: StringInterpolation) { rendered = stringInterpolation.output }
    init(_ parts: [Markup]) { rendered = parts.map(\.rendered).joined() }

    static func += (lhs: inout Markup, rhs: Markup) { lhs.rendered += rhs.rendered }

    /// Escapes text for element content and quoted attributes (`& < > " '`).
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    struct StringInterpolation: StringInterpolationProtocol {
        var output = ""
        init(literalCapacity: Int, interpolationCount: Int) { output.reserveCapacity(literalCapacity + 16 * interpolationCount) }
        mutating func appendLiteral(_ literal: String) { output += literal }
        mutating func appendInterpolation(_ text: String) { output += Markup.escape(text) }
        mutating func appendInterpolation(_ number: Int) { output += String(number) }
        mutating func appendInterpolation(_ number: Int64) { output += String(number) }
        mutating func appendInterpolation(_ markup: Markup) { output += markup.rendered }
        mutating func appendInterpolation(_ parts: [Markup]) { for part in parts { output += part.rendered } }
    }
}
