import EnrollCore
import Foundation

/// A JSON value whose objects keep their key order, so output is byte-for-byte reproducible.
public enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    /// An object as ordered key/value pairs (keys unique).
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.number(x), .number(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.array(x), .array(y)): return x == y
        case let (.object(x), .object(y)):
            // JSON object equality ignores order.
            guard x.count == y.count else { return false }
            for (k, v) in x {
                guard let w = y.first(where: { $0.0 == k })?.1, w == v else { return false }
            }
            return true
        default: return false
        }
    }

    /// The member `key` of an object, or nil.
    public subscript(key: String) -> JSONValue? {
        if case let .object(pairs) = self { return pairs.first { $0.0 == key }?.1 }
        return nil
    }

    /// The string payload, or nil.
    public var stringValue: String? {
        if case let .string(s) = self { return s }
        return nil
    }

    /// The numeric payload as an Int, or nil.
    public var intValue: Int? {
        if case let .number(d) = self, d == d.rounded() { return Int(d) }
        return nil
    }

    /// The boolean payload, or nil.
    public var boolValue: Bool? {
        if case let .bool(b) = self { return b }
        return nil
    }

    /// The array payload, or nil.
    public var arrayValue: [JSONValue]? {
        if case let .array(a) = self { return a }
        return nil
    }

    /// The value at an RFC 6901 JSON Pointer, or nil if it does not resolve.
    public func at(pointer: String) -> JSONValue? {
        if pointer.isEmpty { return self }
        var cur = self
        for raw in pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            let tok = raw.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            switch cur {
            case let .object(pairs):
                guard let v = pairs.first(where: { $0.0 == tok })?.1 else { return nil }
                cur = v
            case let .array(items):
                guard let i = Int(tok), i >= 0, i < items.count else { return nil }
                cur = items[i]
            default:
                return nil
            }
        }
        return cur
    }
}

// MARK: - Writing

extension JSONValue {
    /// Pretty-printed UTF-8 (two-space indent, `": "` separators, non-ASCII text not escaped),
    /// the layout of Python's `json.dumps(indent=2, ensure_ascii=False)`, ending with a newline.
    public func prettyPrintedBytes() -> [UInt8] {
        var out = ""
        write(into: &out, indent: 0)
        out.append("\n")
        return Array(out.utf8)
    }

    private func write(into out: inout String, indent: Int) {
        switch self {
        case .null: out.append("null")
        case let .bool(b): out.append(b ? "true" : "false")
        case let .number(d):
            if d == d.rounded(), abs(d) < 1e15 { out.append(String(Int(d))) } else { out.append(String(d)) }
        case let .string(s): Self.writeString(s, into: &out)
        case let .array(items):
            if items.isEmpty { out.append("[]"); return }
            out.append("[\n")
            for (i, v) in items.enumerated() {
                out.append(String(repeating: " ", count: indent + 2))
                v.write(into: &out, indent: indent + 2)
                out.append(i + 1 < items.count ? ",\n" : "\n")
            }
            out.append(String(repeating: " ", count: indent))
            out.append("]")
        case let .object(pairs):
            if pairs.isEmpty { out.append("{}"); return }
            out.append("{\n")
            for (i, (k, v)) in pairs.enumerated() {
                out.append(String(repeating: " ", count: indent + 2))
                Self.writeString(k, into: &out)
                out.append(": ")
                v.write(into: &out, indent: indent + 2)
                out.append(i + 1 < pairs.count ? ",\n" : "\n")
            }
            out.append(String(repeating: " ", count: indent))
            out.append("}")
        }
    }

    private static func writeString(_ s: String, into out: inout String) {
        out.append("\"")
        for u in s.unicodeScalars {
            switch u {
            case "\"": out.append("\\\"")
            case "\\": out.append("\\\\")
            case "\n": out.append("\\n")
            case "\r": out.append("\\r")
            case "\t": out.append("\\t")
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        out.append("\"")
    }
}

// MARK: - Parsing

/// An error while parsing JSON text.
public struct JSONParseError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public var message: String
    /// Byte offset of the problem.
    public var offset: Int
    public var description: String { "JSON parse error at byte \(offset): \(message)" }
}

extension JSONValue {
    /// Parses UTF-8 JSON text (RFC 8259), keeping object key order.
    public static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        var p = JSONParser(bytes: bytes)
        p.skipWS()
        let v = try p.value()
        p.skipWS()
        guard p.pos == bytes.count else { throw JSONParseError(message: "trailing data", offset: p.pos) }
        return v
    }
}

