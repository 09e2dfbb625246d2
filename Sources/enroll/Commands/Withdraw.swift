import ArgumentParser
import EnrollCore

extension Enroll {
    /// `enroll withdraw BUNDLE --out DIR`.
    struct Withdraw: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "withdraw", 
            abstract: "Make the withdrawal revision of an application. 撤销申请。"
        )

        @OptionGroup var common: CommonOptions
        @OptionGroup var schemaOptions: FormSchemaOptions
        @OptionGroup var signing: SigningOptions
        @OptionGroup var records: StationRecordOption

        @Argument(help: "The latest signed revision's bundle.")
        var bundle: String

        @Option(name: .long, help: "Why the family withdraws.")
        var reason: String = ""

        @Option(name: .long, help: "The bundle directory to create.")
        var out: String

        func run() async throws {
            try reportingErrors(common) {
                let signer = try signing.signer()
                let catalog = try schemaOptions.catalog()
                let validator = ApplicationValidator(catalog: catalog, trust: nil)
                let operations = BundleOperations()
                try operations.withdraw(bundle, reason: reason, directory: out)
                let finished = try operations.finish(out, validator: validator, signer: signer)
                if finished.isSigned { try records.record(out, finished.header, catalog: catalog) }
                BundleMessages.finished(finished, common)
            }
        }
    }
}
