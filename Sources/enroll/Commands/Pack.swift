import ArgumentParser
import AgeKit
import EnrollCore

extension TransferFormat: ExpressibleByArgument {}

extension Enroll {
    /// `enroll pack PATH... --out FILE --key STATION.sec`.
    struct Pack: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "pack", 
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

        @Option(name: .long, help: ArgumentHelp(
            "Encrypt the archive to the age recipients in this file (age1… lines, as `age -R` reads it); write it as day.tar.zst.age.",
            valueName: "file"))
        var encryptTo: String?

        @Option(name: .long, help: ArgumentHelp(
            "The station's working directory: a district.age.pub at its root makes the archive encrypted to the district by default.",
            valueName: "dir"))
        var stationDir: String?

        @Flag(name: .long, help: "Write a plain archive even though the station directory holds district.age.pub (warns).")
        var noEncrypt = false

        @Argument(help: "Bundles or directories holding bundles.")
        var paths: [String]

        func run() async throws {
            let common = languageOption.common
            let result = try reportingErrors(common) { () throws -> PackResult in
                let signer = try signing.signer()
                var packer = try Packer(
                    key: signer.key, station: signer.station, extraTrust: try trust.map { try TrustStore(directory: $0) }, jobs: jobs.jobs)
                packer.recipients = try recipients(common.language)
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

        /// Who the archive is encrypted to: `--encrypt-to`, else the station directory's
        /// district.age.pub unless `--no-encrypt`; nil for a plain archive. Says which on stderr.
        private func recipients(_ language: Language) throws -> [AgeRecipient]? {
            if noEncrypt && encryptTo != nil {
                throw EnrollError.usage(
                    .usageEncryption, zh: "--encrypt-to 与 --no-encrypt 不能同时使用。", en: "--encrypt-to and --no-encrypt cannot be used together.")
            }
            let districtFile = stationDir.flatMap { ArchiveEncryption.districtRecipients(inStationDirectory: $0) }
            if noEncrypt {
                Terminal.err(language == .zh
                    ? "警告：--no-encrypt，归档不加密：拾到 U 盘的任何人都能读到每个孩子的姓名、身份证号和证件照片。"
                    : "Warning: --no-encrypt: the archive is not encrypted; whoever finds the stick reads every child's name, ID number and document photos.")
                return nil
            }
            let file: String
            if let encryptTo {
                file = encryptTo
            } else if let districtFile {
                file = districtFile
            } else {
                return nil
            }
            let recipients = try ArchiveEncryption.readRecipients(file)
            Terminal.err(language == .zh
                ? "归档加密给 \(file) 中的 \(recipients.count) 个 age 收件人；只有持对应私钥者能读。"
                : "Encrypting the archive to the \(recipients.count) age recipient(s) in \(file); only the holder of the matching identity can read it.")
            return recipients
        }
    }
}
