import Foundation

/// A regular expression with ECMA-262 (JavaScript, `u` flag) semantics, as JSON Schema
/// requires for `pattern`, `patternProperties` and the `regex` format.
///
/// The pattern is translated to ICU syntax and compiled once with `NSRegularExpression`:
/// `\d`, `\w`, `\s` and their negations get their ECMA-262 meanings (ASCII digits and word
/// characters, the ECMA whitespace set), `$` matches only at the very end of the input,
/// `\v` is the vertical tab, `\u{…}` becomes `\x{…}`, and escapes that ECMA-262 does not
/// define (such as `\a` or `\Z`) are rejected, and `.` stops only at ECMA-262's four line
/// terminators.
///
/// Most schema patterns (classes, groups, alternation, quantifiers, `^`…`$`) are also compiled
/// to a ``PositionAutomaton``, which answers the same question in one allocation-free pass; ICU
/// answers for the rest.
public struct ECMARegex: Sendable {
    /// The pattern as written in the schema.
    public let source: String
    private let storage: Storage

    /// Holds the compiled expression; `NSRegularExpression` is immutable and documented as
    /// safe to use from several threads at once, hence the unchecked conformance.
    private final class Storage: @unchecked Sendable {
        let regex: NSRegularExpression
        /// The same pattern as a position automaton, when it is in that matcher's subset.
        let automaton: PositionAutomaton?
        init(_ regex: NSRegularExpression, _ automaton: PositionAutomaton?) {
            self.regex = regex
            self.automaton = automaton
        }
    }

    /// Compiles an ECMA-262 pattern.
    ///
    /// - Parameter pattern: The ECMA-262 pattern.
    /// - Throws: ``ECMARegexError`` when the pattern is not valid.
    public init(_ pattern: String) throws {
        source = pattern
        let translated = try Self.translate(pattern)
        do {
            storage = Storage(try NSRegularExpression(pattern: translated, options: []), PositionAutomaton(pattern))
        } catch {
            throw ECMARegexError(pattern: pattern, reason: "the pattern does not compile (\(translated))")
        }
    }

    /// Tells whether the pattern matches anywhere in `string` (patterns are not anchored).
    ///
    /// - Parameter string: The text to search.
    /// - Returns: `true` when there is a match.
    public func matches(_ string: String) -> Bool {
        if let automaton = storage.automaton { return automaton.matches(string) }
        return matchesWithICU(string)
    }

    /// The same search through ICU, whatever the pattern (for tests that compare the two).
    func matchesWithICU(_ string: String) -> Bool {
        let ns = string as NSString
        return storage.regex.rangeOfFirstMatch(in: string, options: [], range: NSRange(location: 0, length: ns.length)).location != NSNotFound
    }

    static let space = "\\t\\n\\x{0B}\\f\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}"

