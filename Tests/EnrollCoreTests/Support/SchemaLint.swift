import CalendarDates
import Foundation
import JSONSchema

/// One place where a file in Schemas/ breaks a convention of the forms (docs/FORMS.md §1–3).
struct LintProblem: Hashable, CustomStringConvertible {
    /// The file, relative to the schema directory (`defs/common.json`).
    var file: String
    /// Where in the file: an RFC 6901 JSON pointer into the file's own JSON.
    var pointer: String
    /// What is wrong and what to write instead.
    var message: String

    var description: String { "\(file) \(pointer.isEmpty ? "(document)" : pointer): \(message)" }
}

/// The conventions every schema file in Schemas/ follows, checked the way a district office
/// needs when it edits the JSON by hand for next year's form.
///
/// The JSON files are the source of the forms; these are the rules the old Python generator
/// (scripts/forms/build_schemas.py, now removed) applied by construction, and the vocabulary checks of
/// scripts/forms/check_forms.py:
/// - every file: `$schema` is draft 2020-12; `$id` is `https://schemas.enroll.invalid/` plus
///   its path; every `$ref` resolves to a node of a file in the directory; every `format`
///   has a `pattern` beside it (so a validator without enroll's formats still checks the
///   shape);
/// - every declared field and section (root, `properties`, `prefixItems`, `items`, local
///   `$ref`s followed) has an `x-label` of exactly `{"zh", "en"}`, both non-empty; every
///   object among them has `additionalProperties: false` (or `unevaluatedProperties:
///   false`); every property name is lowerCamelCase ASCII;
/// - every shared definition (`$defs` of `defs/*.json`) is labelled the same way, and any
///   object in one is closed;
/// - a form has `x-form` (`id` = file name, `version` = `<year>.<n>`, bilingual `label`,
///   `region` harbin or beijing, `year`, `source` one of the seed manuals,
///   `applicationDistrict` a declared field), `x-attachments` (known keys, `[a-z0-9-]+` ids
///   unique, bilingual labels, 0 ≤ minCount ≤ maxCount, 1 ≤ maxBytes, known media types,
///   `pixelSize` only on `student-photo`, the `student-photo` and `commitment` slots
///   present), `x-rules` (known rule names with their parameters, pointers naming declared
///   fields, ISO date windows in order, unique ids) and `x-cross-application-rules`
///   (`unique` with `key`, `quota` with `keys` and `max` ≥ 1, pointers declared).
struct SchemaLint {
    static let baseURI = "https://schemas.enroll.invalid/"
    static let draft = "https://json-schema.org/draft/2020-12/schema"
    static let regions: Set<String> = ["harbin", "beijing"]
    static let mediaTypes: Set<String> = ["image/jpeg", "image/png", "application/pdf"]
    static let attachmentKeys: Set<String> = [
        "id", "label", "required", "requiredIf", "minCount", "maxCount", "mediaTypes", "maxBytes", "pixelSize", "$comment",
    ]
    static let requiredAttachmentKeys: Set<String> = ["id", "label", "required", "minCount", "maxCount", "mediaTypes", "maxBytes"]
    /// The revision kinds of their own a form may declare (BundleKind's, less application and withdrawal).
    static let revisionKinds: Set<String> = ["name-change", "school-change", "authorization", "authorization-revoked"]
    /// The rules FormRules implements, with the parameters each needs.
    static let rules: [String: Set<String>] = [
        "id-number-birth-date": ["idNumber", "birthDate"],
        "id-number-sex": ["idNumber", "sex", "male", "female"],
        "birth-date-window": ["birthDate", "from", "to"],
        "district-match": ["district", "anyOf"],
        "date-order": ["earlier", "later"],
        "equal": ["a", "b"],
    ]
    /// Rule parameters that are JSON pointers into the form data.
    static let pointerParameters: Set<String> = ["idNumber", "birthDate", "sex", "district", "earlier", "later", "a", "b"]

    /// The problems found, in file order.
    private(set) var problems: [LintProblem] = []
    /// The schema files read.
    private(set) var files: [String] = []
    /// How many declared fields and sections (of forms and shared definitions) were checked.
    private(set) var declaredNodes = 0

