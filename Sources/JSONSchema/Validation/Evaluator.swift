/// Annotations that `unevaluatedProperties`/`unevaluatedItems` consume.
struct Annotations {
    var allProperties = false
    var properties: Set<String> = []
    var allItems = false
    var itemPrefix = 0
    var items: Set<Int> = []

    mutating func merge(_ other: Annotations) {
        if other.allProperties { allProperties = true } else if !other.properties.isEmpty { properties.formUnion(other.properties) }
        if other.allItems { allItems = true }
        itemPrefix = max(itemPrefix, other.itemPrefix)
        if !other.items.isEmpty { items.formUnion(other.items) }
    }
}

/// One step of the instance path.
enum PathToken {
    case key(String)
    case index(Int)

    var string: String {
        switch self {
        case .key(let k): return k
        case .index(let i): return String(i)
        }
    }
}

/// A `$ref`/`$dynamicRef` hop on the evaluation stack.
struct RefFrame {
    let source: Int
    let keyword: String
    let target: Int
    let depth: Int
}

/// Walks an instance against a ``CompiledGraph``, collecting errors.
///
/// In quiet mode (`collect == false`) evaluation stops at the first failure; branches
/// whose errors are never reported (`not`, `contains`, the first pass of `anyOf`/`oneOf`)
/// run quietly.
struct Evaluator {
    let graph: CompiledGraph
    let annotate: Bool
    var collect: Bool
    var path: [PathToken] = []
    var frames: [RefFrame]
    var scope: [Int] = []
    var errors: [ValidationError] = []

    static let maxFrames = 4096
    /// Nested schema evaluations allowed before giving up (see ``overflowed``).
    let depthLimit: Int
    var depth = 0
    /// Set when ``depthLimit`` was hit; the caller may retry on a thread with a larger stack.
    var overflowed = false

    init(graph: CompiledGraph, collect: Bool, depthLimit: Int) {
        self.graph = graph
        self.depthLimit = depthLimit
        self.annotate = graph.needsAnnotations
        self.collect = collect
        self.frames = [RefFrame(source: -1, keyword: "", target: graph.root, depth: 0)]
    }

    // MARK: - Error reporting

    func evaluationPath(_ node: Int) -> [String] {
        var tokens: [String] = []
        let nodes = graph.nodes
        for i in 1..<frames.count {
            let src = nodes[frames[i].source].docPointer
            let prev = nodes[frames[i - 1].target].docPointer.count
            tokens.append(contentsOf: src[min(prev, src.count)...])
            tokens.append(frames[i].keyword)
        }
        let here = nodes[node].docPointer
        let prev = nodes[frames[frames.count - 1].target].docPointer.count
        tokens.append(contentsOf: here[min(prev, here.count)...])
        return tokens
    }

    mutating func report(_ node: Int, _ keyword: String?, _ message: String, at extra: PathToken? = nil,
                         property: String? = nil, keywordPath: [String] = []) {
        var instance = path.map(\.string)
        if let extra { instance.append(extra.string) }
        var kwPath = evaluationPath(node)
        let n = graph.nodes[node]
        var absolute = n.resourceURI + "#" + n.resourcePointer
        if let keyword {
            kwPath.append(keyword)
            absolute += "/" + JSONPointer.escape(keyword)
        }
        for t in keywordPath {
            kwPath.append(t)
            absolute += "/" + JSONPointer.escape(t)
        }
        errors.append(ValidationError(keyword: keyword ?? "false", instanceLocation: JSONPointer(tokens: instance),
                                      keywordLocation: JSONPointer(tokens: kwPath), absoluteKeywordLocation: absolute,
                                      message: message, property: property))
    }

    // MARK: - Evaluation

