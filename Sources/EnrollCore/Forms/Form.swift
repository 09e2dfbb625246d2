import Foundation
import JSONSchema

/// An attachment slot a form declares (`x-attachments`).
public struct AttachmentSlot: Sendable {
    /// The slot id, the folder under `data/attachments/`.
    public var id: String
    /// The slot's name.
    public var label: LocalizedText
    /// Whether files are always required.
    public var required: Bool
    /// When given, the slot is required for documents this schema accepts.
    public var requiredIf: CompiledSchema?
    /// The fewest files when the slot is used.
    public var minCount: Int
    /// The most files.
    public var maxCount: Int
    /// The accepted types, judged by content.
    public var mediaTypes: [MediaType]
    /// The largest file accepted, in bytes.
    public var maxBytes: Int64
    /// The exact pixel size required, if any.
    public var pixelSize: (width: Int, height: Int)?
}

/// A named cross-field rule a form declares (`x-rules`).
public struct FormRule: Sendable {
    /// The rule's id within the form.
    public var id: String
    /// The kind of rule (`id-number-birth-date`, `birth-date-window`, …).
    public var rule: String
    /// What the rule checks, for messages.
    public var label: LocalizedText
    /// The rule's parameters.
    public var params: JSONObject
    /// The rule applies only to documents this schema accepts.
    public var when: CompiledSchema?
}

/// A rule checked across all applications of a form at the district
/// (`x-cross-application-rules`).
public struct CrossApplicationRule: Sendable {
    /// The rule's id within the form.
    public var id: String
    /// `unique` or `quota`.
    public var rule: String
    /// What the rule checks, for messages.
    public var label: LocalizedText
    /// The JSON pointers the rule reads.
    public var keys: [JSONPointer]
    /// For `quota`: how many applications may share a value.
    public var max: Int
}

/// One application form: its schema compiled with enroll's formats, and the vocabulary read
/// from it (labels, attachment slots, rules).
public struct Form: Sendable {
    /// The form id.
    public let id: String
    /// The form's version (`Enroll-Form-Version`).
    public let version: String
    /// The form's name.
    public let label: LocalizedText
    /// `harbin` or `beijing`.
    public let region: String
    /// The intake year.
    public let year: Int?
    /// Where in the data the application's district is.
    public let applicationDistrict: JSONPointer?
    /// The schema file.
    public let path: String
    /// The raw schema document.
    public let document: JSONValue
    /// The compiled schema.
    public let schema: CompiledSchema
    /// The attachment slots.
    public let slots: [AttachmentSlot]
    /// The cross-field rules.
    public let rules: [FormRule]
    /// The district-level rules.
    public let crossApplicationRules: [CrossApplicationRule]
    /// The basic information no revision may change (`x-enroll-immutable`).
    public let immutableFields: [JSONPointer]
    /// The revision kinds of its own (`x-enroll-revision-kinds`).
    public let revisionKinds: [RevisionKindRule]

    /// The fields only a revision kind sets (Beijing 2025's `/authorization/granted`, by
    /// 去授权 / 取消授权): no page shows them as inputs, and a plain revision carries them over.
    public var kindOwnedFields: Set<JSONPointer> { Set(revisionKinds.flatMap { $0.sets.map(\.pointer) }) }
    /// When applications may be submitted (`x-enroll-windows`); empty: always.
    public let windows: [CollectionWindow]
    /// The texts a guardian accepts before 提交 (`x-enroll-notices`), read from their files.
    public let notices: [FormNotice]
    /// Field and section labels by instance path (array positions written `*`).
    let labels: [String: LocalizedText]
    /// The fields and sections in schema order.
    let fields: [FormField]

    /// The base URI every form schema and shared definition lives under.
    public static let baseURI = "https://schemas.enroll.invalid/"

