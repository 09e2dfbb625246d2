import Foundation

/// Vocabularies enabled for a schema resource, from its metaschema's `$vocabulary`.
struct Vocabularies: OptionSet, Sendable {
    let rawValue: UInt8
    static let applicator = Vocabularies(rawValue: 1)
    static let validation = Vocabularies(rawValue: 2)
    static let unevaluated = Vocabularies(rawValue: 4)
    static let formatAssertion = Vocabularies(rawValue: 8)
    static let all: Vocabularies = [.applicator, .validation, .unevaluated]

    static let known: [String: Vocabularies] = [
        "https://json-schema.org/draft/2020-12/vocab/core": [],
        "https://json-schema.org/draft/2020-12/vocab/applicator": .applicator,
        "https://json-schema.org/draft/2020-12/vocab/unevaluated": .unevaluated,
        "https://json-schema.org/draft/2020-12/vocab/validation": .validation,
        "https://json-schema.org/draft/2020-12/vocab/meta-data": [],
        "https://json-schema.org/draft/2020-12/vocab/format-annotation": [],
        "https://json-schema.org/draft/2020-12/vocab/format-assertion": .formatAssertion,
        "https://json-schema.org/draft/2020-12/vocab/content": [],
    ]
}

/// Turns schema documents into a ``CompiledGraph``.
///
/// Phase one indexes each loaded document (resources by `$id`, `$anchor`s and
/// `$dynamicAnchor`s, only at real schema positions). Phase two compiles schemas on
/// demand, starting at the root and following `$ref`s, each location exactly once.
struct Compiler {
    /// Keywords whose value is one subschema.
    static let singleKeywords: Set<String> = [
        "additionalProperties", "unevaluatedProperties", "unevaluatedItems", "items", "contains",
        "propertyNames", "not", "if", "then", "else", "contentSchema",
    ]
    /// Keywords whose value is an array of subschemas.
    static let arrayKeywords: Set<String> = ["allOf", "anyOf", "oneOf", "prefixItems"]
    /// Keywords whose value is an object of subschemas.
    static let mapKeywords: Set<String> = ["$defs", "definitions", "properties", "patternProperties", "dependentSchemas", "dependencies"]

    let options: SchemaOptions
    var documents: [JSONValue] = []
    var documentURIs: [String] = []
    var resources: [String: (Int, [String])] = [:]
    var anchors: [String: (Int, [String])] = [:]
    var dynamicAnchorLocations: [String: [String: (Int, [String])]] = [:]
    var resourceIDs: [String: Int] = [:]
    var resourceURIs: [String] = []
    var nodes: [SchemaNode] = []
    var memo: [String: Int] = [:]
    var needsAnnotations = false
    var vocabularyCache: [String: Vocabularies] = [:]

    init(options: SchemaOptions) { self.options = options }

    /// Compiles `root` and everything it references.
    mutating func compile(_ root: JSONValue) throws -> CompiledGraph {
        let base = URIReference.split(options.baseURI).base
        let doc = indexDocument(root, uri: base)
        let rootIndex = try compileNode(document: doc, tokens: [])
        // Compile every dynamic anchor so `$dynamicRef` can jump to it at run time.
        var done = Set<String>()
        while true {
            let pending = dynamicAnchorLocations.flatMap { uri, names in names.map { (uri, $0.key, $0.value) } }
                .filter { !done.contains($0.0 + "#" + $0.1) && resourceIDs[$0.0] != nil }
            if pending.isEmpty { break }
            for (uri, name, loc) in pending {
                done.insert(uri + "#" + name)
                _ = try compileNode(document: loc.0, tokens: loc.1)
            }
        }
        var dyn = Array(repeating: [String: Int](), count: resourceURIs.count)
        for (uri, names) in dynamicAnchorLocations {
            guard let rid = resourceIDs[uri] else { continue }
            for (name, loc) in names {
                if let n = memo[Self.memoKey(loc.0, loc.1)] { dyn[rid][name] = n }
            }
        }
        return CompiledGraph(nodes: nodes, dynamicAnchors: dyn, documents: documents, resources: resources,
                             needsAnnotations: needsAnnotations, root: rootIndex)
    }

    static func memoKey(_ doc: Int, _ tokens: [String]) -> String {
        "\(doc)|" + JSONPointer(tokens: tokens).description
    }

    // MARK: - Indexing