    mutating func validate(_ n: Int, _ value: JSONValue, _ ann: inout Annotations) -> Bool {
        let node = graph.headers[n]
        if node.isTrivial { return true }
        if node.isFalse {
            if collect { report(n, nil, "no value is allowed here (the schema is false)") }
            return false
        }
        depth += 1
        defer { depth -= 1 }
        if depth > depthLimit {
            if !overflowed && collect {
                report(n, nil, "the instance is nested too deeply to evaluate (more than \(depthLimit) nested schema evaluations)")
            }
            overflowed = true
            return false
        }
        let resource = Int(node.resource)
        let pushed = scope.last != resource
        if pushed { scope.append(resource) }
        defer { if pushed { scope.removeLast() } }
        var valid = true
        let program = graph.program
        for i in Int(node.first)..<Int(node.first + node.count) {
            if !evaluate(program[i], n, value, &ann) {
                valid = false
                if !collect { return false }
            }
        }
        return valid
    }

    /// Evaluates a child against a value located one step deeper in the instance.
    @inline(__always)
    mutating func validateChild(_ c: Int, _ value: JSONValue, _ token: PathToken) -> Bool {
        path.append(token)
        var sub = Annotations()
        let ok = validate(c, value, &sub)
        path.removeLast()
        return ok
    }

    /// Evaluates an in-place applicator's subschema and merges its annotations when valid.
    @inline(__always)
    mutating func validateInPlace(_ c: Int, _ value: JSONValue, _ ann: inout Annotations) -> Bool {
        var sub = Annotations()
        let ok = validate(c, value, &sub)
        if ok && annotate { ann.merge(sub) }
        return ok
    }

    mutating func quietly<T>(_ body: (inout Evaluator) -> T) -> T {
        let saved = collect
        collect = false
        defer { collect = saved }
        return body(&self)
    }

    mutating func enterReference(_ n: Int, _ keyword: String, _ target: Int, _ value: JSONValue, _ ann: inout Annotations) -> Bool {
        let depth = path.count
        var i = frames.count - 1
        while i >= 0 && frames[i].depth == depth {
            if frames[i].target == target {
                if collect {
                    report(n, keyword, "infinite reference loop: the schema at \(graph.nodes[target].resourceURI)#\(graph.nodes[target].resourcePointer) is re-entered at the same instance location without progress")
                }
                return false
            }
            i -= 1
        }
        if frames.count >= Self.maxFrames {
            if collect { report(n, keyword, "reference nesting deeper than \(Self.maxFrames) levels; the schema recurses too deeply for this instance") }
            return false
        }
        frames.append(RefFrame(source: n, keyword: keyword, target: target, depth: depth))
        defer { frames.removeLast() }
        return validateInPlace(target, value, &ann)
    }

    static func describe(_ v: JSONValue) -> String {
        let s = v.serialized()
        return s.count > 60 ? String(s.prefix(57)) + "..." : s
    }

