import ArgumentParser
import EnrollCore

extension TransferFormat: ExpressibleByArgument {}

extension Enroll {
    /// `enroll pack PATH... --out FILE --key STATION.sec`.
    struct Pack: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Pack the day's signed bundles into one transfer archive for a USB stick. 打包转运。",
            discussion: "Only intact, signed bundles go in; the others are named and refused (exit 1). The station's key signs batch.txt; zstd compresses on --jobs threads. The archive is written to a temporary file, fsynced and renamed; an existing file is never overwritten."
        )

        @OptionGroup var languageOption: LanguageOption
        @OptionGroup var signing: StationKeyOptions
        @OptionGroup var jobs: JobsOption

        @Option(name: .long, help: "The archive to create.")
        var out: String

        @Option(name: .long, help: "Archive format: tar.zst (default), tar.gz or zip.")
        var format: TransferFormat = .tarZstd

        @Option(name: .long, help: "Directory of other stations' .pub keys whose bundles may be packed here.")
        var trust: String?

        @Argument(help: "Bundles or directories holding bundles.")
        var paths: [String]

        func run() async throws {
            let common = languageOption.common
            let result = try reportingErrors(common) { () throws -> PackResult in
                let signer = try signing.signer()
                let packer = try Packer(
                    key: signer.key, station: signer.station, extraTrust: try trust.map { try TrustStore(directory: $0) }, jobs: jobs.jobs)
                let bar = ProgressBar(enabled: common.format == .text)
                defer { bar.finish() }
                return try packer.pack(bundles: try BundleDiscovery.bundles(in: paths), to: out, format: format) { done, total in
                    bar.update(done, total)
                }
            }
            let language = common.language
            if common.format != .text {
                struct Refused: Encodable { var path: String; var errors: [DiagnosticJSON] }
                struct Output: Encodable { var archive: String?; var packed: Int; var bytes: Int64; var refused: [Refused] }
                Terminal.json(Output(
                    archive: result.archive, packed: result.packed.count, bytes: result.bytes,
                    refused: result.refused.map { Refused(path: $0.source, errors: $0.problems.map { DiagnosticJSON($0, language) }) }))
            } else {
                for refused in result.refused {
                    Terminal.err(language == .zh ? "已拒绝 \(refused.source)：" : "Refused \(refused.source):")
                    Terminal.report(refused.problems, language)
                }
                Terminal.out(language == .zh
                    ? "已打包 \(result.packed.count) 个申请包到 \(result.archive ?? "")，拒绝 \(result.refused.count) 个。"
                    : "Packed \(result.packed.count) bundles into \(result.archive ?? ""); refused \(result.refused.count).")
            }
            if !result.refused.isEmpty { throw ExitCode(1) }
        }
    }
}
