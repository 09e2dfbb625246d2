import EnrollCore
import Foundation
import JSONSchema

/// A file already attached to a draft or a submitted application, shown as a thumbnail.
public struct RenderedAttachment: Sendable, Hashable {
    /// The slot id.
    public var slot: String
    /// The file's name in the slot (`1.jpg`).
    public var name: String
    /// Where the browser fetches it.
    public var url: String

    /// Creates an attachment entry.
    public init(slot: String, name: String, url: String) {
        self.slot = slot
        self.name = name
        self.url = url
    }
}

/// Renders any form of `Schemas/` as an HTML form, from its schema alone: one renderer, no
/// per-form templates.
///
/// Sections and fields come in the schema's order with the form's labels in the chosen
/// language; a required field is marked `*`; choices are `<select>`, dates `<input type=date>`,
/// ID numbers and phones text inputs with `inputmode`; conditional parts carry the schema's
/// conditions (``FormConditions``) for the page script; arrays are repeated groups with add and
/// remove; each attachment slot is a file input named `attachment:SLOT`.
///
/// The markup is the contract the tests rely on: every control has a `<label for>` with its
/// field's label, its `name` is the field's JSON pointer, and an invalid control has
/// `aria-invalid="true"` and its bilingual message in the element `aria-describedby` names.
public struct FormRenderer: Sendable {
    /// The form.
    public let form: Form
    /// The language labels are shown in (messages are always in both).
    public let language: Language
    /// The schema's conditions.
    public let conditions: FormConditions
    private let fields: [FormField]
    private let rootRequired: Set<String>

