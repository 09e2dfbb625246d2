import ArgumentParser
import EnrollCore
import Foundation

extension Enroll {
    /// `enroll validate BUNDLE... [--trust DIR]`: the full check of applications.
    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate application bundles: integrity, signature, form data, rules, attachments. 校验申请。",
            discussion: "PATH is a bundle or a directory holding bundles. Exit 0 all valid, 1 any invalid, 2 usage or I/O error."
        )

        @OptionGroup var common: CommonOptions
        @OptionGroup var schemaOptions: FormSchemaOptions

        @Option(name: .long, help: "Directory of trusted station .pub keys; without it signatures are not checked.")
        var trust: String?

        @Argument(help: "Bundles or directories of bundles.")
        var paths: [String]

        func run() async throws {
            try reportingErrors(common) {
                let validator = ApplicationValidator(
                    catalog: try FormCatalog(directory: schemaOptions.schemas),
                    trust: try trust.map { try TrustStore(directory: $0) })
                let results = try BundleDiscovery.bundles(in: paths).map { try validator.validate(directory: $0) }
                printBundleResults(results, common)
                if results.contains(where: { !$0.isValid }) { throw ExitCode(1) }
            }
        }
    }
}
