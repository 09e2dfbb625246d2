import Foundation

/// Options for the strict JSON reader.
public struct JSONParseOptions: Sendable {
    /// Maximum nesting depth of arrays and objects; deeper input is rejected with an error.
    public var maxDepth: Int
    /// Whether to record the source position of every value (see ``JSONDocument``).
    public var recordPositions: Bool

    /// Creates reader options.
    ///
    /// - Parameters:
    ///   - maxDepth: Maximum nesting depth (default 1000).
    ///   - recordPositions: Whether to build a position table (default `false`, faster).
    public init(maxDepth: Int = 1000, recordPositions: Bool = false) {
        self.maxDepth = maxDepth
        self.recordPositions = recordPositions
    }
}

/// A position in JSON source text.
///
/// `line` and `column` are 1-based. The column counts Unicode scalars from the start
/// of the line (each UTF-8 lead byte counts once; an invalid byte counts as one).
public struct SourceLocation: Sendable, Hashable, Codable, CustomStringConvertible {
    /// 1-based line number.
    public let line: Int
    /// 1-based column, in Unicode scalars.
    public let column: Int
    /// 0-based byte offset in the input.
    public let byteOffset: Int

    /// `line:column`.
    public var description: String { "\(line):\(column)" }

    /// Computes the line and column of a byte offset in `bytes`.
    static func of(offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> SourceLocation {
        var line = 1
        var column = 1
        var i = 0
        let end = min(offset, bytes.count)
        while i < end {
            let b = bytes[i]
            if b == 0x0A {
                line += 1
                column = 1
            } else if b & 0xC0 != 0x80 {
                column += 1
            }
            i += 1
        }
        return SourceLocation(line: line, column: column, byteOffset: offset)
    }
}

/// An error found by the strict JSON reader, with the place it occurred.
public struct JSONParseError: Error, Sendable, CustomStringConvertible {
    /// The kinds of problems the reader rejects.
    public enum Kind: String, Sendable, Codable {
        /// A byte sequence that is not valid UTF-8.
        case invalidUTF8
        /// A UTF-8 byte order mark at the start of the input.
        case byteOrderMark
        /// Non-whitespace content after the top-level value.
        case trailingContent
        /// The input ended in the middle of a value.
        case unexpectedEnd
        /// A character that cannot start or continue a value here.
        case unexpectedCharacter
        /// An unescaped control character (U+0000–U+001F) inside a string.
        case controlCharacterInString
        /// An unknown escape such as `\x`, or a malformed `\u` escape.
        case invalidEscape
        /// A `\u` escape for a surrogate that is not part of a valid pair.
        case loneSurrogate
        /// An object that names the same member twice.
        case duplicateKey
        /// A malformed number such as `01`, `1.` or `-`.
        case invalidNumber
        /// Arrays or objects nested deeper than the configured limit.
        case tooDeep
        /// The file could not be read.
        case unreadableFile
    }

    /// What went wrong.
    public let kind: Kind
    /// Where it went wrong.
    public let location: SourceLocation
    /// A human-readable explanation with advice.
    public let message: String
    /// The file path, when the input came from a file.
    public var file: String?

    /// `file:line:column: message`.
    public var description: String {
        (file.map { "\($0):" } ?? "") + "\(location.line):\(location.column): \(message)"
    }
}

/// A parsed document: the root value plus, when requested, source positions of values.
public struct JSONDocument: Sendable {
    /// The root value.
    public let root: JSONValue
    let offsets: [JSONPointer: Int]
    let lineStarts: [Int]

    /// Parses bytes into a document.
    ///
    /// - Parameters:
    ///   - bytes: UTF-8 JSON text without a byte order mark.
    ///   - options: Reader options; set `recordPositions` to enable ``location(of:)``.
    /// - Throws: ``JSONParseError`` describing the first problem.
    public init(bytes: [UInt8], options: JSONParseOptions = JSONParseOptions()) throws {
        var opts = options
        opts.recordPositions = true
        let (root, offsets) = try bytes.withUnsafeBufferPointer { buf in
            var p = JSONParser(buf, options: opts)
            let v = try p.parseDocument()
            return (v, p.offsets)
        }
        var starts = [0]
        for (i, b) in bytes.enumerated() where b == 0x0A { starts.append(i + 1) }
        self.root = root
        self.offsets = offsets
        self.lineStarts = starts
        self.columnBytes = bytes
    }