    /// Loads and compiles a form schema.
    /// - Parameters:
    ///   - path: The `<form-id>.schema.json` file.
    ///   - directory: The schema directory, mapped to `baseURI` for shared definitions.
    /// - Throws: `EnrollError` with the file and line for JSON errors, or the compiler's message.
    public init(path: String, directory: String, today: Date = Date()) throws {
        self.path = path
        let document = try Form.parseJSON(path)
        self.document = document
        var registry = SchemaRegistry()
        registry.map(prefix: Form.baseURI, toDirectory: directory)
        let base = document["$id"]?.stringValue ?? Form.baseURI + PathName(path).lastComponent
        let options = SchemaOptions(formatAssertion: true, formats: FormFormats.all(today: today), registry: registry, baseURI: base)
        func compile(_ value: JSONValue, _ what: String) throws -> CompiledSchema {
            do {
                return try CompiledSchema.compile(value, options: options)
            } catch {
                throw EnrollError.invalid(
                    .formSchemaInvalid, Location(file: path),
                    zh: "表单定义（\(what)）无法编译：\(error)", en: "The form schema (\(what)) cannot be compiled: \(error)")
            }
        }
        schema = try compile(document, "schema")

        let form = document["x-form"]?.objectValue
        guard let id = form?["id"]?.stringValue else {
            throw EnrollError.invalid(
                .formSchemaInvalid, Location(file: path, pointer: "/x-form/id"),
                zh: "表单定义缺少 x-form.id。", en: "The form schema lacks x-form.id.")
        }
        self.id = id
        version = form?["version"]?.stringValue ?? "1"
        label = Form.localized(form?["label"]) ?? LocalizedText(zh: id, en: id)
        region = form?["region"]?.stringValue ?? ""
        year = form?["year"]?.numberValue?.intValue
        applicationDistrict = form?["applicationDistrict"]?.stringValue.flatMap { try? JSONPointer(parsing: $0) }

        var slots: [AttachmentSlot] = []
        for slot in document["x-attachments"]?.arrayValue ?? [] {
            guard let slotID = slot["id"]?.stringValue else { continue }
            let size = slot["pixelSize"]
            slots.append(AttachmentSlot(
                id: slotID,
                label: Form.localized(slot["x-label"] ?? slot["label"]) ?? LocalizedText(zh: slotID, en: slotID),
                required: slot["required"]?.boolValue ?? false,
                requiredIf: try slot["requiredIf"].map { try compile($0, "requiredIf of \(slotID)") },
                minCount: slot["minCount"]?.numberValue?.intValue ?? 0,
                maxCount: slot["maxCount"]?.numberValue?.intValue ?? Int.max,
                mediaTypes: (slot["mediaTypes"]?.arrayValue ?? []).compactMap { $0.stringValue.flatMap(MediaType.init(rawValue:)) },
                maxBytes: Int64(slot["maxBytes"]?.numberValue?.intValue ?? 20 << 20),
                pixelSize: size.flatMap { size in
                    guard let w = size["width"]?.numberValue?.intValue, let h = size["height"]?.numberValue?.intValue else { return nil }
                    return (w, h)
                }))
        }
        self.slots = slots

        var rules: [FormRule] = []
        for rule in document["x-rules"]?.arrayValue ?? [] {
            guard let ruleID = rule["id"]?.stringValue, let kind = rule["rule"]?.stringValue else { continue }
            rules.append(FormRule(
                id: ruleID, rule: kind,
                label: Form.localized(rule["label"]) ?? LocalizedText(zh: ruleID, en: ruleID),
                params: rule["params"]?.objectValue ?? JSONObject(),
                when: try rule["when"].map { try compile($0, "when of \(ruleID)") }))
        }
        self.rules = rules

        crossApplicationRules = (document["x-cross-application-rules"]?.arrayValue ?? []).compactMap { rule in
            guard let ruleID = rule["id"]?.stringValue, let kind = rule["rule"]?.stringValue else { return nil }
            let params = rule["params"]
            let keyTexts = params?["keys"]?.arrayValue?.compactMap(\.stringValue) ?? [params?["key"]?.stringValue].compactMap { $0 }
            return CrossApplicationRule(
                id: ruleID, rule: kind, label: Form.localized(rule["label"]) ?? LocalizedText(zh: ruleID, en: ruleID),
                keys: keyTexts.compactMap { try? JSONPointer(parsing: $0) },
                max: params?["max"]?.numberValue?.intValue ?? 1)
        }

        immutableFields = (document["x-enroll-immutable"]?.arrayValue ?? []).compactMap { $0.stringValue.flatMap { try? JSONPointer(parsing: $0) } }
        revisionKinds = (document["x-enroll-revision-kinds"]?.arrayValue ?? []).compactMap { entry in
            guard let kind = entry["kind"]?.stringValue.flatMap(BundleKind.init(rawValue:)) else { return nil }
            func values(_ key: String) -> [RevisionKindRule.FieldValue] {
                (entry[key]?.objectValue ?? JSONObject()).compactMap { name, value in
                    (try? JSONPointer(parsing: name)).map { RevisionKindRule.FieldValue(pointer: $0, value: value) }
                }
            }
            return RevisionKindRule(
                kind: kind, label: Form.localized(entry["label"]) ?? LocalizedText(zh: kind.rawValue, en: kind.rawValue),
                changes: (entry["changes"]?.arrayValue ?? []).compactMap { $0.stringValue.flatMap { try? JSONPointer(parsing: $0) } },
                sets: values("sets"), requires: values("requires"))
        }

        windows = (document["x-enroll-windows"]?.arrayValue ?? []).compactMap { entry in
            guard let from = entry["from"]?.stringValue.flatMap(StoreClock.parse),
                  let to = entry["to"]?.stringValue.flatMap(StoreClock.parse) else { return nil }
            return CollectionWindow(from: from, to: to, label: Form.localized(entry["label"]) ?? LocalizedText(zh: "", en: ""))
        }

        notices = try (document["x-enroll-notices"]?.arrayValue ?? []).enumerated().map { index, entry in
            try Form.notice(entry, index: index, path: path, directory: directory)
        }

        var indexer = FieldIndexer(schema: schema)
        indexer.walk(document, base: base, path: [], required: true, depth: 0)
        fields = indexer.order.compactMap { indexer.fields[$0] }
        labels = indexer.fields.mapValues(\.label)
    }

