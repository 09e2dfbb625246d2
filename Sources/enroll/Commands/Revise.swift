import ArgumentParser
import EnrollCore

extension Enroll {
    /// `enroll revise BUNDLE [--kind KIND] [--data FILE] [--set POINTER=VALUE ...] [--attach ...] --out DIR`.
    struct Revise: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "revise", 
            abstract: "Make the next revision of an application, chained to the previous one. 修改申请（新版本）。",
            discussion: """
                Basic information given at registration (the child's ID type and number, birth date, the application \
                district) never changes (form.immutable-field). Harbin's 修改学生姓名 and 修改填报学校 are revisions of \
                their own: --kind name-change --set /student/name=NAME, --kind school-change --set /application/school=SCHOOL. \
                Beijing 2025's 去授权 / 取消授权 (the legal guardians' right to view the registration and handle the \
                enrollment): --kind authorization, --kind authorization-revoked; the status and decision stay.
                注册时填写的基本信息不能修改；修改学生姓名、修改填报学校、去授权、取消授权请用 --kind。
                """
        )

        @OptionGroup var common: CommonOptions
        @OptionGroup var schemaOptions: FormSchemaOptions
        @OptionGroup var signing: SigningOptions
        @OptionGroup var records: StationRecordOption
        @OptionGroup var submissionOptions: SubmissionOptions

        @Argument(help: "The latest signed revision's bundle.")
        var bundle: String

        @Option(name: .long, help: "The new form data (default: keep the previous).")
        var data: String?

        @Option(name: .long, help: "The revision's kind: application (a plain revision), name-change, school-change, authorization, authorization-revoked.")
        var kind: BundleKind = .application

        @Option(name: .long, help: "Set a field to a text value, POINTER=VALUE (e.g. /student/name=张小明); repeat for more.")
        var set: [String] = []

        @Option(name: .long, help: "Replace a slot's attachments with SLOT=FILE; repeat for more.")
        var attach: [String] = []

        @Option(name: .long, help: "The bundle directory to create.")
        var out: String

        func run() async throws {
            try reportingErrors(common) {
                let attachments = try attach.map(AttachmentInput.init(parsing:))
                let settings = try set.map(FieldSetting.init(parsing:))
                let signer = try signing.signer()
                let catalog = try schemaOptions.catalog()
                let validator = ApplicationValidator(catalog: catalog, trust: nil)
                let operations = BundleOperations()
                let rules = try BundleVerifier(trust: nil).verify(directory: bundle).header.map { try RevisionRules(form: catalog.form($0.form)) }
                // The clock first: a malformed ENROLL_NOW is refused before anything is written.
                let submission = try submissionOptions.submission()
                try operations.revise(bundle, data: data, attachments: attachments, directory: out, kind: kind, settings: settings, rules: rules)
                let finished = try operations.finish(out, validator: validator, signer: signer, submission: submission,
                    numbering: signer.flatMap { records.numbering(station: $0.station, catalog: catalog) })
                if finished.isSigned { try records.record(out, finished.header, catalog: catalog) }
                BundleMessages.finished(finished, common)
            }
        }
    }
}

extension BundleKind: ExpressibleByArgument {}