private struct JSONParser {
    let bytes: [UInt8]
    var pos = 0

    mutating func skipWS() {
        while pos < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[pos]) { pos += 1 }
    }

    func fail(_ m: String) -> JSONParseError { JSONParseError(message: m, offset: pos) }

    mutating func expect(_ word: String) throws {
        for b in word.utf8 {
            guard pos < bytes.count, bytes[pos] == b else { throw fail("expected \(word)") }
            pos += 1
        }
    }

    mutating func value() throws -> JSONValue {
        guard pos < bytes.count else { throw fail("unexpected end") }
        switch bytes[pos] {
        case UInt8(ascii: "{"):
            pos += 1
            var pairs: [(String, JSONValue)] = []
            skipWS()
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object(pairs) }
            while true {
                skipWS()
                guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else { throw fail("expected key") }
                let k = try string()
                skipWS()
                try expect(":")
                skipWS()
                pairs.append((k, try value()))
                skipWS()
                guard pos < bytes.count else { throw fail("unterminated object") }
                if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
                if bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object(pairs) }
                throw fail("expected , or }")
            }
        case UInt8(ascii: "["):
            pos += 1
            var items: [JSONValue] = []
            skipWS()
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
            while true {
                skipWS()
                items.append(try value())
                skipWS()
                guard pos < bytes.count else { throw fail("unterminated array") }
                if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
                if bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
                throw fail("expected , or ]")
            }
        case UInt8(ascii: "\""):
            return .string(try string())
        case UInt8(ascii: "t"): try expect("true"); return .bool(true)
        case UInt8(ascii: "f"): try expect("false"); return .bool(false)
        case UInt8(ascii: "n"): try expect("null"); return .null
        default:
            let start = pos
            while pos < bytes.count, "+-0123456789.eE".utf8.contains(bytes[pos]) { pos += 1 }
            guard let d = Double(String(decoding: bytes[start..<pos], as: UTF8.self)) else {
                throw fail("bad number")
            }
            return .number(d)
        }
    }

    mutating func hex4() throws -> UInt32 {
        guard pos + 4 <= bytes.count,
              let v = UInt32(String(decoding: bytes[pos..<pos + 4], as: UTF8.self), radix: 16) else {
            throw fail("bad \\u escape")
        }
        pos += 4
        return v
    }

    mutating func string() throws -> String {
        pos += 1  // opening quote
        var raw: [UInt8] = []
        while true {
            guard pos < bytes.count else { throw fail("unterminated string") }
            let b = bytes[pos]
            pos += 1
            if b == UInt8(ascii: "\"") { break }
            if b != UInt8(ascii: "\\") { raw.append(b); continue }
            guard pos < bytes.count else { throw fail("bad escape") }
            let e = bytes[pos]
            pos += 1
            switch e {
            case UInt8(ascii: "n"): raw.append(0x0A)
            case UInt8(ascii: "t"): raw.append(0x09)
            case UInt8(ascii: "r"): raw.append(0x0D)
            case UInt8(ascii: "b"): raw.append(0x08)
            case UInt8(ascii: "f"): raw.append(0x0C)
            case UInt8(ascii: "u"):
                var cp = try hex4()
                if (0xD800..<0xDC00).contains(cp), pos + 6 <= bytes.count, bytes[pos] == UInt8(ascii: "\\"),
                   bytes[pos + 1] == UInt8(ascii: "u") {
                    pos += 2
                    let lo = try hex4()
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00)
                }
                raw.append(contentsOf: Array(String(Unicode.Scalar(cp).map(Character.init) ?? "\u{FFFD}").utf8))
            default: raw.append(e)
            }
        }
        return String(decoding: raw, as: UTF8.self)
    }
}