    private let columnBytes: [UInt8]

    /// Returns the source position where the value at `pointer` begins.
    ///
    /// - Parameter pointer: A pointer into the document.
    /// - Returns: The position, or `nil` when no value exists there.
    public func location(of pointer: JSONPointer) -> SourceLocation? {
        guard let off = offsets[pointer] else { return nil }
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= off { lo = mid } else { hi = mid - 1 }
        }
        var col = 1
        var i = lineStarts[lo]
        while i < off {
            if columnBytes[i] & 0xC0 != 0x80 { col += 1 }
            i += 1
        }
        return SourceLocation(line: lo + 1, column: col, byteOffset: off)
    }
}

/// The strict JSON reader (RFC 8259 with no extensions).
///
/// Rejects duplicate keys, invalid UTF-8, a byte order mark, trailing content,
/// truncation, raw control characters in strings, unknown escapes and lone surrogates.
public struct JSONParser {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var pos = 0
    private var depth = 0
    private let options: JSONParseOptions
    private var path: [String] = []
    fileprivate(set) var offsets: [JSONPointer: Int] = [:]

    init(_ bytes: UnsafeBufferPointer<UInt8>, options: JSONParseOptions) {
        self.bytes = bytes
        self.options = options
    }

    /// Parses UTF-8 bytes into a value.
    ///
    /// - Parameters:
    ///   - bytes: The JSON text.
    ///   - options: Reader options.
    /// - Returns: The root value.
    /// - Throws: ``JSONParseError`` describing the first problem.
    public static func parse(_ bytes: [UInt8], options: JSONParseOptions = JSONParseOptions()) throws -> JSONValue {
        try bytes.withUnsafeBufferPointer { buf in
            var p = JSONParser(buf, options: options)
            return try p.parseDocument()
        }
    }

    /// Parses `Data` holding UTF-8 JSON text.
    ///
    /// - Parameters:
    ///   - data: The JSON text.
    ///   - options: Reader options.
    /// - Returns: The root value.
    /// - Throws: ``JSONParseError`` describing the first problem.
    public static func parse(_ data: Data, options: JSONParseOptions = JSONParseOptions()) throws -> JSONValue {
        try data.withUnsafeBytes { raw in
            var p = JSONParser(raw.bindMemory(to: UInt8.self), options: options)
            return try p.parseDocument()
        }
    }

    /// Parses a Swift string holding JSON text.
    ///
    /// - Parameters:
    ///   - text: The JSON text.
    ///   - options: Reader options.
    /// - Returns: The root value.
    /// - Throws: ``JSONParseError`` describing the first problem.
    public static func parse(_ text: String, options: JSONParseOptions = JSONParseOptions()) throws -> JSONValue {
        try parse(Array(text.utf8), options: options)
    }

