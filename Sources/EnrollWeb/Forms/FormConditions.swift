import EnrollCore
import JSONSchema

/// A condition a form schema states on one field, as its `if` keywords say it:
/// `{"properties": {"property": {"properties": {"held": {"const": true}}, "required": ["held"]}}, "required": ["property"]}`
/// is "the field `/property/held` is `true`".
public struct FieldCondition: Sendable, Hashable, Codable {
    /// The field the condition reads.
    public var pointer: String
    /// The values (as a control submits them: `true`, `false`, the option's text) that satisfy it.
    public var values: [String]
    /// Whether the condition holds when the field has none of `values` (`not: {const: …}`).
    public var negated: Bool

    /// Creates a condition.
    public init(pointer: String, values: [String], negated: Bool = false) {
        self.pointer = pointer
        self.values = values
        self.negated = negated
    }

    /// Reads an `if` schema of the shape above, nested to any depth; nil for any other shape
    /// (the condition is then not shown in the page, and the engine still judges it at 提交).
    /// - Parameters:
    ///   - schema: The `if` schema.
    ///   - base: The pointer of the instance the schema applies to.
    public static func parse(_ schema: JSONValue, base: [String] = []) -> FieldCondition? {
        guard let properties = schema["properties"]?.objectValue, properties.count == 1,
              let (name, child) = properties.first(where: { _ in true })
        else { return nil }
        let path = base + [name]
        if let nested = parse(child, base: path) { return nested }
        if let constant = child["const"] {
            return FieldCondition(pointer: JSONPointer(tokens: path).description, values: [text(constant)])
        }
        if let options = child["enum"]?.arrayValue {
            return FieldCondition(pointer: JSONPointer(tokens: path).description, values: options.map(text))
        }
        if let constant = child["not"]?["const"] {
            return FieldCondition(pointer: JSONPointer(tokens: path).description, values: [text(constant)], negated: true)
        }
        return nil
    }

    /// Whether a document satisfies the condition (an absent field satisfies only a negated one).
    public func holds(in document: JSONValue) -> Bool {
        guard let pointer = try? JSONPointer(parsing: pointer), let value = document.value(at: pointer) else {
            return negated
        }
        return values.contains(Self.text(value)) != negated
    }

    /// A value as a control submits it.
    public static func text(_ value: JSONValue) -> String {
        switch value {
        case .bool(let flag): flag ? "true" : "false"
        case .string(let text): text
        case .number(let number): number.description
        default: value.serialized()
        }
    }
}

/// Where a form's conditions show and hide parts of the page, read from the schema's own
/// `if`/`then`/`else` (docs/FORMS.md): the same conditions the engine checks at 提交.
public struct FormConditions: Sendable {
    /// Fields of a section shown only while a condition holds (`else: {"propertyNames": {"const": KEY}}`:
    /// when the condition fails, only KEY may be present), by the pointer of each revealed field.
    public var revealedWhen: [String: FieldCondition] = [:]
    /// Sections hidden while a condition holds (`then: {"not": {"required": [SECTION]}}`).
    public var hiddenWhen: [String: FieldCondition] = [:]
    /// Optional sections required while a condition holds (`then`/`else: {"required": [SECTION]}`).
    public var requiredWhen: [String: FieldCondition] = [:]

    /// Reads the conditions of a form.
    public init(form: Form) {
        let document = form.document
        for (name, section) in document["properties"]?.objectValue ?? JSONObject() {
            collectReveals(section, path: [name])
        }
        for item in document["allOf"]?.arrayValue ?? [] {
            guard let condition = item["if"].flatMap({ FieldCondition.parse($0) }) else { continue }
            for name in item["then"]?["not"]?["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
                hiddenWhen["/" + name] = condition
            }
            for name in item["then"]?["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
                requiredWhen["/" + name] = condition
            }
            for name in item["else"]?["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
                var negated = condition
                negated.negated.toggle()
                requiredWhen["/" + name] = negated
            }
        }
    }

    private mutating func collectReveals(_ node: JSONValue, path: [String]) {
        guard let properties = node["properties"]?.objectValue else { return }
        if let condition = node["if"].flatMap({ FieldCondition.parse($0, base: path) }),
           let kept = node["else"]?["propertyNames"]?["const"]?.stringValue
        {
            for (name, _) in properties where name != kept {
                revealedWhen[JSONPointer(tokens: path + [name]).description] = condition
            }
        }
        for (name, child) in properties {
            collectReveals(child, path: path + [name])
        }
    }
}
