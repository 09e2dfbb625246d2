import Foundation

/// A JSON value with exact numbers and insertion-ordered objects.
///
/// Equality follows JSON Schema rules: numbers compare by mathematical value
/// (`1.0 == 1`), objects compare regardless of member order, arrays element-wise.
public enum JSONValue: Sendable {
    /// The `null` literal.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// An exact decimal number.
    case number(JSONNumber)
    /// A string of Unicode scalars.
    case string(String)
    /// An ordered array.
    case array([JSONValue])
    /// An object whose members keep their document order.
    case object(JSONObject)

    /// The JSON Schema type name of this value (`"integer"` for integral numbers).
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .number(let n): return n.isInteger ? "integer" : "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    /// The member named `key` when this is an object, else `nil`.
    ///
    /// - Parameter key: The member name.
    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    /// The string payload, if this is a string.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The object payload, if this is an object.
    public var objectValue: JSONObject? {
        if case .object(let o) = self { return o }
        return nil
    }

    /// The array payload, if this is an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// The number payload, if this is a number.
    public var numberValue: JSONNumber? {
        if case .number(let n) = self { return n }
        return nil
    }

    /// The Boolean payload, if this is a Boolean.
    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// Resolves a JSON Pointer against this value.
    ///
    /// - Parameter pointer: The pointer to follow.
    /// - Returns: The value found, or `nil` when a token does not exist.
    public func value(at pointer: JSONPointer) -> JSONValue? {
        var current = self
        for token in pointer.tokens {
            switch current {
            case .object(let o):
                guard let next = o[token] else { return nil }
                current = next
            case .array(let a):
                guard let i = JSONPointer.arrayIndex(token), i < a.count else { return nil }
                current = a[i]
            default:
                return nil
            }
        }
        return current
    }
}

extension String {
    /// Equality by code points, as JSON compares strings (Swift's `==` is canonical
    /// equivalence): the same code points are the same UTF-8 bytes, compared with `memcmp`.
    func hasSameCodePoints(as other: String) -> Bool {
        let a = utf8, b = other.utf8
        guard a.count == b.count else { return false }
        if a.isEmpty { return true }
        let fast = a.withContiguousStorageIfAvailable { x in
            b.withContiguousStorageIfAvailable { y in memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0 }
        }
        return (fast ?? nil) ?? a.elementsEqual(b)
    }
}

extension JSONValue: Equatable {
    /// JSON Schema equality: numeric value, order-insensitive objects.
    ///
    /// - Parameters:
    ///   - lhs: The left value.
    ///   - rhs: The right value.
    /// - Returns: Whether both denote the same JSON value.
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b
        // Code points, not canonical equivalence: the same code points are the same UTF-8 bytes.
        case (.string(let a), .string(let b)): return a.hasSameCodePoints(as: b)
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)):
            guard a.count == b.count else { return false }
            for (k, v) in a where b[k] != v { return false }
            return true
        default: return false
        }
    }
}

extension JSONValue: Hashable {
    /// Hashes consistently with ``==`` (object members in sorted order).
    ///
    /// - Parameter hasher: The hasher to feed.
    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let b): hasher.combine(1); hasher.combine(b)
        case .number(let n): hasher.combine(2); hasher.combine(n)
        case .string(let s):
            hasher.combine(3)
            for u in s.unicodeScalars { hasher.combine(u.value) }
        case .array(let a): hasher.combine(4); hasher.combine(a.count); for v in a { hasher.combine(v) }
        case .object(let o):
            hasher.combine(5)
            hasher.combine(o.count)
            var sum = 0
            for (k, v) in o {
                var h = Hasher()
                h.combine(k)
                h.combine(v)
                sum = sum &+ h.finalize()
            }
            hasher.combine(sum)
        }
    }
}

/// A JSON object that keeps its members in document order.
///
/// Lookup by name is O(1) for large objects (an index is built past 8 members) and a
/// short linear scan for small ones.
public struct JSONObject: Sendable, Sequence {
    /// Member names in document order.
    public private(set) var keys: [String]
    /// Member values, parallel to ``keys``.
    public private(set) var values: [JSONValue]
    private var index: [String: Int]?
    /// Objects with this many members get a hash index; smaller ones (nearly every object an
    /// application holds) are searched linearly, which costs less than hashing their keys.
    static let indexThreshold = 16

    /// Creates an empty object.
    public init() {
        keys = []
        values = []
        index = nil
    }

    /// Creates an object from ordered pairs; a later duplicate replaces the earlier value.
    ///
    /// - Parameter pairs: Member names and values in order.
    public init(_ pairs: [(String, JSONValue)]) {
        self.init()
        for (k, v) in pairs { self[k] = v }
    }

    /// The number of members.
    public var count: Int { keys.count }

