/// The set of JSON types a `type` keyword allows, as a bit mask.
struct TypeMask: OptionSet, Sendable {
    let rawValue: UInt8
    static let null = TypeMask(rawValue: 1)
    static let boolean = TypeMask(rawValue: 2)
    static let integer = TypeMask(rawValue: 4)
    static let number = TypeMask(rawValue: 8)
    static let string = TypeMask(rawValue: 16)
    static let array = TypeMask(rawValue: 32)
    static let object = TypeMask(rawValue: 64)

    init(rawValue: UInt8) { self.rawValue = rawValue }

    init?(name: String) {
        switch name {
        case "null": self = .null
        case "boolean": self = .boolean
        case "integer": self = .integer
        case "number": self = .number
        case "string": self = .string
        case "array": self = .array
        case "object": self = .object
        default: return nil
        }
    }

    func allows(_ v: JSONValue) -> Bool {
        switch v {
        case .null: return contains(.null)
        case .bool: return contains(.boolean)
        case .number(let n): return contains(.number) || (contains(.integer) && n.isInteger)
        case .string: return contains(.string)
        case .array: return contains(.array)
        case .object: return contains(.object)
        }
    }

    var names: [String] {
        var out: [String] = []
        for (m, n) in [(TypeMask.null, "null"), (.boolean, "boolean"), (.integer, "integer"), (.number, "number"),
                       (.string, "string"), (.array, "array"), (.object, "object")] where contains(m) {
            out.append(n)
        }
        return out
    }
}

/// A format checker.
typealias FormatChecker = @Sendable (String) -> Bool

/// One compiled keyword. Child schemas are referenced by node index in ``CompiledGraph``.
enum Keyword: Sendable {
    case type(TypeMask)
    case enumeration([JSONValue])
    case const(JSONValue)
    case multipleOf(JSONNumber)
    case maximum(JSONNumber)
    case exclusiveMaximum(JSONNumber)
    case minimum(JSONNumber)
    case exclusiveMinimum(JSONNumber)
    case maxLength(Int)
    case minLength(Int)
    case pattern(ECMARegex)
    case maxItems(Int)
    case minItems(Int)
    case uniqueItems
    case maxProperties(Int)
    case minProperties(Int)
    case required([String])
    case dependentRequired([(String, [String])])
    case format(String, FormatChecker)
    case ref(Int)
    case dynamicRef(static: Int, anchor: String?)
    case allOf([Int])
    case anyOf([Int])
    case oneOf([Int])
    case not(Int)
    case ifThenElse(condition: Int, then: Int?, else: Int?)
    case dependentSchemas([(String, Int)])
    case prefixItems([Int])
    case items(Int, prefixCount: Int)
    case contains(Int, min: Int, max: Int?)
    case properties([String: Int], order: [String])
    case patternProperties([(ECMARegex, Int)])
    case additionalProperties(Int, known: Set<String>, patterns: [ECMARegex])
    case propertyNames(Int)
    case unevaluatedItems(Int)
    case unevaluatedProperties(Int)

    /// The keyword's name as written in a schema.
    var name: String {
        switch self {
        case .type: return "type"
        case .enumeration: return "enum"
        case .const: return "const"
        case .multipleOf: return "multipleOf"
        case .maximum: return "maximum"
        case .exclusiveMaximum: return "exclusiveMaximum"
        case .minimum: return "minimum"
        case .exclusiveMinimum: return "exclusiveMinimum"
        case .maxLength: return "maxLength"
        case .minLength: return "minLength"
        case .pattern: return "pattern"
        case .maxItems: return "maxItems"
        case .minItems: return "minItems"
        case .uniqueItems: return "uniqueItems"
        case .maxProperties: return "maxProperties"
        case .minProperties: return "minProperties"
        case .required: return "required"
        case .dependentRequired: return "dependentRequired"
        case .format: return "format"
        case .ref: return "$ref"
        case .dynamicRef: return "$dynamicRef"
        case .allOf: return "allOf"
        case .anyOf: return "anyOf"
        case .oneOf: return "oneOf"
        case .not: return "not"
        case .ifThenElse: return "if"
        case .dependentSchemas: return "dependentSchemas"
        case .prefixItems: return "prefixItems"
        case .items: return "items"
        case .contains: return "contains"
        case .properties: return "properties"
        case .patternProperties: return "patternProperties"
        case .additionalProperties: return "additionalProperties"
        case .propertyNames: return "propertyNames"
        case .unevaluatedItems: return "unevaluatedItems"
        case .unevaluatedProperties: return "unevaluatedProperties"
        }
    }
}

/// One compiled schema (an object or Boolean schema at one location).
struct SchemaNode: Sendable {
    /// Keywords in evaluation order (`unevaluated*` last).
    var keywords: [Keyword] = []
    /// `true` for the Boolean schema `false` (always fails).
    var isFalse = false
    /// `true` for `true`, `{}` or a schema with only annotation keywords.
    var isTrivial = false
    /// Reference tokens from the document root to this schema (for evaluation paths).
    var docPointer: [String] = []
    /// Index of the document holding this schema.
    var document = 0
    /// Absolute URI of the enclosing schema resource (no fragment).
    var resourceURI = ""
    /// Pointer from the resource root to this schema, escaped string form.
    var resourcePointer = ""
    /// Index of the enclosing schema resource (for the dynamic scope).
    var resource = 0
}

/// The immutable compiled form of a schema and everything it references.
final class CompiledGraph: Sendable {
    let nodes: [SchemaNode]
    /// Dynamic anchors by resource index: anchor name → node index.
    let dynamicAnchors: [[String: Int]]
    /// Raw JSON of every loaded document.
    let documents: [JSONValue]
    /// Absolute resource URI → (document index, pointer tokens of the resource root).
    let resources: [String: (Int, [String])]
    /// Whether any `unevaluatedItems`/`unevaluatedProperties` exists (annotation tracking).
    let needsAnnotations: Bool
    let root: Int

    init(nodes: [SchemaNode], dynamicAnchors: [[String: Int]], documents: [JSONValue],
         resources: [String: (Int, [String])], needsAnnotations: Bool, root: Int) {
        self.nodes = nodes
        self.dynamicAnchors = dynamicAnchors
        self.documents = documents
        self.resources = resources
        self.needsAnnotations = needsAnnotations
        self.root = root
    }
}