    private var directory = ""
    private var documents: [String: JSONValue] = [:]
    private var checkedDefinitions: Set<String> = []
    private var filesByID: [String: String] = [:]

    /// Lints every `*.json` file under `directory`.
    /// - Parameters:
    ///   - directory: The schema directory (Schemas/).
    ///   - seeds: The directory of the seed manuals `x-form.source` names.
    /// - Throws: If a file cannot be read or is not JSON (the forms' own loader reports that).
    init(directory: String, seeds: String) throws {
        self.directory = directory
        let enumerator = FileManager.default.enumerator(atPath: directory)
        var names: [String] = []
        while let name = enumerator?.nextObject() as? String {
            if name.hasSuffix(".json") { names.append(name) }
        }
        files = names.sorted()
        for file in files {
            let document = try JSONParser.parse(contentsOfFile: directory + "/" + file)
            documents[file] = document
            if let id = document["$id"]?.stringValue { filesByID[id] = file }
        }
        for file in files {
            lintFile(file, documents[file]!, seeds: seeds)
        }
    }

    // MARK: Every file

    private mutating func lintFile(_ file: String, _ document: JSONValue, seeds: String) {
        if document["$schema"]?.stringValue != Self.draft {
            report(file, [], "$schema must be \"\(Self.draft)\"")
        }
        let id = Self.baseURI + file
        if document["$id"]?.stringValue != id {
            report(file, ["$id"], "$id must be \"\(id)\" (the base URI and the file's path)")
        }
        everyNode(document, file: file, path: [])
        if file.hasPrefix("defs/") {
            lintDefinitions(file, document)
        } else if file.hasSuffix(".schema.json") && !file.contains("/") {
            lintForm(file, document, seeds: seeds)
        } else {
            report(file, [], "Schemas/ holds <form-id>.schema.json files and defs/<name>.json files only")
        }
    }

    /// `$ref`s resolve and every `format` has a `pattern`, wherever they are.
    private mutating func everyNode(_ node: JSONValue, file: String, path: [String]) {
        switch node {
        case .object(let object):
            if case .string(let reference)? = object["$ref"], resolve(reference, from: file) == nil {
                report(file, path + ["$ref"], "\"\(reference)\" does not name a node of a file in Schemas/")
            }
            if object["format"]?.stringValue != nil, object["pattern"] == nil {
                report(file, path, "a format needs a pattern beside it that captures its shape (docs/FORMS.md §4)")
            }
            for (key, value) in object { everyNode(value, file: file, path: path + [key]) }
        case .array(let items):
            for (index, item) in items.enumerated() { everyNode(item, file: file, path: path + [String(index)]) }
        default:
            break
        }
    }

    /// The node a `$ref` in `file` names, with the file it is in and its pointer there.
    private func resolve(_ reference: String, from file: String) -> (file: String, path: [String], node: JSONValue)? {
        guard let base = URL(string: Self.baseURI + file),
              let absolute = URL(string: reference, relativeTo: base)?.absoluteString
        else { return nil }
        let parts = absolute.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard let target = filesByID[parts[0]], let document = documents[target] else { return nil }
        let fragment = parts.count > 1 ? (parts[1].removingPercentEncoding ?? parts[1]) : ""
        guard let pointer = try? JSONPointer(parsing: fragment), let node = document.value(at: pointer) else { return nil }
        return (target, pointer.tokens, node)
    }

    // MARK: Shared definitions

    private mutating func lintDefinitions(_ file: String, _ document: JSONValue) {
        if !isLabel(document["x-label"]) {
            report(file, [], "a defs file needs an x-label {\"zh\": …, \"en\": …} with both texts non-empty")
        }
        guard let definitions = document["$defs"]?.objectValue, definitions.count > 0 else {
            report(file, [], "a defs file holds its definitions under $defs")
            return
        }
        for (name, _) in definitions {
            walkDeclared(file: file, path: ["$defs", name], document: document, instance: "$defs/\(name)")
        }
    }

    // MARK: Forms

