import ArgumentParser
import EnrollCore

extension Enroll {
    /// `enroll export json|csv|xlsx|bundle`.
    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "export", 
            abstract: "Export applications as JSON, CSV or an Excel workbook, or a stored bundle byte for byte. 导出。",
            subcommands: [JSON.self, CSV.self, XLSX.self, Bundle.self]
        )

        struct JSON: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "json", abstract: "The current applications as a JSON array.")
            @OptionGroup var options: ApplicationExportOptions

            func run() async throws {
                // Streamed from the store: memory does not grow with the number of applications.
                try reportingErrors(language: options.messages.language, format: .text) {
                    let output = try StreamedOutput.to(options.out)
                    try ApplicationExport.writeJSON(from: try options.storeOptions.open(), masked: options.mask, to: output)
                    try output.commit()
                }
            }
        }

        struct CSV: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "csv", abstract: "The current applications as CSV (UTF-8 with BOM, CRLF) for Excel.")
            @OptionGroup var options: ApplicationExportOptions

            func run() async throws { try options.export(ApplicationExport.csv) }
        }

        struct XLSX: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "xlsx",
                abstract: "The applications as an Excel workbook: one sheet per form, one per admitting school. 导出 Excel。",
                discussion: """
                    Headed with the forms' own labels; ID numbers and phones are text cells (all 18 digits kept), \
                    dates are dates, the header row is frozen and filtered. Streamed from the store: memory does not \
                    grow with the number of applications.
                    """)
            @OptionGroup var messages: MessageLanguage
            @OptionGroup var storeOptions: StoreOptions
            @OptionGroup var schemaOptions: FormSchemaOptions
            @Option(name: .long, help: "The .xlsx file to create (it must not exist).") var out: String
            @Flag(name: .long, help: "Mask ID numbers, phones and dates (for sharing).") var mask = false
            @Option(name: .long, help: "Only this status: received, verified, rejected, admitted, withdrawn.") var status: ApplicationStatus?
            @Option(name: .long, help: "Only this form (its id).") var form: String?
            @Option(name: .long, help: "Language of the headers and statuses: zh (default) or en.") var headers: Language = .zh

            func run() async throws {
                try reportingErrors(language: messages.language, format: .text) {
                    let sheets = try ApplicationWorkbook.write(
                        from: storeOptions.open(), catalog: schemaOptions.catalog(), to: out,
                        options: ApplicationWorkbook.Options(masked: mask, status: status, form: form, language: headers))
                    for sheet in sheets {
                        Terminal.out(messages.language == .zh ? "工作表“\(sheet.name)”：\(sheet.rows) 行" : "Sheet \"\(sheet.name)\": \(sheet.rows) rows")
                    }
                    Terminal.out(messages.language == .zh ? "已写入 \(out)。" : "Wrote \(out).")
                }
            }
        }

        struct Bundle: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "bundle", abstract: "Write a stored revision as its original signed bundle, byte for byte.")
            @OptionGroup var common: CommonOptions
            @OptionGroup var storeOptions: StoreOptions
            @Argument(help: "Application id (or prefix) or collection number.") var application: String
            @Option(name: .long, help: "The revision (default: the current one).") var rev: Int?
            @Option(name: .long, help: "The bundle directory to create.") var out: String

            func run() async throws {
                try reportingErrors(common) {
                    let digest = try storeOptions.open().exportBundle(application, revision: rev, to: out)
                    Terminal.out(common.language == .zh ? "已导出申请包到 \(out)（tagmanifest \(digest.prefix(16))…）" : "Exported the bundle to \(out) (tag manifest \(digest.prefix(16))…)")
                }
            }
        }
    }
}

/// What every export of the applications takes: the store, where to write, and masking.
struct ApplicationExportOptions: ParsableArguments {
    @OptionGroup var messages: MessageLanguage
    @OptionGroup var storeOptions: StoreOptions
    @Option(name: .long, help: "Write to FILE instead of standard output.") var out: String?
    @Flag(name: .long, help: "Mask ID numbers and phones (for sharing).") var mask = false

    /// Renders the store's applications with `render` and writes them out.
    func export(_ render: ([ExportRow], Bool) -> String) throws {
        try reportingErrors(language: messages.language, format: .text) {
            try Terminal.emit(render(try storeOptions.open().exportRows(), mask), to: out)
        }
    }
}
