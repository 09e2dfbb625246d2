import EnrollCore
import Foundation
import JSONSchema

/// Turns submitted form controls into the form's JSON document.
///
/// A control's `name` is its field's JSON pointer (`/student/name`, `/residencePermit/permits/0/number`);
/// every other name (`_action`, `include:/guardian2`, `attachment:SLOT`) is not data and is
/// skipped. A value is typed by the field's schema: `boolean` fields take `true`/`false`, numbers
/// are read as JSON numbers, a field with a `const` and no type takes that constant when
/// checked; an empty value is left out, so a half-filled draft holds only what was typed.
/// Members come out in the form's schema order, array items in index order (gaps closed).
public struct FormFieldDecoder: Sendable {
    /// The form the controls belong to.
    public let form: Form
    private let fields: [String: FormField]
    private let order: [String: Int]

    /// Creates a decoder for a form.
    public init(form: Form) {
        self.form = form
        let list = form.fieldList()
        fields = Dictionary(list.map { ($0.pointer, $0) }, uniquingKeysWith: { first, _ in first })
        order = Dictionary(list.enumerated().map { ($1.pointer, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The schema pattern of an instance pointer: array positions written `*`.
    public static func pattern(_ tokens: [String]) -> String {
        "/" + tokens.map { !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) ? "*" : $0 }.joined(separator: "/")
    }

    /// The field a control name stands for, if the name is a pointer to a field of the form.
    public func field(named name: String) -> FormField? {
        guard name.hasPrefix("/"), let pointer = try? JSONPointer(parsing: name) else { return nil }
        return fields[Self.pattern(pointer.tokens)]
    }

    /// The JSON document of the submitted controls.
    /// - Parameter pairs: The controls' names and values, as submitted.
    /// - Returns: The document (an object; empty when nothing was typed).
    public func document(_ pairs: [(name: String, value: String)]) -> JSONValue {
        var entries: [(pointer: JSONPointer, value: JSONValue, rank: [Int])] = []
        for (name, raw) in pairs {
            guard let field = field(named: name), let pointer = try? JSONPointer(parsing: name) else { continue }
            guard field.type != "object", field.type != "array", let value = typed(raw, field) else { continue }
            // Parents must be containers of the right kind: a numeric token only under an array.
            var valid = true
            for count in 1..<max(1, pointer.tokens.count) {
                let parent = fields[Self.pattern(Array(pointer.tokens.prefix(count)))]
                let isIndex = Int(pointer.tokens[count]) != nil && pointer.tokens[count].allSatisfy(\.isNumber)
                if (parent?.type == "array") != isIndex { valid = false }
            }
            guard valid else { continue }
            let rank = (1...pointer.tokens.count).map { count -> Int in
                let token = pointer.tokens[count - 1]
                if let index = Int(token), token.allSatisfy(\.isNumber) { return index }
                return order[Self.pattern(Array(pointer.tokens.prefix(count)))] ?? Int.max
            }
            entries.append((pointer, value, rank))
        }
        entries.sort { $0.rank.lexicographicallyPrecedes($1.rank) }
        var root = JSONValue.object(JSONObject())
        for entry in entries {
            root = Self.inserting(entry.value, at: entry.pointer.tokens[...], into: root, fields: fields, prefix: [])
        }
        return Self.closingGaps(root)
    }

    /// The `form.json` bytes of the submitted controls (UTF-8, no BOM, a final newline).
    public func formJSON(_ pairs: [(name: String, value: String)]) -> [UInt8] {
        Array(document(pairs).serialized().utf8) + [0x0A]
    }

    private func typed(_ raw: String, _ field: FormField) -> JSONValue? {
        let text = field.type == "string" ? raw : raw.trimmingCharacters(in: .whitespaces)
        if text.isEmpty { return nil }
        if let constant = field.constant {
            // A checkbox for a constant: checked means the constant.
            return constant
        }
        switch field.type {
        case "boolean":
            switch text {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: return .string(text)
            }
        case "integer", "number":
            return JSONNumber(text).map(JSONValue.number) ?? .string(text)
        default:
            return .string(raw)
        }
    }

    /// Inserts a value; arrays are kept as objects keyed by index until ``closingGaps``.
    private static func inserting(
        _ value: JSONValue, at tokens: ArraySlice<String>, into node: JSONValue, fields: [String: FormField], prefix: [String]
    ) -> JSONValue {
        guard let token = tokens.first else { return value }
        var object = node.objectValue ?? JSONObject()
        let path = prefix + [token]
        let child = object[token] ?? .object(JSONObject())
        let isArray = fields[pattern(path)]?.type == "array"
        var inserted = inserting(value, at: tokens.dropFirst(), into: child, fields: fields, prefix: path)
        if isArray, case .object(var items) = inserted {
            // Mark an array so that closingGaps turns it into one.
            items["\u{0}array"] = .bool(true)
            inserted = .object(items)
        }
        object[token] = inserted
        return .object(object)
    }

    private static func closingGaps(_ node: JSONValue) -> JSONValue {
        guard case .object(let object) = node else { return node }
        if object["\u{0}array"] != nil {
            let items = object.filter { $0.0 != "\u{0}array" }.sorted { (Int($0.0) ?? 0) < (Int($1.0) ?? 0) }
            return .array(items.map { closingGaps($0.1) })
        }
        return .object(JSONObject(object.map { ($0.0, closingGaps($0.1)) }))
    }
}
