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

/// What a field may hold while every one of `when` holds: one fixed value, a list of allowed
/// values, or values it must not take. The page applies it only once every condition's field has
/// a value (an unanswered 国籍 fixes nothing); the engine judges the same rule at 提交 either way.
public struct FieldLimit: Sendable, Hashable, Codable {
    /// The conditions, all of which must hold.
    public var when: [FieldCondition]
    /// The one value the field takes (`const`).
    public var fixed: String?
    /// The values the field may take (`enum`).
    public var allowed: [String]?
    /// Values the field must not take (`not: {const}`).
    public var excluded: [String]?

    /// Creates a limit.
    public init(when: [FieldCondition], fixed: String? = nil, allowed: [String]? = nil, excluded: [String]? = nil) {
        self.when = when
        self.fixed = fixed
        self.allowed = allowed
        self.excluded = excluded
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
    /// The values a field may take while conditions hold (`then`/`else` giving the field a
    /// `const`, an `enum` or a `not: {const}`), by the field's pointer: a foreign child's hukou
    /// fields are 无 and its document a passport or a permanent residence ID.
    public var limits: [String: [FieldLimit]] = [:]

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
        collectConditionalLimits(document, path: [])
    }

    /// Finds every `if` that applies to an object of the instance (a section, a top-level
    /// `allOf`) and records what its `then` and `else` say of the fields' values. Items of
    /// arrays are left to the engine at 提交 (no form conditions a value inside one).
    private mutating func collectConditionalLimits(_ node: JSONValue, path: [String]) {
        guard node.objectValue != nil else { return }
        if let condition = node["if"].flatMap({ FieldCondition.parse($0, base: path) }) {
            var otherwise = condition
            otherwise.negated.toggle()
            if let then = node["then"] { collectLimits(then, path: path, when: [condition]) }
            if let orElse = node["else"] { collectLimits(orElse, path: path, when: [otherwise]) }
        }
        for item in node["allOf"]?.arrayValue ?? [] {
            collectConditionalLimits(item, path: path)
        }
        for (name, child) in node["properties"]?.objectValue ?? JSONObject() {
            collectConditionalLimits(child, path: path + [name])
        }
    }

    private mutating func collectLimits(_ node: JSONValue, path: [String], when conditions: [FieldCondition]) {
        for (name, child) in node["properties"]?.objectValue ?? JSONObject() {
            let pointer = JSONPointer(tokens: path + [name]).description
            var limit = FieldLimit(when: conditions)
            if let constant = child["const"] { limit.fixed = FieldCondition.text(constant) }
            if let options = child["enum"]?.arrayValue { limit.allowed = options.map(FieldCondition.text) }
            if let constant = child["not"]?["const"] { limit.excluded = [FieldCondition.text(constant)] }
            if limit.fixed != nil || limit.allowed != nil || limit.excluded != nil {
                limits[pointer, default: []].append(limit)
            }
            collectLimits(child, path: path + [name], when: conditions)
        }
        if let condition = node["if"].flatMap({ FieldCondition.parse($0, base: path) }) {
            var otherwise = condition
            otherwise.negated.toggle()
            if let then = node["then"] { collectLimits(then, path: path, when: conditions + [condition]) }
            if let orElse = node["else"] { collectLimits(orElse, path: path, when: conditions + [otherwise]) }
        }
        for item in node["allOf"]?.arrayValue ?? [] {
            collectLimits(item, path: path, when: conditions)
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
