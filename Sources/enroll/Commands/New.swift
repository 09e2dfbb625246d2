import ArgumentParser
import EnrollCore

extension Enroll {
    /// `enroll new`: make revision 1 of an application bundle.
    struct New: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "new", 
            abstract: "Make a new application bundle from form data and document photos. 新建申请包。"
        )

        @OptionGroup var common: CommonOptions
        @OptionGroup var schemaOptions: FormSchemaOptions
        @OptionGroup var signing: SigningOptions
        @OptionGroup var records: StationRecordOption
        @OptionGroup var submissionOptions: SubmissionOptions

        @Option(name: .long, help: "The form id (see enroll forms list).")
        var form: String

        @Option(name: .long, help: "The form data (UTF-8 JSON).")
        var data: String

        @Option(name: .long, help: "An attachment as SLOT=FILE; repeat for more.")
        var attach: [String] = []

        @Option(name: .long, help: "The bundle directory to create.")
        var out: String

        func run() async throws {
            try reportingErrors(common) {
                let attachments = try attach.map(AttachmentInput.init(parsing:))
                let catalog = try schemaOptions.catalog()
                let entry = try catalog.form(form)
                let signer = try signing.signer()
                let operations = BundleOperations()
                // The clock first: a malformed ENROLL_NOW is refused before anything is written.
                let submission = try submissionOptions.submission()
                try operations.create(form: entry.id, formVersion: entry.version, data: data, attachments: attachments, directory: out)
                let finished = try operations.finish(out, validator: ApplicationValidator(catalog: catalog, trust: nil), signer: signer, submission: submission,
                    numbering: signer.flatMap { records.numbering(station: $0.station, catalog: catalog) })
                if finished.isSigned { try records.record(out, finished.header, catalog: catalog) }
                BundleMessages.finished(finished, common)
            }
        }
    }
}