    mutating func indexDocument(_ root: JSONValue, uri: String) -> Int {
        let doc = documents.count
        documents.append(root)
        documentURIs.append(uri)
        if resources[uri] == nil { resources[uri] = (doc, []) }
        index(root, doc: doc, tokens: [], base: uri)
        return doc
    }

    private mutating func index(_ value: JSONValue, doc: Int, tokens: [String], base: String) {
        guard case .object(let o) = value else { return }
        var base = base
        if let id = o["$id"]?.stringValue {
            base = URIReference.split(URIReference.resolve(id, against: base)).base
            if resources[base] == nil { resources[base] = (doc, tokens) }
        }
        if let a = o["$anchor"]?.stringValue { anchors[base + "#" + a] = (doc, tokens) }
        if let a = o["$dynamicAnchor"]?.stringValue {
            anchors[base + "#" + a] = (doc, tokens)
            dynamicAnchorLocations[base, default: [:]][a] = (doc, tokens)
        }
        for (k, v) in o {
            if Self.singleKeywords.contains(k) {
                index(v, doc: doc, tokens: tokens + [k], base: base)
            } else if Self.arrayKeywords.contains(k), case .array(let a) = v {
                for (i, s) in a.enumerated() { index(s, doc: doc, tokens: tokens + [k, String(i)], base: base) }
            } else if Self.mapKeywords.contains(k), case .object(let m) = v {
                for (name, s) in m { index(s, doc: doc, tokens: tokens + [k, name], base: base) }
            }
        }
    }

    /// Base URI, resource root depth and `$schema` in effect at a location.
    private func context(document doc: Int, tokens: [String]) -> (base: String, rootLength: Int, metaschema: String?) {
        var base = documentURIs[doc]
        var rootLength = 0
        var metaschema: String? = nil
        var value: JSONValue? = documents[doc]
        enum Position { case schema, container, other }
        var position = Position.schema
        var i = 0
        while let v = value {
            if position == .schema, case .object(let o) = v {
                if let id = o["$id"]?.stringValue {
                    base = URIReference.split(URIReference.resolve(id, against: base)).base
                    rootLength = i
                }
                if let s = o["$schema"]?.stringValue { metaschema = s }
            }
            if i == tokens.count { break }
            let t = tokens[i]
            switch position {
            case .schema:
                if Self.singleKeywords.contains(t) { position = .schema }
                else if Self.arrayKeywords.contains(t) || Self.mapKeywords.contains(t) { position = .container }
                else { position = .other }
            case .container: position = .schema
            case .other: position = .other
            }
            switch v {
            case .object(let o): value = o[t]
            case .array(let a): value = JSONPointer.arrayIndex(t).flatMap { $0 < a.count ? a[$0] : nil }
            default: value = nil
            }
            i += 1
        }
        return (base, rootLength, metaschema)
    }

    private mutating func resourceID(_ uri: String) -> Int {
        if let id = resourceIDs[uri] { return id }
        let id = resourceURIs.count
        resourceIDs[uri] = id
        resourceURIs.append(uri)
        return id
    }

    /// Finds a resource by fragment-less URI, loading it from the registry if needed.
    private mutating func lookupResource(_ uri: String) throws -> (Int, [String])? {
        if let r = resources[uri] { return r }
        let loaded: JSONValue?
        do {
            loaded = try options.registry.load(uri)
        } catch let e as JSONParseError {
            throw SchemaCompileError.invalidDocument(uri: uri, error: e)
        }
        guard let doc = loaded else { return nil }
        _ = indexDocument(doc, uri: uri)
        return resources[uri]
    }

    /// Resolves a reference string to a compiled node.
    private mutating func resolveReference(_ reference: String, base: String, location: String) throws -> Int {
        let absolute = URIReference.resolve(reference, against: base)
        let (uri, rawFragment) = URIReference.split(absolute)
        let fragment = rawFragment.removingPercentEncoding ?? rawFragment
        let failure = SchemaCompileError.unresolvableReference(reference: reference, resolved: absolute, location: location)
        guard let (doc, rootTokens) = try lookupResource(uri) else { throw failure }
        if fragment.isEmpty { return try compileNode(document: doc, tokens: rootTokens) }
        if fragment.hasPrefix("/") {
            guard let pointer = try? JSONPointer(parsing: fragment) else { throw failure }
            let tokens = rootTokens + pointer.tokens
            guard documents[doc].value(at: JSONPointer(tokens: tokens)) != nil else { throw failure }
            return try compileNode(document: doc, tokens: tokens)
        }
        guard let loc = anchors[uri + "#" + fragment] else { throw failure }
        return try compileNode(document: loc.0, tokens: loc.1)
    }

