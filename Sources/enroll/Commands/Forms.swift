import ArgumentParser
import EnrollCore
import Foundation
import JSONSchema

extension Enroll {
    /// `enroll forms`: the forms this installation knows.
    struct Forms: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "forms", 
            abstract: "List and describe the application forms. 查看表单。",
            subcommands: [List.self, Show.self]
        )
    }
}

extension Enroll.Forms {
    /// `enroll forms list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the known forms. 列出表单。")

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
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a form's sections, fields, slots and rules. 查看表单详情。")

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

extension FormDescription {
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
