import Foundation
import JSONSchema

/// What a form check needs from a bundle: the form data's bytes and the attachments.
public struct FormInput: Sendable {
    /// `data/form.json` as stored.
    public var formJSON: [UInt8]
    /// The files under `data/attachments/`.
    public var attachments: [AttachmentFile]

    /// Creates the input.
    public init(formJSON: [UInt8], attachments: [AttachmentFile]) {
        self.formJSON = formJSON
        self.attachments = attachments
    }

    /// Reads the input from a bundle directory.
    public init(directory: String, payload: some Sequence<String>) throws {
        formJSON = try FileIO.readAll(directory + "/" + BundleLayout.form)
        attachments = try payload.filter { $0.hasPrefix(BundleLayout.attachments) }.sorted().map {
            try AttachmentFile(path: $0, file: directory + "/" + $0)
        }
    }
}

/// Judges form data against its form: the JSON Schema (with enroll's formats asserted), the
/// named rules, and the attachment slots. Every problem is reported, each with a stable code,
/// the field's label in both languages, its JSON pointer and its line and column.
public struct FormValidator: Sendable {
    /// The form.
    public let form: Form

    /// Creates a validator for a form.
    public init(form: Form) {
        self.form = form
    }

    /// Parses form data strictly.
    /// - Returns: The document and its source positions, or the located parse error.
    public static func parse(_ bytes: [UInt8], file: String) -> Result<JSONDocument, EnrollError> {
        do {
            return .success(try JSONDocument(bytes: bytes, options: JSONParseOptions(recordPositions: true)))
        } catch let error as JSONParseError {
            return .failure(EnrollError.invalid(
                .formJsonMalformed, Location(file: file, line: error.location.line, column: error.location.column),
                zh: "表单数据不是有效的 JSON（\(error.kind.rawValue)）：\(error.message)。请修正该处后重试。",
                en: "The form data is not valid JSON (\(error.kind.rawValue)): \(error.message). Fix it there and try again."))
        } catch {
            return .failure(EnrollError.invalid(.formJsonMalformed, Location(file: file), zh: "\(error)", en: "\(error)"))
        }
    }

    /// Checks form data and attachments.
    /// - Parameters:
    ///   - input: The form data and attachments.
    ///   - root: The bundle's path, for locations.
    /// - Returns: Every problem found.
    public func validate(_ input: FormInput, root: String) -> [Diagnostic] {
        let file = root + "/" + BundleLayout.form
        // Most applications are valid: parse without the position table, and build it (a
        // second, recording parse of the same bytes) only when a problem must be located.
        let value: JSONValue
        var document: JSONDocument?
        if let parsed = try? JSONParser.parse(input.formJSON) {
            value = parsed
        } else {
            switch Self.parse(input.formJSON, file: file) {
            case .success(let parsed):
                value = parsed.root
                document = parsed
            case .failure(let error):
                return error.diagnostics + AttachmentChecker(form: form).check(input.attachments, document: nil, root: root)
            }
        }
        func locate(_ pointer: JSONPointer) -> Location {
            if document == nil { document = try? JSONDocument(bytes: input.formJSON) }
            var probe = pointer
            var position = document?.location(of: probe)
            while position == nil, !probe.tokens.isEmpty {
                probe = JSONPointer(tokens: Array(probe.tokens.dropLast()))
                position = document?.location(of: probe)
            }
            return Location(file: file, pointer: pointer.description, line: position?.line, column: position?.column)
        }
        var diagnostics = schemaDiagnostics(value, locate: locate)
        diagnostics += FormRuleEvaluator(form: form).evaluate(value, file: file, locate: locate)
        diagnostics += AttachmentChecker(form: form).check(input.attachments, document: value, root: root)
        return diagnostics
    }

    /// Checks one attachment file against its slot alone (type sniffed from the content,
    /// size, completeness, pixel size), as the station does when a file is uploaded; the
    /// slot's count and conditions are judged with the whole application by `validate`.
    /// - Parameters:
    ///   - file: The file, its `path` the place it will take (`data/attachments/<slot>/<n>.<ext>`).
    ///   - slot: The slot id.
    ///   - root: The bundle's path, for locations.
    /// - Returns: Every problem of the file; `attachment.unknown-slot` if the form has no such slot.
    public func validateAttachment(_ file: AttachmentFile, slot: String, root: String) -> [Diagnostic] {
        AttachmentChecker(form: form).checkOne(file, slot: slot, root: root)
    }

