import ArchiveKit
import ArgumentParser
import EnrollCore
import Foundation

extension Enroll {
    /// `enroll list FILE`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", 
            abstract: "List a transfer archive's bundles: forms, revisions, sizes, signers. 查看归档内容。"
        )

        @OptionGroup var common: CommonOptions
        @OptionGroup var limits: LimitOptions
        @OptionGroup var identity: IdentityOption

        @Option(name: .long, help: "Directory of trusted .pub keys, to name the signers.")
        var trust: String?

        @Argument(help: "The transfer archive.")
        var archive: String

        func run() async throws {
            struct Row: Encodable {
                var name: String
                var applicationId: String?
                var form: String?
                var revision: Int?
                var kind: String?
                var station: String?
                var keyId: String?
                var files: Int
                var bytes: Int64
                var intact: Bool
            }
            var rows: [Row] = []
            let store = try reportingErrors(common) { try trust.map { try TrustStore(directory: $0) } }
            let identities = try reportingErrors(common) { try identity.identities() }
            let scan = ArchiveScanner(trust: store, limits: limits.archiveLimits, identities: identities).scan(archive) { name, result in
                let header = result.header
                rows.append(Row(
                    name: name, applicationId: header?.applicationID.uuidString.lowercased(), form: header?.form,
                    revision: header?.revision, kind: header?.kind.rawValue, station: header?.station,
                    keyId: header?.keyID?.description, files: result.bag.payloadFileCount, bytes: result.bag.payloadByteCount,
                    intact: result.isValid))
            }
            let language = common.language
            if common.format != .text {
                struct Output: Encodable {
                    var archive: String; var station: String?; var created: String?; var signer: String?
                    var bundles: [Row]; var errors: [DiagnosticJSON]
                }
                Terminal.json(Output(
                    archive: archive, station: scan.batch?.station, created: scan.batch?.created, signer: scan.batchSigner?.name,
                    bundles: rows, errors: scan.diagnostics.map { DiagnosticJSON($0, language) }))
            } else {
                Terminal.out("\(archive)  \(language == .zh ? "站点" : "station") \(scan.batch?.station ?? "?")  \(scan.batch?.created ?? "")")
                for row in rows {
                    let mark = row.intact ? " " : "!"
                    Terminal.out("\(mark) \(row.name)  \(row.form ?? "?") r\(row.revision ?? 0) \(row.kind ?? "")  \(row.files) files \(row.bytes) B  \(row.station ?? "") \(row.keyId ?? "")")
                }
                Terminal.report(scan.diagnostics, language)
            }
            if !scan.isValid || rows.contains(where: { !$0.intact }) { throw ExitCode(1) }
        }
    }
}
