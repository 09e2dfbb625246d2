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
    case properties(PropertyTable)
    case patternProperties([(ECMARegex, Int)])
    case additionalProperties(Int, known: PropertyTable, patterns: [ECMARegex])
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

/// The names of a `properties` keyword and their subschemas.
///
/// Names are compared by code points (their UTF-8 bytes), as JSON Schema compares strings,
/// not by Swift's canonical equivalence. An open-addressing table with FNV-1a hashes: the
/// names are fixed by the schema and few, so a lookup hashes one key once, cheaply, and a
/// hostile key can at worst probe the table's few slots.
struct PropertyTable: Sendable {
    private let names: [String]
    private let targets: [Int]
    private let hashes: [UInt64]
    /// Index into `names` + 1, or 0 for an empty slot; the count is a power of two.
    private let slots: [Int32]

    /// - Parameter entries: Names (unique by code points) and their node indices, in schema order.
    init(_ entries: [(String, Int)]) {
        names = entries.map(\.0)
        targets = entries.map(\.1)
        hashes = names.map(Self.hash)
        var size = 8
        while size < 2 * names.count { size *= 2 }
        var slots = [Int32](repeating: 0, count: size)
        for (i, h) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: h) & (size - 1)
            while slots[slot] != 0 { slot = (slot + 1) & (size - 1) }
            slots[slot] = Int32(i + 1)
        }
        self.slots = slots
    }

    /// The node for the property `name`, if the table has it.
    func target(_ name: String) -> Int? {
        let h = Self.hash(name)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let entry = Int(slots[slot])
            if entry == 0 { return nil }
            if hashes[entry - 1] == h && names[entry - 1].hasSameCodePoints(as: name) { return targets[entry - 1] }
            slot = (slot + 1) & mask
        }
    }

    func contains(_ name: String) -> Bool { target(name) != nil }

    /// FNV-1a over the UTF-8 bytes.
    static func hash(_ name: String) -> UInt64 {
        func fnv(_ bytes: some Sequence<UInt8>) -> UInt64 {
            var h: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in bytes { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
            return h
        }
        return name.utf8.withContiguousStorageIfAvailable(fnv) ?? fnv(name.utf8)
    }
}

/// What the evaluator reads of a node on every visit, with no reference-counted field.
struct NodeHeader {
    /// The node's keywords are `program[first ..< first + count]`.
    var first: Int32
    var count: Int32
    /// Index of the enclosing schema resource (for the dynamic scope).
    var resource: Int32
    var isFalse: Bool
    var isTrivial: Bool
}

/// The immutable compiled form of a schema and everything it references.
///
/// Besides the nodes (with what error reports need), the graph lays every node's keywords
/// out in one flat, immutable buffer, with a plain header per node. The evaluator walks those
/// buffers, so visiting a node or a keyword copies no array and touches no reference count.
/// They are allocated once here and freed in `deinit`; nothing writes to them after `init`,
/// which is what makes sharing the graph between threads safe.
final class CompiledGraph: @unchecked Sendable {
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
    /// One header per node, by node index.
    let headers: UnsafeBufferPointer<NodeHeader>
    /// Every node's keywords, node after node.
    let program: UnsafeBufferPointer<Keyword>

    init(nodes: [SchemaNode], dynamicAnchors: [[String: Int]], documents: [JSONValue],
         resources: [String: (Int, [String])], needsAnnotations: Bool, root: Int) {
        self.nodes = nodes
        self.dynamicAnchors = dynamicAnchors
        self.documents = documents
        self.resources = resources
        self.needsAnnotations = needsAnnotations
        self.root = root
        let headers = UnsafeMutableBufferPointer<NodeHeader>.allocate(capacity: nodes.count)
        let program = UnsafeMutableBufferPointer<Keyword>.allocate(capacity: nodes.reduce(0) { $0 + $1.keywords.count })
        var next = 0
        for (i, node) in nodes.enumerated() {
            headers.initializeElement(at: i, to: NodeHeader(
                first: Int32(next), count: Int32(node.keywords.count), resource: Int32(node.resource),
                isFalse: node.isFalse, isTrivial: node.isTrivial))
            for keyword in node.keywords {
                program.initializeElement(at: next, to: keyword)
                next += 1
            }
        }
        self.headers = UnsafeBufferPointer(headers)
        self.program = UnsafeBufferPointer(program)
    }

    deinit {
        UnsafeMutableBufferPointer(mutating: program).deinitialize().deallocate()
        UnsafeMutableBufferPointer(mutating: headers).deallocate()
    }
}