    /// Schema validation errors as diagnostics, one per mistake.
    func schemaDiagnostics(_ value: JSONValue, locate: (JSONPointer) -> Location) -> [Diagnostic] {
        let result = form.schema.validate(value)
        if result.isValid { return [] }
        let formatLocations = Set(result.errors.filter { $0.keyword == "format" }.map(\.instanceLocation))
        // The errors inside the branches of a failed anyOf/oneOf explain that one failure; the
        // combinator's own error stands for them.
        let combinators = result.errors.filter { $0.keyword == "anyOf" || $0.keyword == "oneOf" }.map(\.keywordLocation.tokens)
        func isInsideFailedBranch(_ error: ValidationError) -> Bool {
            let tokens = error.keywordLocation.tokens
            return combinators.contains { tokens.count > $0.count && tokens.starts(with: $0) }
        }
        var seen: Set<String> = []
        var diagnostics: [Diagnostic] = []
        for error in result.errors {
            // A bad format and the pattern that shadows it are one mistake.
            if error.keyword == "pattern", formatLocations.contains(error.instanceLocation) { continue }
            if isInsideFailedBranch(error) { continue }
            var pointer = error.instanceLocation
            if let property = error.property, ["required", "dependentRequired", "additionalProperties", "unevaluatedProperties"].contains(error.keyword) {
                if error.keyword == "required" || error.keyword == "dependentRequired" { pointer = pointer.appending(property) }
                else if pointer.tokens.last != property { pointer = pointer.appending(property) }
            }
            let diagnostic = describe(error, pointer: pointer, value: value, location: locate(pointer))
            let key = diagnostic.code.rawValue + " " + pointer.description
            if seen.insert(key).inserted { diagnostics.append(diagnostic) }
        }
        return diagnostics
    }

    private func describe(_ error: ValidationError, pointer: JSONPointer, value: JSONValue, location: Location) -> Diagnostic {
        let name = form.fieldName(at: pointer)
        let schemaObject = form.schema.enclosingSchemaObject(forKeywordAt: error.absoluteKeywordLocation)
        // Reports are shared: a value a message quotes is masked like any personal data.
        func make(_ code: DiagnosticCode, zh: String, en: String) -> Diagnostic {
            Diagnostic(code: code, severity: .error, location: location, message: LocalizedText(zh: Privacy.maskText(zh), en: Privacy.maskText(en)))
        }
        switch error.keyword {
        case "required", "dependentRequired":
            return make(.formRequired, zh: "必填项“\(name.zh)”未填写。", en: "The required field \"\(name.en)\" is missing.")
        case "additionalProperties", "unevaluatedProperties":
            let key = error.property ?? pointer.tokens.last ?? ""
            return make(.formUnknownField,
                        zh: "表单中没有字段“\(key)”（位于 \(pointer)）。请删除它或检查拼写。",
                        en: "The form has no field \"\(key)\" (at \(pointer)). Remove it or check its spelling.")
        case "type":
            let expected = schemaObject?["type"].map { $0.stringValue ?? ($0.arrayValue?.compactMap(\.stringValue).joined(separator: "/") ?? "") } ?? ""
            return make(.formType,
                        zh: "“\(name.zh)”的类型不对：应为 \(Self.typeName(expected, .zh))。",
                        en: "\"\(name.en)\" has the wrong type: expected \(Self.typeName(expected, .en)).")
        case "enum", "const":
            let options = (schemaObject?["enum"]?.arrayValue ?? [schemaObject?["const"]].compactMap { $0 }).compactMap(\.stringValue)
            let shown = options.prefix(8).joined(separator: "、") + (options.count > 8 ? "…" : "")
            let actual = value.value(at: pointer)?.stringValue.map { "“\($0)”" } ?? ""
            return make(.schemaKeyword(error.keyword),
                        zh: "“\(name.zh)”的值\(actual)不是可选项\(shown.isEmpty ? "" : "（\(shown)）")。",
                        en: "\"\(name.en)\" has the value \(actual.isEmpty ? "given" : actual), which is not one of the options\(shown.isEmpty ? "" : " (\(shown))").")
        case "format":
            let format = schemaObject?["format"]?.stringValue ?? "?"
            let description = FormFormats.descriptions[format] ?? LocalizedText(zh: format, en: format)
            return make(.format(format),
                        zh: "“\(name.zh)”格式不正确：应为\(description.zh)。",
                        en: "\"\(name.en)\" is not valid: expected \(description.en).")
        case "pattern":
            return make(.formPattern, zh: "“\(name.zh)”的格式不正确。", en: "\"\(name.en)\" is not in the expected form.")
        case "minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minItems", "maxItems", "uniqueItems", "multipleOf":
            return make(.schemaKeyword(error.keyword),
                        zh: "“\(name.zh)”超出允许范围（\(error.keyword)）：\(error.message)",
                        en: "\"\(name.en)\" is out of range (\(error.keyword)): \(error.message)")
        default:
            return make(.schemaKeyword(error.keyword),
                        zh: "“\(name.zh)”不符合表单的规定（\(error.keyword)）：\(error.message)",
                        en: "\"\(name.en)\" does not meet the form's conditions (\(error.keyword)): \(error.message)")
        }
    }

    private static func typeName(_ type: String, _ language: Language) -> String {
        let names: [String: LocalizedText] = [
            "string": LocalizedText(zh: "文字", en: "text"), "boolean": LocalizedText(zh: "是/否（true/false）", en: "yes/no (true/false)"),
            "integer": LocalizedText(zh: "整数", en: "a whole number"), "number": LocalizedText(zh: "数字", en: "a number"),
            "object": LocalizedText(zh: "一组字段（对象）", en: "a group of fields (object)"), "array": LocalizedText(zh: "列表（数组）", en: "a list (array)"),
            "null": LocalizedText(zh: "空", en: "null"),
        ]
        return type.split(separator: "/").map { names[String($0)]?.text(in: language) ?? String($0) }.joined(separator: " / ")
    }
}