    /// Reads one `x-enroll-notices` entry and its text file (relative to the schema directory).
    /// - Throws: `form.schema-invalid` when the entry lacks its id, version or file, or the
    ///   file cannot be read as UTF-8.
    private static func notice(_ entry: JSONValue, index: Int, path: String, directory: String) throws -> FormNotice {
        let pointer = "/x-enroll-notices/\(index)"
        guard let id = entry["id"]?.stringValue, let version = entry["version"]?.stringValue, let file = entry["file"]?.stringValue,
              !file.hasPrefix("/"), !file.split(separator: "/").contains("..")
        else {
            throw EnrollError.invalid(
                .formSchemaInvalid, Location(file: path, pointer: pointer),
                zh: "表单定义的须知条目需要 id、version 和 file（schemas 目录内的相对路径）。",
                en: "A notice entry of the form schema needs id, version and file (a path inside the schema directory).")
        }
        let bytes: [UInt8]
        do {
            bytes = try FileIO.readAll(directory + "/" + file)
        } catch {
            throw EnrollError.invalid(
                .formSchemaInvalid, Location(file: path, pointer: pointer + "/file"),
                zh: "表单的须知文本 \(file) 无法读取：\(error)。请把它与表单定义一起安装。",
                en: "The form's notice text \(file) cannot be read: \(error). Install it with the form schemas.")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw EnrollError.invalid(
                .formSchemaInvalid, Location(file: directory + "/" + file),
                zh: "须知文本 \(file) 不是 UTF-8。", en: "The notice text \(file) is not UTF-8.")
        }
        return FormNotice(
            id: id, label: Form.localized(entry["label"]) ?? LocalizedText(zh: id, en: id), version: version, file: file, text: text,
            sha256: FormNotice.digest(bytes), acceptedBy: entry["acceptedBy"]?.stringValue.flatMap { try? JSONPointer(parsing: $0) })
    }