    /// Vocabularies enabled by a `$schema` URI.
    private mutating func vocabularies(for metaschema: String?, location: String) throws -> Vocabularies {
        guard let metaschema else { return .all }
        let uri = URIReference.split(metaschema).base
        if uri == Metaschemas.draft202012 { return .all }
        if let v = vocabularyCache[uri] { return v }
        guard let (doc, tokens) = try lookupResource(uri),
              case .object(let meta)? = documents[doc].value(at: JSONPointer(tokens: tokens)) else {
            throw SchemaCompileError.unknownMetaschema(uri: metaschema, location: location)
        }
        var result: Vocabularies = .all
        if case .object(let vocab)? = meta["$vocabulary"] {
            result = []
            for (v, required) in vocab {
                if let bits = Vocabularies.known[v] {
                    result.formUnion(bits)
                } else if required == .bool(true) {
                    throw SchemaCompileError.unsupportedVocabulary(uri: v, location: uri)
                }
            }
        }
        vocabularyCache[uri] = result
        return result
    }

    // MARK: - Compiling schemas

    mutating func compileNode(document doc: Int, tokens: [String]) throws -> Int {
        let key = Self.memoKey(doc, tokens)
        if let n = memo[key] { return n }
        let ctx = context(document: doc, tokens: tokens)
        let resourcePointer = JSONPointer(tokens: Array(tokens[ctx.rootLength...])).description
        let location = ctx.base + "#" + resourcePointer
        guard let value = documents[doc].value(at: JSONPointer(tokens: tokens)) else {
            throw SchemaCompileError.notASchema(location: location)
        }
        let index = nodes.count
        var node = SchemaNode()
        node.docPointer = tokens
        node.document = doc
        node.resourceURI = ctx.base
        node.resourcePointer = resourcePointer
        node.resource = resourceID(ctx.base)
        nodes.append(node)
        memo[key] = index
        switch value {
        case .bool(let b):
            nodes[index].isFalse = !b
            nodes[index].isTrivial = b
        case .object(let o):
            let vocab = try vocabularies(for: ctx.metaschema, location: location)
            let keywords = try compileKeywords(o, document: doc, tokens: tokens, base: ctx.base, location: location, vocab: vocab)
            nodes[index].keywords = keywords
            nodes[index].isTrivial = keywords.isEmpty
        default:
            throw SchemaCompileError.notASchema(location: location)
        }
        return index
    }

    private func nonNegativeInt(_ v: JSONValue, _ keyword: String, _ location: String) throws -> Int {
        guard case .number(let n) = v, n.isInteger, !n.isNegative else {
            throw SchemaCompileError.invalidKeywordValue(keyword: keyword, location: location, expected: "a non-negative integer")
        }
        return n.intValue ?? Int.max
    }

    private func number(_ v: JSONValue, _ keyword: String, _ location: String) throws -> JSONNumber {
        guard case .number(let n) = v else {
            throw SchemaCompileError.invalidKeywordValue(keyword: keyword, location: location, expected: "a number")
        }
        return n
    }

    private func regex(_ pattern: String, _ location: String) throws -> ECMARegex {
        do {
            return try ECMARegex(pattern)
        } catch let e as ECMARegexError {
            throw SchemaCompileError.invalidRegex(pattern: pattern, location: location, reason: e.reason)
        }
    }