    /// Reads and parses a file.
    ///
    /// - Parameters:
    ///   - path: The file path.
    ///   - options: Reader options.
    /// - Returns: The root value.
    /// - Throws: ``JSONParseError`` (with `file` set), including `.unreadableFile`.
    public static func parse(contentsOfFile path: String, options: JSONParseOptions = JSONParseOptions()) throws -> JSONValue {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw JSONParseError(kind: .unreadableFile, location: SourceLocation(line: 1, column: 1, byteOffset: 0),
                                 message: "cannot read the file; check that it exists and is readable", file: path)
        }
        do {
            return try parse(data, options: options)
        } catch var e as JSONParseError {
            e.file = path
            throw e
        }
    }

    // MARK: - Internals

    private func fail(_ kind: JSONParseError.Kind, _ message: String, at offset: Int? = nil) -> JSONParseError {
        let off = offset ?? pos
        return JSONParseError(kind: kind, location: SourceLocation.of(offset: off, in: bytes), message: message, file: nil)
    }

    mutating func parseDocument() throws -> JSONValue {
        if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF {
            throw fail(.byteOrderMark, "the input starts with a UTF-8 byte order mark; save the file as UTF-8 without BOM", at: 0)
        }
        skipWhitespace()
        let v = try parseValue()
        skipWhitespace()
        if pos < bytes.count {
            throw fail(.trailingContent, "unexpected content after the JSON value; remove it or wrap the values in an array")
        }
        return v
    }

    @inline(__always)
    private mutating func skipWhitespace() {
        while pos < bytes.count {
            let b = bytes[pos]
            if b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { pos += 1 } else { return }
        }
    }

    private func describe(_ b: UInt8) -> String {
        if b >= 0x21 && b < 0x7F { return "'\(Character(Unicode.Scalar(b)))'" }
        return "byte 0x" + String(b, radix: 16, uppercase: true)
    }

    private mutating func parseValue() throws -> JSONValue {
        guard pos < bytes.count else {
            throw fail(.unexpectedEnd, "the input ended where a value was expected; the document is truncated")
        }
        if options.recordPositions { offsets[JSONPointer(tokens: path)] = pos }
        let b = bytes[pos]
        switch b {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default:
            if b >= 0x80, let bad = invalidUTF8Offset(from: pos, to: min(bytes.count, pos + 4)) {
                throw fail(.invalidUTF8, "invalid UTF-8 byte sequence; re-encode the file as UTF-8", at: bad)
            }
            throw fail(.unexpectedCharacter, "unexpected \(describe(b)) where a value was expected")
        }
    }

    private mutating func expectLiteral(_ word: StaticString) throws {
        let n = word.utf8CodeUnitCount
        let w = word.utf8Start
        for i in 0..<n {
            guard pos + i < bytes.count else {
                throw fail(.unexpectedEnd, "the input ended inside the literal '\(word)'; the document is truncated", at: bytes.count)
            }
            if bytes[pos + i] != w[i] {
                throw fail(.unexpectedCharacter, "invalid literal; expected '\(word)'", at: pos + i)
            }
        }
        pos += n
    }

    private mutating func enter() throws {
        depth += 1
        if depth > options.maxDepth {
            throw fail(.tooDeep, "arrays/objects are nested deeper than \(options.maxDepth) levels; flatten the document or raise maxDepth")
        }
    }

    private mutating func parseArray() throws -> JSONValue {
        try enter()
        pos += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if pos < bytes.count && bytes[pos] == UInt8(ascii: "]") {
            pos += 1
            depth -= 1
            return .array(items)
        }
        while true {
            skipWhitespace()
            if options.recordPositions { path.append(String(items.count)) }
            items.append(try parseValue())
            if options.recordPositions { path.removeLast() }
            skipWhitespace()
            guard pos < bytes.count else {
                throw fail(.unexpectedEnd, "the input ended inside an array; expected ',' or ']'")
            }
            let c = bytes[pos]
            pos += 1
            if c == UInt8(ascii: ",") { continue }
            if c == UInt8(ascii: "]") { break }
            throw fail(.unexpectedCharacter, "unexpected \(describe(c)) in an array; expected ',' or ']'", at: pos - 1)
        }
        depth -= 1
        return .array(items)
    }

    private mutating func parseObject() throws -> JSONValue {
        try enter()
        pos += 1
        var object = JSONObject()
        skipWhitespace()
        if pos < bytes.count && bytes[pos] == UInt8(ascii: "}") {
            pos += 1
            depth -= 1
            return .object(object)
        }
        while true {
            skipWhitespace()
            guard pos < bytes.count else {
                throw fail(.unexpectedEnd, "the input ended inside an object; expected a member name")
            }
            guard bytes[pos] == UInt8(ascii: "\"") else {
                throw fail(.unexpectedCharacter, "unexpected \(describe(bytes[pos])) in an object; expected a double-quoted member name")
            }
            let keyStart = pos
            let key = try parseString()
            skipWhitespace()
            guard pos < bytes.count else {
                throw fail(.unexpectedEnd, "the input ended after a member name; expected ':'")
            }
            guard bytes[pos] == UInt8(ascii: ":") else {
                throw fail(.unexpectedCharacter, "unexpected \(describe(bytes[pos])) after a member name; expected ':'")
            }
            pos += 1
            skipWhitespace()
            if options.recordPositions { path.append(key) }
            let value = try parseValue()
            if options.recordPositions { path.removeLast() }
            if !object.insertNew(key, value) {
                throw fail(.duplicateKey, "duplicate member name \"\(key)\"; each name may appear only once in an object", at: keyStart)
            }
            skipWhitespace()
            guard pos < bytes.count else {
                throw fail(.unexpectedEnd, "the input ended inside an object; expected ',' or '}'")
            }
            let c = bytes[pos]
            pos += 1
            if c == UInt8(ascii: ",") { continue }
            if c == UInt8(ascii: "}") { break }
            throw fail(.unexpectedCharacter, "unexpected \(describe(c)) in an object; expected ',' or '}'", at: pos - 1)
        }
        depth -= 1
        return .object(object)
    }

    /// Returns the offset of the first invalid UTF-8 sequence in `start..<end`, if any.
    private func invalidUTF8Offset(from start: Int, to end: Int) -> Int? {
        var i = start
        while i < end {
            let b = bytes[i]
            if b < 0x80 { i += 1; continue }
            var need = 0
            var lo: UInt8 = 0x80, hi: UInt8 = 0xBF
            switch b {
            case 0xC2...0xDF: need = 1
            case 0xE0: need = 2; lo = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: need = 2
            case 0xED: need = 2; hi = 0x9F
            case 0xF0: need = 3; lo = 0x90
            case 0xF1...0xF3: need = 3
            case 0xF4: need = 3; hi = 0x8F
            default: return i
            }
            for k in 1...need {
                guard i + k < bytes.count else { return i }
                let c = bytes[i + k]
                if k == 1 { if c < lo || c > hi { return i } } else if c & 0xC0 != 0x80 { return i }
            }
            i += need + 1
        }
        return nil
    }

    private mutating func parseString() throws -> String {
        pos += 1
        let start = pos
        var nonASCII = false
        // Fast path: no escapes.
        while pos < bytes.count {
            let b = bytes[pos]
            if b == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: bytes[start..<pos])
                pos += 1
                if nonASCII {
                    guard let s = String(validating: slice, as: UTF8.self) else {
                        throw fail(.invalidUTF8, "invalid UTF-8 byte sequence in a string; re-encode the file as UTF-8",
                                   at: invalidUTF8Offset(from: start, to: pos - 1) ?? start)
                    }
                    return s
                }
                return String(decoding: slice, as: UTF8.self)
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 {
                throw fail(.controlCharacterInString, "raw control character (U+00\(String(format: "%02X", b))) in a string; escape it, e.g. as \\n or \\u00XX")
            }
            if b >= 0x80 { nonASCII = true }
            pos += 1
        }
        // Slow path with escapes.
        var out = [UInt8]()
        out.reserveCapacity(2 * (pos - start) + 32)
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<pos]))
        while pos < bytes.count {
            let b = bytes[pos]
            if b == UInt8(ascii: "\"") {
                pos += 1
                guard let s = String(validating: out, as: UTF8.self) else {
                    throw fail(.invalidUTF8, "invalid UTF-8 byte sequence in a string; re-encode the file as UTF-8",
                               at: invalidUTF8Offset(from: start, to: pos - 1) ?? start)
                }
                return s
            }
            if b < 0x20 {
                throw fail(.controlCharacterInString, "raw control character (U+00\(String(format: "%02X", b))) in a string; escape it, e.g. as \\n or \\u00XX")
            }
            if b != UInt8(ascii: "\\") {
                out.append(b)
                pos += 1
                continue
            }
            let escStart = pos
            pos += 1
            guard pos < bytes.count else { break }
            let e = bytes[pos]
            pos += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try readHex4(escStart)
                if scalar >= 0xD800 && scalar <= 0xDBFF {
                    guard pos + 1 < bytes.count, bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u") else {
                        throw fail(.loneSurrogate, "high surrogate \\u\(String(scalar, radix: 16, uppercase: true)) is not followed by a low surrogate escape", at: escStart)
                    }
                    let lowStart = pos
                    pos += 2
                    let low = try readHex4(lowStart)
                    guard low >= 0xDC00 && low <= 0xDFFF else {
                        throw fail(.loneSurrogate, "high surrogate \\u\(String(scalar, radix: 16, uppercase: true)) is followed by \\u\(String(low, radix: 16, uppercase: true)), which is not a low surrogate", at: escStart)
                    }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if scalar >= 0xDC00 && scalar <= 0xDFFF {
                    throw fail(.loneSurrogate, "low surrogate \\u\(String(scalar, radix: 16, uppercase: true)) without a preceding high surrogate", at: escStart)
                }
                Self.appendUTF8(scalar, to: &out)
            default:
                throw fail(.invalidEscape, "invalid escape '\\\(Character(Unicode.Scalar(e)))'; valid escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX", at: escStart)
            }
        }
        throw fail(.unexpectedEnd, "the input ended inside a string; add the closing '\"'")
    }

    /// Appends the UTF-8 encoding of a Unicode scalar value (not a surrogate, at most U+10FFFF).
    @inline(__always)
    private static func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case ..<0x80:
            out.append(UInt8(scalar))
        case ..<0x800:
            out.append(UInt8(0xC0 | scalar >> 6))
            out.append(UInt8(0x80 | scalar & 0x3F))
        case ..<0x10000:
            out.append(UInt8(0xE0 | scalar >> 12))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        default:
            out.append(UInt8(0xF0 | scalar >> 18))
            out.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    private mutating func readHex4(_ escStart: Int) throws -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard pos < bytes.count else {
                throw fail(.unexpectedEnd, "the input ended inside a \\u escape")
            }
            let c = bytes[pos]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default:
                throw fail(.invalidEscape, "a \\u escape needs exactly four hexadecimal digits", at: escStart)
            }
            v = v * 16 + d
            pos += 1
        }
        return v
    }

    private mutating func parseNumber() throws -> JSONNumber {
        let start = pos
        var negative = false
        if bytes[pos] == UInt8(ascii: "-") { negative = true; pos += 1 }
        func isDigit(_ i: Int) -> Bool { i < bytes.count && bytes[i] >= 0x30 && bytes[i] <= 0x39 }
        guard isDigit(pos) else {
            if pos >= bytes.count { throw fail(.unexpectedEnd, "the input ended inside a number") }
            throw fail(.invalidNumber, "invalid number: '-' must be followed by a digit", at: start)
        }
        var small: UInt64 = 0
        var smallDigits = 0
        var big: [UInt8]? = nil
        var exponent = 0
        @inline(__always) func addDigit(_ d: UInt8) {
            if big == nil {
                if smallDigits < 19 {
                    small = small * 10 + UInt64(d)
                    if small != 0 { smallDigits += 1 }
                    return
                }
                var ds: [UInt8] = []
                var x = small
                while x > 0 { ds.append(UInt8(x % 10)); x /= 10 }
                big = ds.reversed()
            }
            big!.append(d)
        }
        if bytes[pos] == UInt8(ascii: "0") {
            pos += 1
            if isDigit(pos) { throw fail(.invalidNumber, "invalid number: leading zeros are not allowed", at: start) }
        } else {
            while isDigit(pos) { addDigit(bytes[pos] - 0x30); pos += 1 }
        }
        if pos < bytes.count && bytes[pos] == UInt8(ascii: ".") {
            pos += 1
            guard isDigit(pos) else {
                if pos >= bytes.count { throw fail(.unexpectedEnd, "the input ended inside a number") }
                throw fail(.invalidNumber, "invalid number: a digit must follow the decimal point", at: start)
            }
            while isDigit(pos) { addDigit(bytes[pos] - 0x30); exponent -= 1; pos += 1 }
        }
        if pos < bytes.count && (bytes[pos] == UInt8(ascii: "e") || bytes[pos] == UInt8(ascii: "E")) {
            pos += 1
            var expNegative = false
            if pos < bytes.count && (bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-")) {
                expNegative = bytes[pos] == UInt8(ascii: "-")
                pos += 1
            }
            guard isDigit(pos) else {
                if pos >= bytes.count { throw fail(.unexpectedEnd, "the input ended inside a number") }
                throw fail(.invalidNumber, "invalid number: the exponent needs at least one digit", at: start)
            }
            var e = 0
            while isDigit(pos) {
                if e < JSONNumber.exponentLimit { e = e * 10 + Int(bytes[pos] - 0x30) }
                pos += 1
            }
            exponent += expNegative ? -e : e
        }
        if let big { return JSONNumber(negative: negative, digits: big, exponent: exponent) }
        return JSONNumber(small: small, negative: negative, exponent: exponent)
    }
}