    private mutating func lintForm(_ file: String, _ form: JSONValue, seeds: String) {
        let formID = String(file.dropLast(".schema.json".count))
        walkDeclared(file: file, path: [], document: form, instance: "")

        let xForm = form["x-form"]
        if xForm?.objectValue == nil { report(file, ["x-form"], "a form needs x-form") }
        if xForm?["id"]?.stringValue != formID {
            report(file, ["x-form", "id"], "x-form.id must be \"\(formID)\", the file's name without .schema.json")
        }
        let year = xForm?["year"]?.numberValue?.intValue
        if year == nil { report(file, ["x-form", "year"], "x-form.year must be the intake year") }
        let version = xForm?["version"]?.stringValue ?? ""
        let versionParts = version.split(separator: ".", omittingEmptySubsequences: false)
        if versionParts.count != 2 || Int(versionParts[0]) != year || Int(versionParts[1]) == nil {
            report(file, ["x-form", "version"], "x-form.version must be \"<year>.<n>\" with the form's year, e.g. \"\(year ?? 2026).1\"")
        }
        if !isLabel(xForm?["label"]) { report(file, ["x-form", "label"], "x-form.label must be {\"zh\": …, \"en\": …}") }
        if !Self.regions.contains(xForm?["region"]?.stringValue ?? "") {
            report(file, ["x-form", "region"], "x-form.region must be one of \(Self.regions.sorted())")
        }
        if let source = xForm?["source"]?.stringValue {
            if !FileManager.default.fileExists(atPath: seeds + "/" + source) {
                report(file, ["x-form", "source"], "x-form.source \"\(source)\" is not one of the seed manuals in \(seeds)")
            }
        } else {
            report(file, ["x-form", "source"], "x-form.source must name the seed manual the form was written from")
        }
        if !isDeclared(xForm?["applicationDistrict"]?.stringValue, in: form, file: file) {
            report(file, ["x-form", "applicationDistrict"], "x-form.applicationDistrict must point to a declared field")
        }
        lintAttachments(file, form)
        lintRules(file, form)
        lintCrossApplicationRules(file, form)
        lintWorkflow(file, form)
    }

    /// `x-enroll-immutable`, `x-enroll-revision-kinds` and `x-enroll-windows` (docs/FORMS.md §3).
    private mutating func lintWorkflow(_ file: String, _ form: JSONValue) {
        guard let immutable = form["x-enroll-immutable"]?.arrayValue else {
            report(file, ["x-enroll-immutable"], "a form needs x-enroll-immutable (an array of pointers)")
            return
        }
        for (index, pointer) in immutable.enumerated() where !isDeclared(pointer.stringValue, in: form, file: file) {
            report(file, ["x-enroll-immutable", String(index)], "an immutable field must point to a declared field")
        }
        let fixed = Set(immutable.compactMap(\.stringValue))
        var kinds: Set<String> = []
        for (index, entry) in (form["x-enroll-revision-kinds"]?.arrayValue ?? []).enumerated() {
            let path = ["x-enroll-revision-kinds", String(index)]
            let kind = entry["kind"]?.stringValue ?? ""
            if !Self.revisionKinds.contains(kind) || !kinds.insert(kind).inserted {
                report(file, path + ["kind"], "a revision kind is \(Self.revisionKinds.sorted().joined(separator: ", ")), once per form")
            }
            let changed = Set((entry["changes"]?.arrayValue ?? []).compactMap(\.stringValue))
            for key in ["sets", "requires"] where entry[key] != nil {
                guard let values = entry[key]?.objectValue else {
                    report(file, path + [key], "a revision kind's \(key) is an object of pointer → value")
                    continue
                }
                for (pointer, _) in values where !changed.contains(pointer) {
                    report(file, path + [key], "a revision kind's \(key) names \(pointer), which is not among its changes")
                }
            }
            if !isLabel(entry["label"]) { report(file, path + ["label"], "a revision kind needs a label {\"zh\": …, \"en\": …}") }
            let changes = entry["changes"]?.arrayValue ?? []
            if changes.isEmpty { report(file, path + ["changes"], "a revision kind needs a non-empty list of changes") }
            for (position, pointer) in changes.enumerated() {
                if !isDeclared(pointer.stringValue, in: form, file: file) {
                    report(file, path + ["changes", String(position)], "a revision kind's change must point to a declared field")
                } else if fixed.contains(pointer.stringValue ?? "") {
                    report(file, path + ["changes", String(position)], "a revision kind cannot change an immutable field")
                }
            }
        }
        for (index, notice) in (form["x-enroll-notices"]?.arrayValue ?? []).enumerated() {
            let path = ["x-enroll-notices", String(index)]
            if (notice["id"]?.stringValue ?? "").isEmpty { report(file, path + ["id"], "a notice needs an id") }
            if (notice["version"]?.stringValue ?? "").isEmpty { report(file, path + ["version"], "a notice needs a version") }
            if !isLabel(notice["label"]) { report(file, path + ["label"], "a notice needs a label {\"zh\": …, \"en\": …}") }
            let text = notice["file"]?.stringValue ?? ""
            if text.isEmpty || text.hasPrefix("/") || text.contains("..") || !FileManager.default.fileExists(atPath: directory + "/" + text) {
                report(file, path + ["file"], "a notice's file must be a text file inside the schema directory")
            }
            if let accepted = notice["acceptedBy"], !isDeclared(accepted.stringValue, in: form, file: file) {
                report(file, path + ["acceptedBy"], "a notice's acceptedBy must point to a declared field")
            }
        }
        if form["x-enroll-revision-kinds"]?.arrayValue == nil {
            report(file, ["x-enroll-revision-kinds"], "a form needs x-enroll-revision-kinds (an array, possibly empty)")
        }
        guard let windows = form["x-enroll-windows"]?.arrayValue else {
            report(file, ["x-enroll-windows"], "a form needs x-enroll-windows (an array, possibly empty)")
            return
        }
        let parser = ISO8601DateFormatter()
        for (index, window) in windows.enumerated() {
            let path = ["x-enroll-windows", String(index)]
            let from = window["from"]?.stringValue.flatMap { parser.date(from: $0) }
            let to = window["to"]?.stringValue.flatMap { parser.date(from: $0) }
            if from == nil { report(file, path + ["from"], "a window's from must be an ISO 8601 date-time with its offset") }
            if to == nil { report(file, path + ["to"], "a window's to must be an ISO 8601 date-time with its offset") }
            if let from, let to, from >= to { report(file, path, "a window needs from before to") }
            if !isLabel(window["label"]) { report(file, path + ["label"], "a window needs a label {\"zh\": …, \"en\": …}") }
        }
    }

