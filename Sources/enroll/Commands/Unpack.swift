import ArgumentParser
import EnrollCore

extension Enroll {
    /// `enroll unpack FILE --out DIR`.
    struct Unpack: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "unpack", 
            abstract: "Restore a transfer archive's bundles as directories, byte for byte. 解包。",
            discussion: "The archive is checked first; if anything is wrong nothing is written (exit 1). Extraction and checks run on --jobs threads; an archive enroll packed is extracted in that many parts."
        )

        @OptionGroup var common: CommonOptions
        @OptionGroup var limits: LimitOptions
        @OptionGroup var jobs: JobsOption
        @OptionGroup var identity: IdentityOption

        @Option(name: .long, help: "The directory to restore the bundles into.")
        var out: String

        @Option(name: .long, help: "Directory of trusted .pub keys; with it, signatures must verify too.")
        var trust: String?

        @Argument(help: "The transfer archive.")
        var archive: String

        func run() async throws {
            try reportingErrors(common) {
                let store = try trust.map { try TrustStore(directory: $0) }
                let written = try Unpacker(
                    trust: store, limits: limits.archiveLimits, jobs: jobs.jobs, identities: try identity.identities()).unpack(archive, to: out)
                if common.format != .text {
                    Terminal.json(["bundles": written])
                } else {
                    for path in written { Terminal.out(path) }
                    Terminal.out(common.language == .zh ? "已解出 \(written.count) 个申请包。" : "Restored \(written.count) bundles.")
                }
            }
        }
    }
}