    /// Creates a renderer for a form.
    public init(form: Form, language: Language) {
        self.form = form
        self.language = language
        conditions = FormConditions(form: form)
        fields = form.fieldList()
        rootRequired = Set(form.document["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
    }

    /// The `id` of the control (or section) for an instance pointer.
    public static func controlID(_ pointer: String) -> String {
        let tokens = (try? JSONPointer(parsing: pointer).tokens) ?? [pointer]
        return "f" + tokens.map { "-" + $0.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? String($0) : "_" }.joined() }.joined()
    }

    /// The `id` of the file input of an attachment slot.
    public static func attachmentID(_ slot: String) -> String {
        "a-" + slot.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") ? String($0) : "_" }.joined()
    }

    /// The sections, fields and attachment inputs of the form (to be put inside a `<form>`).
    /// - Parameters:
    ///   - document: The data to show (an empty object for a new application).
    ///   - problems: Diagnostics to show at their fields (others are listed at the top).
    ///   - attachments: Files already attached.
    ///   - readOnly: Whether every control is disabled (a submitted application).
    ///   - attachmentURL: Builds a thumbnail's address (unused here; kept on `attachments`).
    /// - Returns: The markup.
    public func render(
        document: JSONValue, problems: [Diagnostic] = [], attachments: [RenderedAttachment] = [], readOnly: Bool = false
    ) -> HTML {
        let placed = place(problems)
        var out: HTML = ""
        out += summary(placed.unplaced, all: problems)
        var context = Context(document: document, messages: placed.byID, readOnly: readOnly)
        for section in children(of: []) {
            out += renderNode(section, instance: [section.key], context: &context)
        }
        out += renderAttachments(attachments, context: context)
        return out
    }

    // MARK: Problems at their places

    /// Diagnostics by the id of the element they belong to, and those with no element.
    public func place(_ problems: [Diagnostic]) -> (byID: [String: [Diagnostic]], unplaced: [Diagnostic]) {
        var byID: [String: [Diagnostic]] = [:]
        var unplaced: [Diagnostic] = []
        let patterns = Set(fields.map(\.pointer))
        for problem in problems where problem.severity == .error {
            if let file = problem.location.file, let range = file.range(of: "data/attachments/") {
                let slot = file[range.upperBound...].split(separator: "/").first.map(String.init) ?? ""
                if form.slots.contains(where: { $0.id == slot }) {
                    byID[Self.attachmentID(slot), default: []].append(problem)
                    continue
                }
            }
            guard let text = problem.location.pointer, let pointer = try? JSONPointer(parsing: text), !pointer.tokens.isEmpty else {
                unplaced.append(problem)
                continue
            }
            var tokens = pointer.tokens
            while !tokens.isEmpty, !patterns.contains(FormFieldDecoder.pattern(tokens)) { tokens.removeLast() }
            if tokens.isEmpty {
                unplaced.append(problem)
            } else {
                byID[Self.controlID(JSONPointer(tokens: tokens).description), default: []].append(problem)
            }
        }
        return (byID, unplaced)
    }

    private func summary(_ unplaced: [Diagnostic], all: [Diagnostic]) -> HTML {
        let errors = all.filter { $0.severity == .error }
        guard !errors.isEmpty else { return "" }
        let items = unplaced.map { problem -> HTML in "<li>\(Self.message(problem, language))</li>" }
        return """
        <div class="summary" role="alert" id="problems"><p>\(text(zh: "有 \(errors.count) 处需要改正，见下方标红的字段。", en: "\(errors.count) problem(s) to fix, marked at their fields below."))</p>\
        \(items.isEmpty ? "" : HTML("<ul>\(items)</ul>"))</div>
        """
    }

    /// A diagnostic's message in both languages, the chosen one first, with its code.
    public static func message(_ problem: Diagnostic, _ language: Language) -> HTML {
        let first = language == .zh ? problem.message.zh : problem.message.en
        let second = language == .zh ? problem.message.en : problem.message.zh
        let firstLang = language == .zh ? "zh-Hans" : "en"
        let secondLang = language == .zh ? "en" : "zh-Hans"
        return "<span lang=\"\(firstLang)\">\(first)</span> <span lang=\"\(secondLang)\">\(second)</span> <code>\(problem.code.rawValue)</code>"
    }

    // MARK: Sections and fields

    private struct Node {
        var key: String
        var field: FormField
    }

    private struct Context {
        var document: JSONValue
        var messages: [String: [Diagnostic]]
        var readOnly: Bool
        var disabled = false
    }

    /// The direct children (in schema order) of a schema pattern.
    private func children(of pattern: [String]) -> [Node] {
        let prefix = pattern.isEmpty ? "/" : "/" + pattern.joined(separator: "/") + "/"
        return fields.compactMap { field in
            guard field.pointer.hasPrefix(prefix) else { return nil }
            let rest = field.pointer.dropFirst(prefix.count)
            guard !rest.isEmpty, !rest.contains("/") else { return nil }
            return Node(key: String(rest), field: field)
        }
    }

    /// Whether a field (or a section all of whose fields are) is set only by a revision kind:
    /// not an input of any page (the kind's own revision writes it; see `Form.kindOwnedFields`).
    private func isKindOwned(_ pattern: String) -> Bool {
        let owned = Set(form.kindOwnedFields.map(\.description))
        guard !owned.isEmpty else { return false }
        if owned.contains(pattern) { return true }
        let leaves = fields.filter { $0.pointer.hasPrefix(pattern + "/") && $0.type != "object" && $0.type != "array" }
        return !leaves.isEmpty && leaves.allSatisfy { owned.contains($0.pointer) }
    }

    private func text(zh: String, en: String) -> String { language == .zh ? zh : en }

    private func label(_ field: FormField) -> String { field.label.text(in: language) }

    private func patternTokens(_ instance: [String]) -> [String] {
        instance.map { !$0.isEmpty && $0.allSatisfy(\.isNumber) ? "*" : $0 }
    }

    private func renderNode(_ node: Node, instance: [String], context: inout Context) -> HTML {
        if isKindOwned(node.field.pointer) { return "" }
        let pointer = JSONPointer(tokens: instance).description
        let saved = context.disabled
        defer { context.disabled = saved }
        var wrapperAttributes: HTML = ""
        if let condition = conditions.revealedWhen[patternPointer(instance)] {
            let shown = condition.holds(in: context.document)
            if !shown { context.disabled = true }
            wrapperAttributes += conditionAttributes("show", condition)
            if !shown { wrapperAttributes += " hidden" }
        }
        let body: HTML
        switch node.field.type {
        case "object":
            body = renderSection(node, instance: instance, pointer: pointer, context: &context)
        case "array":
            body = renderArray(node, instance: instance, pointer: pointer, context: &context)
        default:
            body = renderControl(node.field, pointer: pointer, context: context)
        }
        if wrapperAttributes.rendered.isEmpty { return body }
        return "<div class=\"cond\"\(wrapperAttributes)>\(body)</div>"
    }

    private func patternPointer(_ instance: [String]) -> String {
        JSONPointer(tokens: patternTokens(instance)).description
    }

    private func conditionAttributes(_ kind: String, _ condition: FieldCondition) -> HTML {
        let values = (try? String(decoding: JSONEncoder().encode(condition.values), as: UTF8.self)) ?? "[]"
        return " data-\(kind)-pointer=\"\(condition.pointer)\" data-\(kind)-values=\"\(values)\"\(condition.negated ? HTML(" data-\(kind)-negated=\"true\"") : "")"
    }

    private func renderSection(_ node: Node, instance: [String], pointer: String, context: inout Context) -> HTML {
        let id = Self.controlID(pointer)
        let isTop = instance.count == 1
        var attributes: HTML = ""
        var include: HTML = ""
        if isTop, !rootRequired.contains(node.key) {
            // An optional section: filled in only when the registrar says so.
            let present = context.document.value(at: JSONPointer(tokens: instance)) != nil
            var hidden = false
            if let condition = conditions.hiddenWhen[pointer] {
                attributes += conditionAttributes("hide", condition)
                hidden = condition.holds(in: context.document)
            }
            if let condition = conditions.requiredWhen[pointer] {
                attributes += conditionAttributes("require", condition)
            }
            if hidden { attributes += " hidden" }
            if !present || hidden { context.disabled = true }
            let includeID = "include" + id.dropFirst()
            include = """
            <p class="include"><input type="checkbox" id="\(includeID)" name="include:\(pointer)" value="true" data-include="\(id)"\
            \(present ? HTML(" checked") : "")\(context.readOnly ? HTML(" disabled") : "")> \
            <label for="\(includeID)">\(text(zh: "填写“\(label(node.field))”", en: "Fill in \"\(label(node.field))\""))</label></p>
            """
        }
        var inner: HTML = ""
        for child in children(of: patternTokens(instance)) {
            inner += renderNode(child, instance: instance + [child.key], context: &context)
        }
        let messages = context.messages[id] ?? []
        let tag: HTML = isTop ? "h2" : "h3"
        return """
        <fieldset class="section" id="\(id)" data-pointer="\(pointer)"\(attributes)\(messages.isEmpty ? "" : HTML(" aria-invalid=\"true\" aria-describedby=\"\(id)-msg\""))>\
        <legend><\(tag)>\(label(node.field))\(node.field.required && !isTop ? HTML(" <span class=\"req\" aria-hidden=\"true\">*</span>") : "")</\(tag)></legend>\
        \(include)\(messageElement(id, messages))<div class="fields">\(inner)</div></fieldset>
        """
    }

    private func renderArray(_ node: Node, instance: [String], pointer: String, context: inout Context) -> HTML {
        let id = Self.controlID(pointer)
        let items = context.document.value(at: JSONPointer(tokens: instance))?.arrayValue ?? []
        let minimum = max(node.field.minItems ?? 0, 1)
        let count = max(items.count, minimum)
        let maximum = node.field.maxItems ?? 50
        let itemField = fields.first { $0.pointer == patternPointer(instance + ["0"]) }
        func item(_ index: String, context: inout Context) -> HTML {
            var inner: HTML = ""
            for child in children(of: patternTokens(instance + ["0"])) {
                inner += renderNode(child, instance: instance + [index, child.key], context: &context)
            }
            let itemPointer = pointer + "/" + index
            let itemLabel = itemField.map(label) ?? label(node.field)
            return """
            <fieldset class="item" data-index="\(index)" id="\(Self.controlID(itemPointer))"><legend><h3>\(itemLabel) \(index == "__I__" ? "__N__" : String((Int(index) ?? 0) + 1))</h3></legend>\
            <div class="fields">\(inner)</div>\
            \(context.readOnly ? "" : HTML("<button type=\"button\" class=\"remove\" data-remove>\(text(zh: "删除这一项", en: "Remove this one"))</button>"))</fieldset>
            """
        }
        var list: HTML = ""
        for index in 0..<count { list += item(String(index), context: &context) }
        var templateContext = Context(document: .object(JSONObject()), messages: [:], readOnly: false, disabled: false)
        let template = item("__I__", context: &templateContext)
        let messages = context.messages[id] ?? []
        return """
        <fieldset class="repeat" id="\(id)" data-array="\(pointer)" data-min="\(minimum)" data-max="\(maximum)"\
        \(messages.isEmpty ? "" : HTML(" aria-invalid=\"true\" aria-describedby=\"\(id)-msg\""))>\
        <legend><h3>\(label(node.field))</h3></legend>\(messageElement(id, messages))\
        <div class="items">\(list)</div>\
        \(context.readOnly ? "" : HTML("<template>\(template)</template><button type=\"button\" class=\"add\" data-add>\(text(zh: "再添一项", en: "Add another"))</button>"))</fieldset>
        """
    }

    private func messageElement(_ id: String, _ messages: [Diagnostic]) -> HTML {
        var parts: HTML = ""
        for (index, message) in messages.enumerated() {
            if index > 0 { parts += "<br>" }
            parts += Self.message(message, language)
        }
        return "<p class=\"msg\" id=\"\(id)-msg\" aria-live=\"polite\">\(parts)</p>"
    }

    private func renderControl(_ field: FormField, pointer: String, context: Context) -> HTML {
        let id = Self.controlID(pointer)
        let value = context.document.value(at: (try? JSONPointer(parsing: pointer)) ?? .root)
        let current = value.map(FieldCondition.text) ?? ""
        let messages = context.messages[id] ?? []
        var common: HTML = " id=\"\(id)\" name=\"\(pointer)\""
        if field.required { common += " aria-required=\"true\"" }
        if !messages.isEmpty { common += " aria-invalid=\"true\" aria-describedby=\"\(id)-msg\"" }
        if context.readOnly || context.disabled { common += " disabled" }
        if !context.readOnly, let limits = conditions.limits[pointer] {
            let rules = (try? String(decoding: JSONEncoder().encode(limits), as: UTF8.self)) ?? "[]"
            common += " data-limits=\"\(rules)\""
        }
        let last = pointer.split(separator: "/").last.map(String.init) ?? ""
        let control: HTML
        if let options = field.options, !options.isEmpty {
            var list: [String] = options
            if !current.isEmpty, !list.contains(current) { list.append(current) }
            let choices = list.map { option -> HTML in
                "<option value=\"\(option)\"\(option == current ? HTML(" selected") : "")>\(option)</option>"
            }
            control = "<select\(common)><option value=\"\">\(text(zh: "请选择", en: "Choose"))</option>\(choices)</select>"
        } else if field.type == "boolean" {
            let choices: [(String, String)] = [("true", text(zh: "是", en: "Yes")), ("false", text(zh: "否", en: "No"))]
            let options = choices.map { choice -> HTML in
                "<option value=\"\(choice.0)\"\(choice.0 == current ? HTML(" selected") : "")>\(choice.1)</option>"
            }
            control = "<select\(common)><option value=\"\">\(text(zh: "请选择", en: "Choose"))</option>\(options)</select>"
        } else if let constant = field.constant {
            let checked = value != nil && value == constant
            control = "<input type=\"checkbox\"\(common) value=\"\(FieldCondition.text(constant))\"\(checked ? HTML(" checked") : "")>"
        } else if field.format == "date", field.alternatives == nil {
            control = "<input type=\"date\"\(common) value=\"\(current)\">"
        } else if let suggestions = field.suggestions ?? field.alternatives, !suggestions.isEmpty {
            // Values that hold only under a condition (one district's schools), or fixed texts
            // besides a date: typed, with the values offered.
            let listID = id + "-list"
            let options = suggestions.map { option -> HTML in "<option value=\"\(option)\"></option>" }
            let placeholder = field.format == "date" ? HTML(" placeholder=\"YYYY-MM-DD\" inputmode=\"numeric\"") : ""
            control = "<input type=\"text\" list=\"\(listID)\"\(placeholder)\(common) value=\"\(current)\"><datalist id=\"\(listID)\">\(options)</datalist>"
        } else if field.format == "cn-mobile" || last.lowercased().hasSuffix("phone") {
            control = "<input type=\"tel\" inputmode=\"tel\" autocomplete=\"off\"\(common) value=\"\(current)\">"
        } else if last.hasSuffix("idNumber") || last.hasSuffix("IdNumber") || last == "number" || field.format == "cn-resident-id" {
            control = "<input type=\"text\" inputmode=\"text\" autocapitalize=\"characters\" spellcheck=\"false\" autocomplete=\"off\"\(common) value=\"\(current)\">"
        } else {
            control = "<input type=\"text\"\(common) value=\"\(current)\">"
        }
        let mark: HTML = field.required ? " <span class=\"req\" aria-hidden=\"true\">*</span>" : ""
        let isCheckbox = field.constant != nil
        return """
        <div class="field\(isCheckbox ? " check" : "")\(messages.isEmpty ? "" : " invalid")">\
        \(isCheckbox ? control : "")<label for="\(id)">\(label(field))\(mark)</label>\(isCheckbox ? "" : control)\
        \(messageElement(id, messages))</div>
        """
    }

    // MARK: Attachments

    private func renderAttachments(_ attachments: [RenderedAttachment], context: Context) -> HTML {
        guard !form.slots.isEmpty else { return "" }
        var slots: HTML = ""
        for slot in form.slots {
            let id = Self.attachmentID(slot.id)
            let messages = context.messages[id] ?? []
            let present = attachments.filter { $0.slot == slot.id }
            let accept = slot.mediaTypes.map(\.rawValue).joined(separator: ",")
            var attributes: HTML = " id=\"\(id)\" name=\"attachment:\(slot.id)\" accept=\"\(accept.isEmpty ? "image/*" : accept)\" capture=\"environment\""
            if slot.maxCount > 1 { attributes += " multiple" }
            if slot.required { attributes += " aria-required=\"true\"" }
            if !messages.isEmpty { attributes += " aria-invalid=\"true\" aria-describedby=\"\(id)-msg\"" }
            if context.readOnly { attributes += " disabled" }
            var hint = slot.mediaTypes.map { $0.fileExtension.uppercased() }.joined(separator: "/")
            if let size = slot.pixelSize { hint += " \(size.width)×\(size.height)" }
            hint += text(zh: "，每个不超过 \(slot.maxBytes >> 20) MiB", en: ", at most \(slot.maxBytes >> 20) MiB each")
            if slot.maxCount != Int.max { hint += text(zh: "，最多 \(slot.maxCount) 个", en: ", up to \(slot.maxCount) files") }
            let thumbs = present.map { file -> HTML in
                let removeID = id + "-remove-" + file.name.filter { $0.isLetter || $0.isNumber }
                return """
                <li><img src="\(file.url)" alt="\(slot.label.text(in: language)) \(file.name)">\
                \(context.readOnly ? "" : HTML("<input type=\"checkbox\" id=\"\(removeID)\" name=\"remove:\(slot.id)/\(file.name)\" value=\"true\"> <label for=\"\(removeID)\">\(text(zh: "删除", en: "Remove"))</label>"))</li>
                """
            }
            if context.readOnly {
                // A submitted application's photos are shown, not offered for replacing.
                let none: HTML = present.isEmpty ? HTML("<p class=\"hint\">\(text(zh: "未附", en: "None attached"))</p>") : ""
                slots += """
                <div class="field attachment" id="\(id)"><p class="slot-name">\(slot.label.text(in: language))</p>\
                \(none)<ul class="thumbs">\(thumbs)</ul></div>
                """
                continue
            }
            slots += """
            <div class="field attachment\(messages.isEmpty ? "" : " invalid")">\
            <label for="\(id)">\(slot.label.text(in: language))\(slot.required ? HTML(" <span class=\"req\" aria-hidden=\"true\">*</span>") : "")</label>\
            <input type="file"\(attributes)><p class="hint">\(hint)</p>\
            <ul class="thumbs" data-thumbs="\(id)">\(thumbs)</ul>\(messageElement(id, messages))</div>
            """
        }
        return """
        <fieldset class="section" id="attachments"><legend><h2>\(text(zh: "证件照片", en: "Document photos"))</h2></legend>\
        <div class="fields">\(slots)</div></fieldset>
        """
    }
}
