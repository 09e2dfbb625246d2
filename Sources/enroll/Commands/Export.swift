import ArgumentParser
import EnrollCore

extension Enroll {
    /// `enroll export json|csv|bundle`.
    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export applications as JSON or CSV (opens in Excel), or a stored bundle byte for byte. 导出。",
            subcommands: [JSON.self, CSV.self, Bundle.self]
        )

        struct JSON: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "json", abstract: "The current applications as a JSON array.")
            @OptionGroup var options: ApplicationExportOptions

            func run() async throws { try options.export(ApplicationExport.json) }
        }

        struct CSV: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "csv", abstract: "The current applications as CSV (UTF-8 with BOM, CRLF) for Excel.")
            @OptionGroup var options: ApplicationExportOptions

            func run() async throws { try options.export(ApplicationExport.csv) }
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
