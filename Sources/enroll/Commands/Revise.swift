import ArgumentParser
import EnrollCore

extension Enroll {
    /// `enroll revise BUNDLE --data FILE [--attach ...] --out DIR`.
    struct Revise: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make the next revision of an application, chained to the previous one. 修改申请（新版本）。"
        )

        @OptionGroup var common: CommonOptions
        @OptionGroup var schemaOptions: FormSchemaOptions
        @OptionGroup var signing: SigningOptions
        @OptionGroup var records: StationRecordOption

        @Argument(help: "The latest signed revision's bundle.")
        var bundle: String

        @Option(name: .long, help: "The new form data (default: keep the previous).")
        var data: String?

        @Option(name: .long, help: "Replace a slot's attachments with SLOT=FILE; repeat for more.")
        var attach: [String] = []

        @Option(name: .long, help: "The bundle directory to create.")
        var out: String

        func run() async throws {
            try reportingErrors(common) {
                let attachments = try attach.map(AttachmentInput.init(parsing:))
                let signer = try signing.signer()
                let catalog = try schemaOptions.catalog()
                let validator = ApplicationValidator(catalog: catalog, trust: nil)
                let operations = BundleOperations()
                try operations.revise(bundle, data: data, attachments: attachments, directory: out)
                let finished = try operations.finish(out, validator: validator, signer: signer)
                if finished.isSigned { try records.record(out, finished.header, catalog: catalog) }
                BundleMessages.finished(finished, common)
            }
        }
    }
}
