import ArgumentParser
import EnrollCore
import Foundation
import JSONSchema

extension Enroll {
    /// `enroll forms`: the forms this installation knows.
    struct Forms: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List and describe the application forms. 查看表单。",
            subcommands: [List.self, Show.self]
        )
    }
}

extension Enroll.Forms {
    /// `enroll forms list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the known forms. 列出表单。")

        @OptionGroup var common: CommonOptions
        @OptionGroup var schemaOptions: FormSchemaOptions

        func run() async throws {
            try reportingErrors(common) {
                let catalog = try schemaOptions.catalog()
                let forms = try catalog.allForms()
                if common.format != .text {
                    Terminal.json(forms.map { ["id": $0.id, "version": $0.version, "label": $0.label.text(in: common.language), "region": $0.region] })
                } else {
                    for form in forms { Terminal.out("\(form.id)  \(form.version)  \(form.label.text(in: common.language))") }
                }
            }
        }
    }

    /// `enroll forms show FORM`.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a form's sections, fields, slots and rules. 查看表单详情。")

        @OptionGroup var common: CommonOptions
        @OptionGroup var schemaOptions: FormSchemaOptions

        @Argument(help: "The form id.")
        var form: String

        func run() async throws {
            try reportingErrors(common) {
                let form = try schemaOptions.catalog().form(form)
                let description = FormDescription(form)
                if common.format != .text {
                    Terminal.json(description)
                } else {
                    description.print(common.language)
                }
            }
        }
    }
}

/// A form described for people and scripts.
struct FormDescription: Encodable {
    struct Field: Encodable {
        var pointer: String
        var label: LocalizedText
        var required: Bool
        var type: String?
        var options: [String]?
        var format: String?
    }
    struct Slot: Encodable {
        var id: String
        var label: LocalizedText
        var required: String
        var count: String
        var mediaTypes: [String]
        var maxBytes: Int64
        var pixelSize: String?
    }
    struct Rule: Encodable {
        var id: String
        var rule: String
        var label: LocalizedText
        var conditional: Bool
    }

    var id: String
    var version: String
    var label: LocalizedText
    var fields: [Field]
    var attachments: [Slot]
    var rules: [Rule]
    var crossApplicationRules: [Rule]

    init(_ form: Form) {
        id = form.id
        version = form.version
        label = form.label
        fields = form.fieldList().map {
            Field(pointer: $0.pointer, label: $0.label, required: $0.required, type: $0.type, options: $0.options, format: $0.format)
        }
        attachments = form.slots.map { slot in
            Slot(id: slot.id, label: slot.label,
                 required: slot.required ? "always" : (slot.requiredIf != nil ? "conditional" : "optional"),
                 count: slot.maxCount == Int.max ? "\(slot.minCount)+" : "\(slot.minCount)–\(slot.maxCount)",
                 mediaTypes: slot.mediaTypes.map(\.rawValue), maxBytes: slot.maxBytes,
                 pixelSize: slot.pixelSize.map { "\($0.width)x\($0.height)" })
        }
        rules = form.rules.map { Rule(id: $0.id, rule: $0.rule, label: $0.label, conditional: $0.when != nil) }
        crossApplicationRules = form.crossApplicationRules.map { Rule(id: $0.id, rule: $0.rule, label: $0.label, conditional: false) }
    }

    func print(_ language: Language) {
        Terminal.out("\(id)  \(version)  \(label.text(in: language))")
        Terminal.out(language == .zh ? "\n字段：" : "\nFields:")
        for field in fields {
            let depth = field.pointer.split(separator: "/").count - 1
            let mark = field.required ? "*" : " "
            var extra = field.type ?? ""
            if let format = field.format { extra += " (\(format))" }
            if let options = field.options { extra += " [" + options.prefix(6).joined(separator: "|") + (options.count > 6 ? "|…" : "") + "]" }
            Terminal.out(String(repeating: "  ", count: depth) + "\(mark) \(field.label.text(in: language))  \(field.pointer)  \(extra)")
        }
        Terminal.out(language == .zh ? "\n附件：" : "\nAttachments:")
        for slot in attachments {
            Terminal.out("  \(slot.id)  \(slot.label.text(in: language))  \(slot.required)  \(slot.count)  \(slot.mediaTypes.joined(separator: ","))\(slot.pixelSize.map { "  \($0)" } ?? "")")
        }
        Terminal.out(language == .zh ? "\n规则：" : "\nRules:")
        for rule in rules + crossApplicationRules {
            Terminal.out("  \(rule.id)  \(rule.rule)  \(rule.label.text(in: language))")
        }
    }
}
