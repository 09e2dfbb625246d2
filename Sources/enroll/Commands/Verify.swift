import ArgumentParser
import EnrollCore

extension Enroll {
    /// `enroll verify PATH... --trust DIR`.
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "verify", 
            abstract: "Check bundles' integrity and that a trusted, unrevoked station key signed them. 核验签名。",
            discussion: "PATH is a bundle, a directory holding bundles, or a transfer archive (checked while streaming, never unpacked). Bundles are checked on --jobs threads and reported in input order. Exit 0 only if everything is intact and signed by a trusted key."
        )

        @OptionGroup var common: CommonOptions
        @OptionGroup var limits: LimitOptions
        @OptionGroup var jobs: JobsOption
        @OptionGroup var identity: IdentityOption
        @OptionGroup var report: ReportOption

        @Option(name: .long, help: "Directory of trusted station .pub keys (and revoked.txt).")
        var trust: String

        @Argument(help: "Bundles, directories of bundles, or transfer archives.")
        var paths: [String]

        func run() async throws {
            try reportingErrors(common) {
                let store = try TrustStore(directory: trust)
                let run = ValidationRun(
                    verifier: BundleVerifier(trust: store), scanner: ArchiveScanner(trust: store, limits: limits.archiveLimits, identities: try identity.identities()), jobs: jobs.jobs)
                if !(try CheckPrinting.run(run, paths: paths, common: common, report: report)) { throw ExitCode(1) }
            }
        }
    }
}
