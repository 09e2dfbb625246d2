import JSONSchema

/// What changed in an application's form data between two revisions, field by field.
public struct FormChange: Sendable, Hashable {
    /// The field's JSON pointer (`/student/name`, `/permits/0/number`).
    public var pointer: String
    /// The value before, as text (nil when the field was absent).
    public var before: String?
    /// The value after, as text (nil when the field was removed).
    public var after: String?
}

/// Compares two revisions' form data (a pure function, for the revision history).
public enum FormChanges {
    /// The fields whose values differ, in the order of the newer revision (removed fields
    /// last, in the older one's order).
    /// - Parameters:
    ///   - old: The earlier revision's form data.
    ///   - new: The later revision's form data.
    /// - Returns: One change per leaf field added, removed or changed.
    public static func between(_ old: JSONValue, _ new: JSONValue) -> [FormChange] {
        let before = leaves(old)
        let after = leaves(new)
        let oldValues = Dictionary(before.map { ($0.pointer, $0.text) }, uniquingKeysWith: { first, _ in first })
        let newPointers = Set(after.map(\.pointer))
        var changes: [FormChange] = []
        for leaf in after where oldValues[leaf.pointer] != leaf.text {
            changes.append(FormChange(pointer: leaf.pointer, before: oldValues[leaf.pointer], after: leaf.text))
        }
        for leaf in before where !newPointers.contains(leaf.pointer) {
            changes.append(FormChange(pointer: leaf.pointer, before: leaf.text, after: nil))
        }
        return changes
    }

    /// Every leaf value (string, number, boolean, null, empty object or array) with its pointer, in document order.
    public static func leaves(_ value: JSONValue, at pointer: String = "") -> [(pointer: String, text: String)] {
        switch value {
        case .object(let object):
            if object.keys.isEmpty { return [(pointer.isEmpty ? "/" : pointer, "{}")] }
            return zip(object.keys, object.values).flatMap { key, member in leaves(member, at: pointer + "/" + JSONPointer.escape(key)) }
        case .array(let items):
            if items.isEmpty { return [(pointer.isEmpty ? "/" : pointer, "[]")] }
            return items.enumerated().flatMap { index, item in leaves(item, at: pointer + "/" + String(index)) }
        case .string(let text): return [(pointer, text)]
        case .number(let number): return [(pointer, number.description)]
        case .bool(let flag): return [(pointer, flag ? "是 / yes" : "否 / no")] // as the forms word a 是/否 choice
        case .null: return [(pointer, "null")]
        }
    }
}