    private mutating func compileKeywords(_ o: JSONObject, document doc: Int, tokens: [String], base: String,
                                          location: String, vocab: Vocabularies) throws -> [Keyword] {
        var early: [Keyword] = []
        var middle: [Keyword] = []
        var late: [Keyword] = []
        func loc(_ k: String) -> String { location + "/" + JSONPointer.escape(k) }
        func child(_ path: String...) throws -> Int { try compileNode(document: doc, tokens: tokens + path) }
        func schemaArray(_ k: String) throws -> [Int]? {
            guard let v = o[k] else { return nil }
            guard case .array(let a) = v, !a.isEmpty else {
                throw SchemaCompileError.invalidKeywordValue(keyword: k, location: loc(k), expected: "a non-empty array of schemas")
            }
            return try a.indices.map { try child(k, String($0)) }
        }

        if let r = o["$ref"] {
            guard case .string(let s) = r else {
                throw SchemaCompileError.invalidKeywordValue(keyword: "$ref", location: loc("$ref"), expected: "a URI-reference string")
            }
            middle.append(.ref(try resolveReference(s, base: base, location: loc("$ref"))))
        }
        if let r = o["$dynamicRef"] {
            guard case .string(let s) = r else {
                throw SchemaCompileError.invalidKeywordValue(keyword: "$dynamicRef", location: loc("$dynamicRef"), expected: "a URI-reference string")
            }
            let target = try resolveReference(s, base: base, location: loc("$dynamicRef"))
            let fragment = URIReference.split(s).fragment
            var anchor: String? = nil
            if !fragment.isEmpty && !fragment.hasPrefix("/") {
                let t = nodes[target]
                if documents[t.document].value(at: JSONPointer(tokens: t.docPointer))?["$dynamicAnchor"]?.stringValue == fragment {
                    anchor = fragment
                }
            }
            middle.append(.dynamicRef(static: target, anchor: anchor))
        }

        if vocab.contains(.validation) {
            if let t = o["type"] {
                var mask = TypeMask()
                let names: [JSONValue]
                if case .array(let a) = t { names = a } else { names = [t] }
                for n in names {
                    guard let s = n.stringValue, let m = TypeMask(name: s) else {
                        throw SchemaCompileError.invalidKeywordValue(keyword: "type", location: loc("type"), expected: "a type name or an array of type names")
                    }
                    mask.formUnion(m)
                }
                early.append(.type(mask))
            }
            if let e = o["enum"] {
                guard case .array(let a) = e else {
                    throw SchemaCompileError.invalidKeywordValue(keyword: "enum", location: loc("enum"), expected: "an array")
                }
                early.append(.enumeration(a))
            }
            if let c = o["const"] { early.append(.const(c)) }
            if let v = o["multipleOf"] {
                let n = try number(v, "multipleOf", loc("multipleOf"))
                guard !n.isNegative && !n.isZero else {
                    throw SchemaCompileError.invalidKeywordValue(keyword: "multipleOf", location: loc("multipleOf"), expected: "a number greater than 0")
                }
                early.append(.multipleOf(n))
            }
            if let v = o["maximum"] { early.append(.maximum(try number(v, "maximum", loc("maximum")))) }
            if let v = o["exclusiveMaximum"] { early.append(.exclusiveMaximum(try number(v, "exclusiveMaximum", loc("exclusiveMaximum")))) }
            if let v = o["minimum"] { early.append(.minimum(try number(v, "minimum", loc("minimum")))) }
            if let v = o["exclusiveMinimum"] { early.append(.exclusiveMinimum(try number(v, "exclusiveMinimum", loc("exclusiveMinimum")))) }
            if let v = o["maxLength"] { early.append(.maxLength(try nonNegativeInt(v, "maxLength", loc("maxLength")))) }
            if let v = o["minLength"] { early.append(.minLength(try nonNegativeInt(v, "minLength", loc("minLength")))) }
            if let v = o["pattern"] {
                guard case .string(let p) = v else {
                    throw SchemaCompileError.invalidKeywordValue(keyword: "pattern", location: loc("pattern"), expected: "a regular expression string")
                }
                early.append(.pattern(try regex(p, loc("pattern"))))
            }
            if let v = o["maxItems"] { early.append(.maxItems(try nonNegativeInt(v, "maxItems", loc("maxItems")))) }
            if let v = o["minItems"] { early.append(.minItems(try nonNegativeInt(v, "minItems", loc("minItems")))) }
            if o["uniqueItems"] == .bool(true) { early.append(.uniqueItems) }
            if let v = o["maxProperties"] { early.append(.maxProperties(try nonNegativeInt(v, "maxProperties", loc("maxProperties")))) }
            if let v = o["minProperties"] { early.append(.minProperties(try nonNegativeInt(v, "minProperties", loc("minProperties")))) }
            if let v = o["required"] {
                guard case .array(let a) = v, let names = a.map(\.stringValue) as? [String] else {
                    throw SchemaCompileError.invalidKeywordValue(keyword: "required", location: loc("required"), expected: "an array of strings")
                }
                if !names.isEmpty { early.append(.required(names)) }
            }
            if let v = o["dependentRequired"] {
                guard case .object(let m) = v else {
                    throw SchemaCompileError.invalidKeywordValue(keyword: "dependentRequired", location: loc("dependentRequired"), expected: "an object of string arrays")
                }
                var deps: [(String, [String])] = []
                for (k, list) in m {
                    guard case .array(let a) = list, let names = a.map(\.stringValue) as? [String] else {
                        throw SchemaCompileError.invalidKeywordValue(keyword: "dependentRequired", location: loc("dependentRequired"), expected: "an object of string arrays")
                    }
                    deps.append((k, names))
                }
                early.append(.dependentRequired(deps))
            }
        }

        // Legacy `dependencies` (drafts 4–7), still honoured for compatibility.
        if case .object(let m)? = o["dependencies"] {
            var required: [(String, [String])] = []
            var schemas: [(String, Int)] = []
            for (k, v) in m {
                if case .array(let a) = v {
                    required.append((k, a.compactMap(\.stringValue)))
                } else {
                    schemas.append((k, try child("dependencies", k)))
                }
            }
            if !required.isEmpty && vocab.contains(.validation) { early.append(.dependentRequired(required)) }
            if !schemas.isEmpty && vocab.contains(.applicator) { middle.append(.dependentSchemas(schemas)) }
        }

        if let f = o["format"]?.stringValue, options.formatAssertion || vocab.contains(.formatAssertion) {
            if let checker = options.formats[f] ?? FormatValidators.builtIn[f] {
                early.append(.format(f, checker))
            }
        }

        if vocab.contains(.applicator) {
            if let subs = try schemaArray("allOf") { middle.append(.allOf(subs)) }
            if let subs = try schemaArray("anyOf") { middle.append(.anyOf(subs)) }
            if let subs = try schemaArray("oneOf") { middle.append(.oneOf(subs)) }
            if o["not"] != nil { middle.append(.not(try child("not"))) }
            if o["if"] != nil {
                let c = try child("if")
                let t = o["then"] != nil ? try child("then") : nil
                let e = o["else"] != nil ? try child("else") : nil
                if t != nil || e != nil { middle.append(.ifThenElse(condition: c, then: t, else: e)) }
                else if needsAnnotationsForIf { middle.append(.ifThenElse(condition: c, then: nil, else: nil)) }
            }
            if case .object(let m)? = o["dependentSchemas"] {
                middle.append(.dependentSchemas(try m.keys.map { ($0, try child("dependentSchemas", $0)) }))
            }
            var prefixCount = 0
            if let subs = try schemaArray("prefixItems") {
                prefixCount = subs.count
                middle.append(.prefixItems(subs))
            }
            if o["items"] != nil { middle.append(.items(try child("items"), prefixCount: prefixCount)) }
            if o["contains"] != nil {
                var minC = 1
                var maxC: Int? = nil
                if vocab.contains(.validation) {
                    if let v = o["minContains"] { minC = try nonNegativeInt(v, "minContains", loc("minContains")) }
                    if let v = o["maxContains"] { maxC = try nonNegativeInt(v, "maxContains", loc("maxContains")) }
                }
                middle.append(.contains(try child("contains"), min: minC, max: maxC))
            }
            var known = PropertyTable([])
            var patterns: [ECMARegex] = []
            if case .object(let m)? = o["properties"] {
                var entries: [(String, Int)] = []
                for k in m.keys { entries.append((k, try child("properties", k))) }
                known = PropertyTable(entries)
                middle.append(.properties(known))
            }
            if case .object(let m)? = o["patternProperties"] {
                var list: [(ECMARegex, Int)] = []
                for k in m.keys {
                    let re = try regex(k, loc("patternProperties"))
                    patterns.append(re)
                    list.append((re, try child("patternProperties", k)))
                }
                middle.append(.patternProperties(list))
            }
            if o["additionalProperties"] != nil {
                middle.append(.additionalProperties(try child("additionalProperties"), known: known, patterns: patterns))
            }
            if o["propertyNames"] != nil { middle.append(.propertyNames(try child("propertyNames"))) }
        }

        if vocab.contains(.unevaluated) {
            if o["unevaluatedItems"] != nil {
                needsAnnotations = true
                late.append(.unevaluatedItems(try child("unevaluatedItems")))
            }
            if o["unevaluatedProperties"] != nil {
                needsAnnotations = true
                late.append(.unevaluatedProperties(try child("unevaluatedProperties")))
            }
        }
        // Compile subschemas that only `$ref`s can reach so their errors surface now.
        if case .object(let defs)? = o["$defs"] {
            for k in defs.keys { _ = try child("$defs", k) }
        }
        return early + middle + late
    }

    /// `if` without `then`/`else` still produces annotations that `unevaluated*` can see.
    private var needsAnnotationsForIf: Bool { true }
}
