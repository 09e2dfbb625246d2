import ArgumentParser
import EnrollCore

extension Enroll {
    /// `enroll validate PATH... [--trust DIR]`: the full check of applications.
    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "validate", 
            abstract: "Validate application bundles: integrity, signature, form data, rules, attachments. 校验申请。",
            discussion: "PATH is a bundle, any directory tree holding bundles, or a transfer archive (checked while streaming), mixed in one run. Every bundle gets every error; a broken bundle or corrupt archive is reported and the run goes on. Bundles are checked on --jobs threads and reported in input order. --format json gives the report scripts read, junit one CI systems read. Exit 0 all valid, 1 any invalid, 2 usage or I/O error."
        )

        @OptionGroup var common: CommonOptions
        @OptionGroup var schemaOptions: FormSchemaOptions
        @OptionGroup var limits: LimitOptions
        @OptionGroup var jobs: JobsOption
        @OptionGroup var identity: IdentityOption
        @OptionGroup var report: ReportOption

        @Option(name: .long, help: "Directory of trusted station .pub keys; without it signatures are not checked.")
        var trust: String?

        @Argument(help: "Bundles, directories of bundles, or transfer archives.")
        var paths: [String]

        func run() async throws {
            try reportingErrors(common) {
                let store = try trust.map { try TrustStore(directory: $0) }
                let validator = ApplicationValidator(catalog: try schemaOptions.catalog(), trust: store)
                let run = ValidationRun(
                    validator: validator, scanner: ArchiveScanner(trust: store, limits: limits.archiveLimits, identities: try identity.identities()), jobs: jobs.jobs)
                if !(try CheckPrinting.run(run, paths: paths, common: common, report: report)) { throw ExitCode(1) }
            }
        }
    }
}