    /// Every field and section in schema order.
    public func fieldList() -> [FormField] { fields.filter { $0.pointer != "/" } }

    /// The label of the field or section at an instance location.
    public func label(at pointer: JSONPointer) -> LocalizedText? {
        labels[Form.pattern(pointer.tokens)]
    }

    /// `section › field` labels for an instance location, falling back to the pointer's last
    /// token for unknown keys.
    public func fieldName(at pointer: JSONPointer) -> LocalizedText {
        var zh: [String] = []
        var en: [String] = []
        for count in 1...max(1, pointer.tokens.count) where count <= pointer.tokens.count {
            if let label = labels[Form.pattern(Array(pointer.tokens.prefix(count)))] {
                zh.append(label.zh)
                en.append(label.en)
            } else if count == pointer.tokens.count {
                zh.append(pointer.tokens[count - 1])
                en.append(pointer.tokens[count - 1])
            }
        }
        if zh.isEmpty { return label }
        return LocalizedText(zh: zh.joined(separator: " › "), en: en.joined(separator: " › "))
    }

    static func pattern(_ tokens: [String]) -> String {
        "/" + tokens.map { $0.allSatisfy(\.isNumber) && !$0.isEmpty ? "*" : $0 }.joined(separator: "/")
    }

    static func localized(_ value: JSONValue?) -> LocalizedText? {
        guard let zh = value?["zh"]?.stringValue, let en = value?["en"]?.stringValue else { return nil }
        return LocalizedText(zh: zh, en: en)
    }

    /// Parses a JSON file strictly, turning reader errors into located diagnostics.
    static func parseJSON(_ path: String) throws -> JSONValue {
        let bytes = try FileIO.readAll(path)
        do {
            return try JSONParser.parse(bytes)
        } catch let error as JSONParseError {
            throw EnrollError.invalid(
                .formSchemaInvalid, Location(file: path, line: error.location.line, column: error.location.column),
                zh: "表单定义不是有效的 JSON：\(error.message)", en: "The form schema is not valid JSON: \(error.message)")
        }
    }
}

/// One field or section of a form, as `enroll forms show` lists it.
public struct FormField: Sendable {
    /// The instance path, array positions written `*`.
    public var pointer: String
    /// The label.
    public var label: LocalizedText
    /// Whether the enclosing section always requires it.
    public var required: Bool
    /// The JSON type, if declared.
    public var type: String?
    /// The allowed values, if an enumeration.
    public var options: [String]?
    /// Values a conditional branch (`then`/`else`) restricts the field to under its condition,
    /// e.g. the schools of one district: offered as suggestions, not as the only choices.
    public var suggestions: [String]?
    /// Fixed texts the field also accepts besides its type or format (`anyOf: [{"$ref": date},
    /// {"const": "无"}]`): a date field that may say 无 is typed, not picked from a calendar.
    public var alternatives: [String]?
    /// The format, if any.
    public var format: String?
    /// The one value the field may take (`const`) when it declares no type, e.g. a
    /// commitment box that must be `true`.
    public var constant: JSONValue?
    /// For an array: the fewest items (`minItems`).
    public var minItems: Int?
    /// For an array: the most items (`maxItems`, or the number of `prefixItems` when `items`
    /// is `false`).
    public var maxItems: Int?
}

/// Walks a schema through `properties`, `items`, combinators and `$ref`s, collecting each
/// instance path's label, type, options and format.
private struct FieldIndexer {
    let schema: CompiledSchema
    var fields: [String: FormField] = [:]
    var order: [String] = []

