import ArgumentParser
import EnrollCore
import Foundation

extension Enroll {
    /// `enroll validate PATH... [--trust DIR]`: the full check of applications.
    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate application bundles: integrity, signature, form data, rules, attachments. 校验申请。",
            discussion: "PATH is a bundle, any directory tree holding bundles, or a transfer archive (checked while streaming), mixed in one run. Every bundle gets every error; a broken bundle or corrupt archive is reported and the run goes on. --format json gives the report scripts read, junit one CI systems read. Exit 0 all valid, 1 any invalid, 2 usage or I/O error."
        )

        @OptionGroup var common: CommonOptions
        @OptionGroup var schemaOptions: FormSchemaOptions
        @OptionGroup var limits: LimitOptions
        @OptionGroup var runOptions: RunOptions

        @Option(name: .long, help: "Directory of trusted station .pub keys; without it signatures are not checked.")
        var trust: String?

        @Argument(help: "Bundles, directories of bundles, or transfer archives.")
        var paths: [String]

        func run() async throws {
            try reportingErrors(common) {
                let store = try trust.map { try TrustStore(directory: $0) }
                let validator = ApplicationValidator(catalog: try FormCatalog(directory: schemaOptions.schemas), trust: store)
                let run = CheckRun.run(
                    try BundleDiscovery.targets(in: paths), verifier: validator.verifier, validator: validator,
                    scanner: ArchiveScanner(trust: store, limits: limits.archiveLimits), common: common, options: runOptions)
                try run.finish(common, runOptions)
                if !run.isValid { throw ExitCode(1) }
            }
        }
    }
}