    private mutating func lintAttachments(_ file: String, _ form: JSONValue) {
        guard let slots = form["x-attachments"]?.arrayValue else {
            report(file, ["x-attachments"], "a form needs x-attachments (an array of slots)")
            return
        }
        var ids: Set<String> = []
        for (index, slot) in slots.enumerated() {
            let path = ["x-attachments", String(index)]
            let keys = Set(slot.objectValue?.keys ?? [])
            if !keys.isSubset(of: Self.attachmentKeys) || !Self.requiredAttachmentKeys.isSubset(of: keys) {
                report(file, path, "a slot has the keys \(Self.requiredAttachmentKeys.sorted()) and may have requiredIf, pixelSize, $comment; "
                    + "unknown: \(keys.subtracting(Self.attachmentKeys).sorted()), missing: \(Self.requiredAttachmentKeys.subtracting(keys).sorted())")
            }
            let id = slot["id"]?.stringValue ?? ""
            if id.isEmpty || !id.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }) {
                report(file, path + ["id"], "a slot id is [a-z0-9-]+ (it is a folder name under data/attachments/)")
            }
            if !ids.insert(id).inserted { report(file, path + ["id"], "the slot id \"\(id)\" is used twice") }
            if !isLabel(slot["label"]) { report(file, path + ["label"], "a slot needs a label {\"zh\": …, \"en\": …}") }
            let minimum = slot["minCount"]?.numberValue?.intValue ?? -1
            let maximum = slot["maxCount"]?.numberValue?.intValue ?? -1
            if minimum < 0 || maximum < minimum || maximum < 1 {
                report(file, path, "a slot needs 0 ≤ minCount ≤ maxCount and maxCount ≥ 1")
            }
            if (slot["maxBytes"]?.numberValue?.intValue ?? 0) < 1 { report(file, path + ["maxBytes"], "maxBytes must be a positive number of bytes") }
            let types = slot["mediaTypes"]?.arrayValue?.compactMap(\.stringValue) ?? []
            if types.isEmpty || !Set(types).isSubset(of: Self.mediaTypes) {
                report(file, path + ["mediaTypes"], "mediaTypes must be a non-empty list of \(Self.mediaTypes.sorted())")
            }
            if slot["pixelSize"] != nil, id != "student-photo" {
                report(file, path + ["pixelSize"], "pixelSize belongs on the student-photo slot only")
            }
        }
        for mandatory in ["student-photo", "commitment"] where !ids.contains(mandatory) {
            report(file, ["x-attachments"], "every form has a \(mandatory) slot")
        }
    }

    private mutating func lintRules(_ file: String, _ form: JSONValue) {
        guard let rules = form["x-rules"]?.arrayValue else {
            report(file, ["x-rules"], "a form needs x-rules (an array, possibly empty)")
            return
        }
        var ids: Set<String> = []
        for (index, rule) in rules.enumerated() {
            let path = ["x-rules", String(index)]
            let id = rule["id"]?.stringValue ?? ""
            if id.isEmpty || !ids.insert(id).inserted { report(file, path + ["id"], "a rule needs an id unique in the form") }
            if !isLabel(rule["label"]) { report(file, path + ["label"], "a rule needs a label {\"zh\": …, \"en\": …}") }
            guard let kind = rule["rule"]?.stringValue, let needed = Self.rules[kind] else {
                report(file, path + ["rule"], "rule must be one of \(Self.rules.keys.sorted())")
                continue
            }
            let params = rule["params"]?.objectValue ?? JSONObject()
            let missing = needed.subtracting(params.keys)
            if !missing.isEmpty {
                report(file, path + ["params"], "the \(kind) rule needs the parameters \(missing.sorted())")
                continue
            }
            for (name, value) in params {
                let pointers: [JSONValue] = name == "anyOf" ? (value.arrayValue ?? [.null]) : Self.pointerParameters.contains(name) ? [value] : []
                for (position, pointer) in pointers.enumerated() where !isDeclared(pointer.stringValue, in: form, file: file) {
                    report(file, path + ["params", name] + (name == "anyOf" ? [String(position)] : []),
                           "\(pointer.stringValue.map { "\"\($0)\"" } ?? "this parameter") must point to a declared field")
                }
            }
            if kind == "birth-date-window" {
                let from = params["from"]?.stringValue.flatMap { CalendarDate(iso: $0) }
                let to = params["to"]?.stringValue.flatMap { CalendarDate(iso: $0) }
                if from == nil || to == nil || from! > to! {
                    report(file, path + ["params"], "from and to must be YYYY-MM-DD dates with from not after to")
                }
            }
        }
    }

    private mutating func lintCrossApplicationRules(_ file: String, _ form: JSONValue) {
        guard let rules = form["x-cross-application-rules"]?.arrayValue else {
            report(file, ["x-cross-application-rules"], "a form needs x-cross-application-rules (an array)")
            return
        }
        var ids: Set<String> = []
        for (index, rule) in rules.enumerated() {
            let path = ["x-cross-application-rules", String(index)]
            let id = rule["id"]?.stringValue ?? ""
            if id.isEmpty || !ids.insert(id).inserted { report(file, path + ["id"], "a rule needs an id unique in the form") }
            if !isLabel(rule["label"]) { report(file, path + ["label"], "a rule needs a label {\"zh\": …, \"en\": …}") }
            let params = rule["params"]
            switch rule["rule"]?.stringValue {
            case "unique":
                if !isDeclared(params?["key"]?.stringValue, in: form, file: file) {
                    report(file, path + ["params", "key"], "a unique rule's key must point to a declared field")
                }
            case "quota":
                let keys = params?["keys"]?.arrayValue ?? []
                if keys.isEmpty { report(file, path + ["params", "keys"], "a quota rule needs a non-empty list of keys") }
                for (position, key) in keys.enumerated() where !isDeclared(key.stringValue, in: form, file: file) {
                    report(file, path + ["params", "keys", String(position)], "a quota key must point to a declared field")
                }
                if (params?["max"]?.numberValue?.intValue ?? 0) < 1 {
                    report(file, path + ["params", "max"], "a quota rule needs max ≥ 1")
                }
            default:
                report(file, path + ["rule"], "a cross-application rule is unique or quota")
            }
        }
    }

    // MARK: The declared tree

    /// Checks the field or section at `path` of `file`, then the fields it declares.
    private mutating func walkDeclared(file: String, path: [String], document: JSONValue, instance: String, depth: Int = 0) {
        guard depth < 32, let node = document.value(at: JSONPointer(tokens: path)) else { return }
        declaredNodes += 1
        // A local $ref (a form's own $defs) is part of the same declaration: its target may
        // carry the label and the properties.
        var target: (path: [String], node: JSONValue)?
        if case .string(let reference)? = node["$ref"], reference.hasPrefix("#"), let resolved = resolve(reference, from: file) {
            target = (resolved.path, resolved.node)
        }
        if !isLabel(node["x-label"]) && !isLabel(target?.node["x-label"]) {
            report(file, path, "the field or section \(instance.isEmpty ? "/" : instance) needs an x-label {\"zh\": …, \"en\": …} with both texts non-empty")
        }
        let owner: (path: [String], node: JSONValue) = node["properties"] == nil && target?.node["properties"] != nil ? target! : (path, node)
        // A definition several fields share (`#/$defs/…`) is checked once, where it is.
        if owner.path != path && !checkedDefinitions.insert(file + "#" + JSONPointer(tokens: owner.path).description).inserted { return }
        let isObject = owner.node["properties"] != nil || owner.node["type"]?.stringValue == "object"
        if isObject {
            let closed = [node, target?.node].contains { candidate in
                candidate?["additionalProperties"] == .bool(false) || candidate?["unevaluatedProperties"] == .bool(false)
            }
            if !closed {
                report(file, owner.path, "the object \(instance.isEmpty ? "/" : instance) needs \"additionalProperties\": false so unknown keys are errors")
            }
            for (name, _) in owner.node["properties"]?.objectValue ?? JSONObject() {
                if !Self.isLowerCamelCase(name) {
                    report(file, owner.path + ["properties", name], "the property name \"\(name)\" must be lowerCamelCase English (ASCII letters and digits)")
                }
                walkDeclared(file: file, path: owner.path + ["properties", name], document: document, instance: instance + "/" + name, depth: depth + 1)
            }
        } else if owner.node["type"]?.stringValue == "array" {
            for (index, _) in (owner.node["prefixItems"]?.arrayValue ?? []).enumerated() {
                walkDeclared(file: file, path: owner.path + ["prefixItems", String(index)], document: document,
                             instance: instance + "/\(index)", depth: depth + 1)
            }
            if owner.node["items"]?.objectValue != nil {
                walkDeclared(file: file, path: owner.path + ["items"], document: document, instance: instance + "/-", depth: depth + 1)
            }
        }
    }

    /// Whether a data pointer names a field the form declares (through `properties`,
    /// `prefixItems` and local `$ref`s).
    private func isDeclared(_ pointerText: String?, in form: JSONValue, file: String) -> Bool {
        guard let pointerText, let pointer = try? JSONPointer(parsing: pointerText), !pointer.tokens.isEmpty else { return false }
        var node = form
        for token in pointer.tokens {
            if case .string(let reference)? = node["$ref"], reference.hasPrefix("#"), node["properties"] == nil,
               let resolved = resolve(reference, from: file) {
                node = resolved.node
            }
            if let child = node["properties"]?[token] {
                node = child
            } else if let index = Int(token), let items = node["prefixItems"]?.arrayValue, items.indices.contains(index) {
                node = items[index]
            } else {
                return false
            }
        }
        return true
    }

    // MARK: Helpers

    private func isLabel(_ value: JSONValue?) -> Bool {
        guard let object = value?.objectValue, Set(object.keys) == ["zh", "en"], object.count == 2 else { return false }
        return object.allSatisfy { !($0.1.stringValue ?? "").trimmingCharacters(in: .whitespaces).isEmpty }
    }

    static func isLowerCamelCase(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
    }

    private mutating func report(_ file: String, _ path: [String], _ message: String) {
        problems.append(LintProblem(file: file, pointer: JSONPointer(tokens: path).description, message: message))
    }
}