    /// `conditional`: the node lies in a `then`/`else` branch, so its `enum` holds only under
    /// that branch's condition (suggestions, not the field's options).
    mutating func walk(_ node: JSONValue, base: String, path: [String], required: Bool, depth: Int, conditional: Bool = false) {
        guard depth < 64, case .object(let object) = node else { return }
        var base = base
        if let id = object["$id"]?.stringValue, let resolved = URL(string: id, relativeTo: URL(string: base))?.absoluteString {
            base = resolved
        }
        let key = Form.pattern(path)
        if fields[key] == nil, let label = Form.localized(object["x-label"]) {
            fields[key] = FormField(pointer: key, label: label, required: required)
            order.append(key)
        }
        if var field = fields[key] {
            field.required = field.required || required
            if field.type == nil { field.type = object["type"]?.stringValue }
            if conditional {
                if field.suggestions == nil { field.suggestions = object["enum"]?.arrayValue?.compactMap(\.stringValue) }
            } else if field.options == nil {
                field.options = object["enum"]?.arrayValue?.compactMap(\.stringValue)
            }
            // `anyOf: [{"$ref": …list…}, {"const": "无"}]`: the constant is one more option.
            // A constant the field may also take (`anyOf: [{"$ref": list}, {"const": "无"}]`, or a
            // branch's `{"const": "无"}` for a foreign child) is one more option of a choice, and
            // an alternative of a date (the engine judges when it applies).
            if let constant = object["const"]?.stringValue {
                if var options = field.options {
                    if !options.contains(constant) { options.append(constant) }
                    field.options = options
                } else if (!conditional || field.format == "date"), !(field.alternatives ?? []).contains(constant) {
                    field.alternatives = (field.alternatives ?? []) + [constant]
                }
            }
            if field.format == nil { field.format = object["format"]?.stringValue }
            if field.type == nil, field.constant == nil, let constant = object["const"] { field.constant = constant }
            if field.minItems == nil { field.minItems = object["minItems"]?.numberValue?.intValue }
            if field.maxItems == nil {
                field.maxItems = object["maxItems"]?.numberValue?.intValue
                    ?? (object["items"]?.boolValue == false ? object["prefixItems"]?.arrayValue?.count : nil)
            }
            fields[key] = field
        }
        let requiredNames = Set(object["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        if let properties = object["properties"]?.objectValue {
            for (name, child) in properties {
                walk(child, base: base, path: path + [name], required: requiredNames.contains(name), depth: depth + 1, conditional: conditional)
            }
        }
        if let items = object["items"] { walk(items, base: base, path: path + ["0"], required: false, depth: depth + 1, conditional: conditional) }
        for (position, item) in (object["prefixItems"]?.arrayValue ?? []).enumerated() {
            walk(item, base: base, path: path + [String(position)], required: false, depth: depth + 1, conditional: conditional)
        }
        // A node's own properties before its `$ref`: their order and labels are the form's, not
        // those of a shared definition the reference brings in (`idNumberMatchesType`).
        if let reference = object["$ref"]?.stringValue,
           let absolute = URL(string: reference, relativeTo: URL(string: base))?.absoluteString,
           let target = schema.schemaValue(at: absolute.contains("#") ? absolute : absolute + "#")
        {
            let targetBase = String(absolute.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0])
            walk(target, base: targetBase, path: path, required: false, depth: depth + 1, conditional: conditional)
        }
        for keyword in ["allOf", "anyOf", "oneOf"] {
            for child in object[keyword]?.arrayValue ?? [] { walk(child, base: base, path: path, required: false, depth: depth + 1, conditional: conditional) }
        }
        for keyword in ["then", "else"] {
            if let child = object[keyword] { walk(child, base: base, path: path, required: false, depth: depth + 1, conditional: true) }
        }
        for (_, child) in object["dependentSchemas"]?.objectValue ?? JSONObject() {
            walk(child, base: base, path: path, required: false, depth: depth + 1, conditional: true)
        }
    }
}
