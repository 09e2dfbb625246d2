import ArgumentParser
import EnrollCore

extension Enroll {
    /// `enroll sign BUNDLE --key FILE`.
    struct Sign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "sign", 
            abstract: "Sign a bundle with the station's key: it becomes a submitted application. 签名提交申请包。",
            discussion: """
                A bundle that fails its form is refused: an unsigned bundle is a draft (暂存), a signed one is submitted. \
                Outside the form's collection window it is refused unless --late-reason says why. The signing time \
                (Enroll-Signed-At) comes from the clock, which ENROLL_NOW=2024-06-05T10:00:00+08:00 sets for training and tests.
                """
        )

        @OptionGroup var common: CommonOptions
        @OptionGroup var schemaOptions: FormSchemaOptions
        @OptionGroup var signing: StationKeyOptions
        @OptionGroup var records: StationRecordOption
        @OptionGroup var submissionOptions: SubmissionOptions

        @Argument(help: "The bundle directory.")
        var bundle: String

        func run() async throws {
            try reportingErrors(common) {
                let signer = try signing.signer()
                let catalog = try schemaOptions.catalog()
                let validator = ApplicationValidator(catalog: catalog, trust: nil)
                let submission = try submissionOptions.submission()
                let header = try BundleOperations().sign(
                    bundle, key: signer.key, station: signer.station, submission: submission,
                    check: { verification in
                        try validator.contentDiagnostics(verification, directory: bundle)
                            + (verification.header.map { validator.submissionDiagnostics($0, submission, file: bundle) } ?? [])
                    },
                    numbering: records.numbering(station: signer.station, catalog: catalog),
                    notices: { (try? catalog.form($0.form))?.notices ?? [] })
                try records.record(bundle, header, catalog: catalog)
                BundleMessages.signed(bundle, header, station: signer.station, keyID: signer.key.keyID, common)
            }
        }
    }
}