    /// Looks up or sets a member by name; setting `nil` is not supported and is ignored.
    ///
    /// - Parameter key: The member name.
    public subscript(key: String) -> JSONValue? {
        get {
            guard let i = position(of: key) else { return nil }
            return values[i]
        }
        set {
            guard let newValue else { return }
            if let i = position(of: key) {
                values[i] = newValue
            } else {
                _ = insertNew(key, newValue)
            }
        }
    }

    /// Returns the position of `key`, or `nil`.
    func position(of key: String) -> Int? {
        if let index { return index[key] }
        for i in 0..<keys.count where keys[i] == key { return i }
        return nil
    }

    /// Appends a member known to be new; returns `false` (and does nothing) on a duplicate.
    mutating func insertNew(_ key: String, _ value: JSONValue) -> Bool {
        if index == nil {
            for k in keys where k == key { return false }
            if keys.count >= Self.indexThreshold {
                var idx = [String: Int](minimumCapacity: 16)
                for (i, k) in keys.enumerated() { idx[k] = i }
                index = idx
            }
        }
        if index != nil {
            if index![key] != nil { return false }
            index![key] = keys.count
        }
        keys.append(key)
        values.append(value)
        return true
    }

    /// Iterates over `(name, value)` pairs in document order.
    ///
    /// - Returns: An iterator over the members.
    public func makeIterator() -> Zip2Sequence<[String], [JSONValue]>.Iterator {
        zip(keys, values).makeIterator()
    }
}

/// A JSON Pointer (RFC 6901): a sequence of reference tokens.
///
/// Its ``description`` is the string form with `~` escaped as `~0` and `/` as `~1`.
public struct JSONPointer: Sendable, Hashable, CustomStringConvertible, Codable {
    /// The unescaped reference tokens.
    public var tokens: [String]

    /// The empty pointer, denoting the whole document.
    public static let root = JSONPointer(tokens: [])

    /// Creates a pointer from unescaped tokens.
    ///
    /// - Parameter tokens: The reference tokens, unescaped.
    public init(tokens: [String]) { self.tokens = tokens }

    /// Parses the string form of a pointer (`""`, `"/a/0/b~1c"`).
    ///
    /// - Parameter string: The pointer text.
    /// - Throws: ``JSONPointerError`` when the text is not a valid pointer.
    public init(parsing string: String) throws {
        if string.isEmpty { self.tokens = []; return }
        guard string.hasPrefix("/") else {
            throw JSONPointerError(pointer: string, reason: "a non-empty JSON Pointer must start with '/'")
        }
        var result: [String] = []
        for part in string.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            var token = ""
            var it = part.makeIterator()
            while let c = it.next() {
                if c == "~" {
                    switch it.next() {
                    case "0": token.append("~")
                    case "1": token.append("/")
                    default:
                        throw JSONPointerError(pointer: string, reason: "'~' must be followed by '0' or '1'")
                    }
                } else {
                    token.append(c)
                }
            }
            result.append(token)
        }
        self.tokens = result
    }

    /// Returns this pointer extended by one token.
    ///
    /// - Parameter token: The unescaped token to append.
    /// - Returns: The longer pointer.
    public func appending(_ token: String) -> JSONPointer { JSONPointer(tokens: tokens + [token]) }

    /// The RFC 6901 string form.
    public var description: String {
        var out = ""
        for t in tokens {
            out.append("/")
            out.append(Self.escape(t))
        }
        return out
    }

    /// Escapes one token (`~` → `~0`, `/` → `~1`).
    ///
    /// - Parameter token: The raw token.
    /// - Returns: The escaped token.
    public static func escape(_ token: String) -> String {
        if !token.contains("~") && !token.contains("/") { return token }
        return token.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    /// Interprets a token as an array index (`0`, `12`; no leading zeros, no sign).
    static func arrayIndex(_ token: String) -> Int? {
        guard !token.isEmpty, token.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        if token.count > 1 && token.hasPrefix("0") { return nil }
        return Int(token)
    }

    /// Decodes from the string form.
    ///
    /// - Parameter decoder: The decoder to read from.
    /// - Throws: A decoding error or ``JSONPointerError``.
    public init(from decoder: any Decoder) throws {
        try self.init(parsing: try decoder.singleValueContainer().decode(String.self))
    }

    /// Encodes as the string form.
    ///
    /// - Parameter encoder: The encoder to write to.
    /// - Throws: An encoding error.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// An error raised when a JSON Pointer string is malformed.
public struct JSONPointerError: Error, Sendable, CustomStringConvertible {
    /// The pointer text as given.
    public let pointer: String
    /// Why it was rejected.
    public let reason: String

    /// A readable message naming the pointer and the fix.
    public var description: String { "invalid JSON Pointer \"\(pointer)\": \(reason)" }
}