    /// Translates ECMA-262 syntax to ICU syntax.
    static func translate(_ pattern: String) throws -> String {
        var out = ""
        let chars = Array(pattern.unicodeScalars)
        var i = 0
        var inClass = false
        func bad(_ why: String) -> ECMARegexError { ECMARegexError(pattern: pattern, reason: why) }
        while i < chars.count {
            let c = chars[i]
            if c == "\\" {
                guard i + 1 < chars.count else { throw bad("it ends with a lone backslash") }
                let e = chars[i + 1]
                i += 2
                switch e {
                case "d": out += inClass ? "0-9" : "[0-9]"
                case "D": out += "[^0-9]"
                case "w": out += inClass ? "a-zA-Z0-9_" : "[a-zA-Z0-9_]"
                case "W": out += "[^a-zA-Z0-9_]"
                case "s": out += inClass ? space : "[" + space + "]"
                case "S": out += "[^" + space + "]"
                case "v": out += "\\x{0B}"
                case "b": out += inClass ? "\\x{08}" : "\\b"
                case "B": if inClass { throw bad("\\B is not allowed in a character class") }; out += "\\B"
                case "f", "n", "r", "t": out += "\\" + String(e)
                // ICU reads `\0` as the start of an octal escape; ECMA-262's is NUL alone.
                case "0":
                    if i < chars.count, ("0"..."9").contains(chars[i]) { throw bad("\\0 may not be followed by a digit") }
                    out += "\\x{0}"
                case "c":
                    guard i < chars.count, chars[i].isASCII, chars[i].properties.isAlphabetic else {
                        throw bad("\\c must be followed by an ASCII letter")
                    }
                    out += "\\x{" + String(chars[i].value % 32, radix: 16) + "}"
                    i += 1
                case "x":
                    guard i + 1 < chars.count, chars[i].properties.isASCIIHexDigit, chars[i + 1].properties.isASCIIHexDigit else {
                        throw bad("\\x must be followed by two hexadecimal digits")
                    }
                    out += "\\x{" + String(chars[i]) + String(chars[i + 1]) + "}"
                    i += 2
                case "u":
                    if i < chars.count && chars[i] == "{" {
                        var hex = ""
                        var j = i + 1
                        while j < chars.count && chars[j] != "}" { hex.unicodeScalars.append(chars[j]); j += 1 }
                        guard j < chars.count, !hex.isEmpty, hex.unicodeScalars.allSatisfy({ $0.properties.isASCIIHexDigit }) else {
                            throw bad("malformed \\u{…} escape")
                        }
                        out += "\\x{" + hex + "}"
                        i = j + 1
                    } else {
                        guard i + 3 < chars.count, (i..<(i + 4)).allSatisfy({ chars[$0].properties.isASCIIHexDigit }) else {
                            throw bad("\\u must be followed by four hexadecimal digits")
                        }
                        out += "\\x{" + String(String.UnicodeScalarView(chars[i..<(i + 4)])) + "}"
                        i += 4
                    }
                case "p", "P":
                    guard i < chars.count, chars[i] == "{" else { throw bad("\\p must be followed by {Property}") }
                    var j = i
                    var body = ""
                    while j < chars.count && chars[j] != "}" { body.unicodeScalars.append(chars[j]); j += 1 }
                    guard j < chars.count else { throw bad("unterminated \\p{…}") }
                    out += "\\" + String(e) + body + "}"
                    i = j + 1
                case "k":
                    out += "\\k"
                case "1"..."9":
                    out += "\\" + String(e)
                default:
                    if e.isASCII && (e.properties.isAlphabetic || e.properties.numericType != nil) {
                        throw bad("\\\(e) is not an ECMA-262 escape")
                    }
                    out += "\\" + String(e)
                }
                continue
            }
            if inClass {
                if c == "]" { inClass = false }
                if c == "[" { out += "\\[" ; i += 1; continue }
                if c == "&" || c == "-" && i + 1 < chars.count && chars[i + 1] == "-" { out += "\\" + String(c); i += 1; continue }
                out.unicodeScalars.append(c)
            } else {
                switch c {
                case "[":
                    inClass = true
                    out += "["
                    if i + 1 < chars.count && chars[i + 1] == "^" { out += "^"; i += 1 }
                    if i + 1 < chars.count && chars[i + 1] == "]" {
                        // `[]` matches nothing and `[^]` matches anything in ECMA-262.
                        let negated = out.hasSuffix("^")
                        out.removeLast(negated ? 2 : 1)
                        out += negated ? "[\\s\\S]" : "[^\\s\\S]"
                        inClass = false
                        i += 2
                        continue
                    }
                case "$": out += "(?!(?s:.))"
                // ICU's `.` also stops at VT, FF and NEL; ECMA-262's only at its four line terminators.
                case ".": out += "[^\\n\\r\\x{2028}\\x{2029}]"
                case "(":
                    // Only (?: (?= (?! (?<= (?<! and (?<name> are ECMA-262 groups.
                    if i + 1 < chars.count && chars[i + 1] == "?" {
                        let next = i + 2 < chars.count ? chars[i + 2] : " "
                        let after = i + 3 < chars.count ? chars[i + 3] : " "
                        let ok = next == ":" || next == "=" || next == "!" || (next == "<" && (after == "=" || after == "!" || after.properties.isAlphabetic || after == "_" || after == "$"))
                        if !ok { throw bad("(?\(next) is not an ECMA-262 group") }
                    }
                    out += "("
                default: out.unicodeScalars.append(c)
                }
            }
            i += 1
        }
        if inClass { throw bad("unterminated character class") }
        // ICU refuses an empty pattern; ECMA-262's matches everywhere.
        return out.isEmpty ? "(?:)" : out
    }
}

/// An error raised when a regular expression is not valid ECMA-262.
public struct ECMARegexError: Error, Sendable, CustomStringConvertible {
    /// The pattern as written.
    public let pattern: String
    /// Why it was rejected.
    public let reason: String

    /// A readable message.
    public var description: String { "invalid regular expression \"\(pattern)\": \(reason)" }
}