    mutating func evaluate(_ kw: Keyword, _ n: Int, _ value: JSONValue, _ ann: inout Annotations) -> Bool {
        switch kw {
        case .type(let mask):
            if mask.allows(value) { return true }
            if collect {
                let names = mask.names
                report(n, "type", "expected \(names.count == 1 ? names[0] : "one of " + names.joined(separator: ", ")), got \(value.typeName)")
            }
            return false

        case .enumeration(let options):
            for o in options where o == value { return true }
            if collect { report(n, "enum", "value \(Self.describe(value)) is not one of the allowed values \(Self.describe(.array(options)))") }
            return false

        case .const(let c):
            if c == value { return true }
            if collect { report(n, "const", "value must be \(Self.describe(c))") }
            return false

        case .multipleOf(let d):
            guard case .number(let x) = value else { return true }
            if x.isMultiple(of: d) { return true }
            if collect { report(n, "multipleOf", "\(x) is not a multiple of \(d)") }
            return false

        case .maximum(let m):
            guard case .number(let x) = value else { return true }
            if JSONNumber.compare(x, m) <= 0 { return true }
            if collect { report(n, "maximum", "\(x) is greater than the maximum \(m)") }
            return false

        case .exclusiveMaximum(let m):
            guard case .number(let x) = value else { return true }
            if JSONNumber.compare(x, m) < 0 { return true }
            if collect { report(n, "exclusiveMaximum", "\(x) must be less than \(m)") }
            return false

        case .minimum(let m):
            guard case .number(let x) = value else { return true }
            if JSONNumber.compare(x, m) >= 0 { return true }
            if collect { report(n, "minimum", "\(x) is less than the minimum \(m)") }
            return false

        case .exclusiveMinimum(let m):
            guard case .number(let x) = value else { return true }
            if JSONNumber.compare(x, m) > 0 { return true }
            if collect { report(n, "exclusiveMinimum", "\(x) must be greater than \(m)") }
            return false

        case .maxLength(let m):
            guard case .string(let s) = value else { return true }
            if s.utf8.count <= m { return true }
            let len = s.unicodeScalars.count
            if len <= m { return true }
            if collect { report(n, "maxLength", "string has \(len) characters, more than the maximum \(m)") }
            return false

        case .minLength(let m):
            guard case .string(let s) = value else { return true }
            let len = s.unicodeScalars.count
            if len >= m { return true }
            if collect { report(n, "minLength", "string has \(len) characters, fewer than the minimum \(m)") }
            return false

        case .pattern(let re):
            guard case .string(let s) = value else { return true }
            if re.matches(s) { return true }
            if collect { report(n, "pattern", "\(Self.describe(value)) does not match the pattern \(re.source)") }
            return false

        case .maxItems(let m):
            guard case .array(let a) = value else { return true }
            if a.count <= m { return true }
            if collect { report(n, "maxItems", "array has \(a.count) items, more than the maximum \(m)") }
            return false

        case .minItems(let m):
            guard case .array(let a) = value else { return true }
            if a.count >= m { return true }
            if collect { report(n, "minItems", "array has \(a.count) items, fewer than the minimum \(m)") }
            return false

        case .uniqueItems:
            guard case .array(let a) = value, a.count > 1 else { return true }
            var duplicate: (Int, Int)? = nil
            if a.count <= 16 {
                outer: for i in 0..<a.count {
                    for j in (i + 1)..<a.count where a[i] == a[j] { duplicate = (i, j); break outer }
                }
            } else {
                var seen: [JSONValue: Int] = [:]
                for (j, v) in a.enumerated() {
                    if let i = seen[v] { duplicate = (i, j); break }
                    seen[v] = j
                }
            }
            guard let (i, j) = duplicate else { return true }
            if collect { report(n, "uniqueItems", "items \(i) and \(j) are equal; all items must be unique") }
            return false

        case .maxProperties(let m):
            guard case .object(let o) = value else { return true }
            if o.count <= m { return true }
            if collect { report(n, "maxProperties", "object has \(o.count) properties, more than the maximum \(m)") }
            return false

        case .minProperties(let m):
            guard case .object(let o) = value else { return true }
            if o.count >= m { return true }
            if collect { report(n, "minProperties", "object has \(o.count) properties, fewer than the minimum \(m)") }
            return false

        case .required(let names):
            guard case .object(let o) = value else { return true }
            var ok = true
            for name in names where o.position(of: name) == nil {
                ok = false
                if !collect { return false }
                report(n, "required", "required property \"\(name)\" is missing", property: name)
            }
            return ok

        case .dependentRequired(let deps):
            guard case .object(let o) = value else { return true }
            var ok = true
            for (trigger, names) in deps where o.position(of: trigger) != nil {
                for name in names where o.position(of: name) == nil {
                    ok = false
                    if !collect { return false }
                    report(n, "dependentRequired", "property \"\(name)\" is required when \"\(trigger)\" is present",
                           property: name, keywordPath: [trigger])
                }
            }
            return ok

        case .format(let name, let check):
            guard case .string(let s) = value else { return true }
            if check(s) { return true }
            if collect { report(n, "format", "\(Self.describe(value)) is not a valid \(name)") }
            return false

        case .ref(let t):
            return enterReference(n, "$ref", t, value, &ann)

        case .dynamicRef(let staticTarget, let anchor):
            var target = staticTarget
            if let anchor {
                for r in scope {
                    if let found = graph.dynamicAnchors[r][anchor] { target = found; break }
                }
            }
            return enterReference(n, "$dynamicRef", target, value, &ann)

        case .allOf(let subs):
            var ok = true
            for s in subs where !validateInPlace(s, value, &ann) {
                ok = false
                if !collect { return false }
            }
            return ok

        case .anyOf(let subs):
            var any = false
            let saved = collect
            collect = false
            for s in subs where validateInPlace(s, value, &ann) {
                any = true
                if !annotate { break }
            }
            collect = saved
            if any { return true }
            if collect {
                report(n, "anyOf", "the value does not match any of the \(subs.count) alternatives")
                for s in subs { var a = Annotations(); _ = validate(s, value, &a) }
            }
            return false

        case .oneOf(let subs):
            var matched: [Int] = []
            var matchedAnn = Annotations()
            let saved = collect
            collect = false
            for (i, s) in subs.enumerated() {
                var a = Annotations()
                if validate(s, value, &a) {
                    matched.append(i)
                    if matched.count == 1 { matchedAnn = a } else { break }
                }
            }
            collect = saved
            if matched.count == 1 {
                if annotate { ann.merge(matchedAnn) }
                return true
            }
            if collect {
                if matched.isEmpty {
                    report(n, "oneOf", "the value does not match any of the \(subs.count) alternatives; exactly one must match")
                    for s in subs { var a = Annotations(); _ = validate(s, value, &a) }
                } else {
                    report(n, "oneOf", "the value matches alternatives \(matched[0]) and \(matched[1]); exactly one must match")
                }
            }
            return false

        case .not(let s):
            let matched = quietly { e in var a = Annotations(); return e.validate(s, value, &a) }
            if !matched { return true }
            if collect { report(n, "not", "the value must not match the schema in \"not\"") }
            return false

        case .ifThenElse(let c, let t, let e):
            var condAnn = Annotations()
            let cond = quietly { ev in ev.validate(c, value, &condAnn) }
            if cond {
                if annotate { ann.merge(condAnn) }
                if let t { return validateInPlace(t, value, &ann) }
            } else if let e {
                return validateInPlace(e, value, &ann)
            }
            return true

        case .dependentSchemas(let deps):
            guard case .object(let o) = value else { return true }
            var ok = true
            for (trigger, s) in deps where o.position(of: trigger) != nil {
                if !validateInPlace(s, value, &ann) {
                    ok = false
                    if !collect { return false }
                }
            }
            return ok

        case .prefixItems(let subs):
            guard case .array(let a) = value else { return true }
            var ok = true
            let count = min(a.count, subs.count)
            for i in 0..<count where !validateChild(subs[i], a[i], .index(i)) {
                ok = false
                if !collect { return false }
            }
            if annotate { ann.itemPrefix = max(ann.itemPrefix, count) }
            return ok

        case .items(let s, let prefix):
            guard case .array(let a) = value, a.count > prefix else { return true }
            var ok = true
            if graph.headers[s].isFalse {
                if collect {
                    report(n, "items", "the array may have at most \(prefix) items, it has \(a.count)")
                }
                return false
            }
            for i in prefix..<a.count where !validateChild(s, a[i], .index(i)) {
                ok = false
                if !collect { return false }
            }
            if annotate { ann.allItems = true }
            return ok

        case .contains(let s, let minC, let maxC):
            guard case .array(let a) = value else { return true }
            var count = 0
            let saved = collect
            collect = false
            for (i, item) in a.enumerated() {
                path.append(.index(i))
                var sub = Annotations()
                let ok = validate(s, item, &sub)
                path.removeLast()
                if ok {
                    count += 1
                    if annotate { ann.items.insert(i) }
                }
            }
            collect = saved
            if count < minC {
                if collect {
                    report(n, "contains", minC == 1 ? "the array does not contain a matching item"
                           : "the array contains \(count) matching items, fewer than minContains \(minC)")
                }
                return false
            }
            if let maxC, count > maxC {
                if collect { report(n, "contains", "the array contains \(count) matching items, more than maxContains \(maxC)") }
                return false
            }
            return true

        case .properties(let table):
            guard case .object(let o) = value else { return true }
            var ok = true
            let keys = o.keys, values = o.values
            for i in keys.indices {
                let k = keys[i]
                guard let s = table.target(k) else { continue }
                if annotate { ann.properties.insert(k) }
                if graph.headers[s].isFalse {
                    ok = false
                    if !collect { return false }
                    report(n, "properties", "property \"\(k)\" is not allowed", at: .key(k), property: k, keywordPath: [k])
                    continue
                }
                if !validateChild(s, values[i], .key(k)) {
                    ok = false
                    if !collect { return false }
                }
            }
            return ok

        case .patternProperties(let list):
            guard case .object(let o) = value else { return true }
            var ok = true
            for (k, v) in o {
                for (re, s) in list where re.matches(k) {
                    if annotate { ann.properties.insert(k) }
                    if !validateChild(s, v, .key(k)) {
                        ok = false
                        if !collect { return false }
                    }
                }
            }
            return ok

        case .additionalProperties(let s, let known, let patterns):
            guard case .object(let o) = value else { return true }
            var ok = true
            let isFalse = graph.headers[s].isFalse
            let keys = o.keys, values = o.values
            for i in keys.indices {
                let k = keys[i]
                if known.contains(k) { continue }
                if !patterns.isEmpty && patterns.contains(where: { $0.matches(k) }) { continue }
                if isFalse {
                    ok = false
                    if !collect { return false }
                    report(n, "additionalProperties", "property \"\(k)\" is not allowed", at: .key(k), property: k)
                } else if !validateChild(s, values[i], .key(k)) {
                    ok = false
                    if !collect { return false }
                }
            }
            if annotate { ann.allProperties = true }
            return ok

        case .propertyNames(let s):
            guard case .object(let o) = value else { return true }
            var ok = true
            for k in o.keys {
                var sub = Annotations()
                if !validate(s, .string(k), &sub) {
                    ok = false
                    if !collect { return false }
                    if graph.headers[s].isFalse { continue }
                }
            }
            return ok

        case .unevaluatedItems(let s):
            guard case .array(let a) = value else { return true }
            if ann.allItems { return true }
            var ok = true
            let isFalse = graph.headers[s].isFalse
            for i in ann.itemPrefix..<max(ann.itemPrefix, a.count) where !ann.items.contains(i) {
                if isFalse {
                    ok = false
                    if !collect { return false }
                    report(n, "unevaluatedItems", "item \(i) is not allowed (not evaluated by any other keyword)", at: .index(i))
                } else if !validateChild(s, a[i], .index(i)) {
                    ok = false
                    if !collect { return false }
                }
            }
            if ok { ann.allItems = true }
            return ok

        case .unevaluatedProperties(let s):
            guard case .object(let o) = value else { return true }
            if ann.allProperties { return true }
            var ok = true
            let isFalse = graph.headers[s].isFalse
            for (k, v) in o where !ann.properties.contains(k) {
                if isFalse {
                    ok = false
                    if !collect { return false }
                    report(n, "unevaluatedProperties", "property \"\(k)\" is not allowed (not evaluated by any other keyword)",
                           at: .key(k), property: k)
                } else if !validateChild(s, v, .key(k)) {
                    ok = false
                    if !collect { return false }
                }
            }
            if ok { ann.allProperties = true }
            return ok
        }
    }
}
