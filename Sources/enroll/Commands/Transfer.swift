import ArchiveKit
import ArgumentParser
import EnrollCore
import Foundation

extension TransferFormat: ExpressibleByArgument {}

extension Enroll {
    /// `enroll pack PATH... --out FILE --key STATION.sec`.
    struct Pack: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Pack the day's signed bundles into one transfer archive for a USB stick. 打包转运。",
            discussion: "Only intact, signed bundles go in; the others are named and refused (exit 1). The archive is written to a temporary file, fsynced and renamed; an existing file is never overwritten."
        )

        @OptionGroup var languageOption: LanguageOption

        @Option(name: .long, help: "The archive to create.")
        var out: String

        @Option(name: .long, help: "The station's secret key; it signs batch.txt.")
        var key: String

        @Option(name: .long, help: "The station's name (default: the key file's name without .sec).")
        var station: String?

        @Option(name: .long, help: "Archive format: tar.zst (default), tar.gz or zip.")
        var format: TransferFormat = .tarZstd

        @Option(name: .long, help: "Directory of other stations' .pub keys whose bundles may be packed here.")
        var trust: String?

        @Option(name: .long, help: "Threads for zstd compression (default: every core).")
        var jobs: Int = Parallel.processorCount

        @Argument(help: "Bundles or directories holding bundles.")
        var paths: [String]

        func validate() throws {
            guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1. --jobs 至少为 1。") }
        }

        func run() async throws {
            let common = languageOption.common
            let result = try reportingErrors(common) { () throws -> PackResult in
                let secret = try SignifySecretKey(contentsOf: key)
                let name = station ?? ((key as NSString).lastPathComponent as NSString).deletingPathExtension
                let packer = try Packer(
                    key: secret, station: name, extraTrust: try trust.map { try TrustStore(directory: $0) }, jobs: jobs)
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

    /// `enroll list FILE`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List a transfer archive's bundles: forms, revisions, sizes, signers. 查看归档内容。"
        )

        @OptionGroup var common: CommonOptions
        @OptionGroup var limits: LimitOptions

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
            let store = try trust.map { try TrustStore(directory: $0) }
            let scan = ArchiveScanner(trust: store, limits: limits.archiveLimits).scan(archive) { name, result in
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

    /// `enroll unpack FILE --out DIR`.
    struct Unpack: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Restore a transfer archive's bundles as directories, byte for byte. 解包。",
            discussion: "The archive is checked first; if anything is wrong nothing is written (exit 1)."
        )

        @OptionGroup var common: CommonOptions
        @OptionGroup var limits: LimitOptions

        @Option(name: .long, help: "The directory to restore the bundles into.")
        var out: String

        @Option(name: .long, help: "Directory of trusted .pub keys; with it, signatures must verify too.")
        var trust: String?

        @Option(name: .long, help: "Threads extracting and verifying; archives packed by enroll are extracted in that many parts (default: every core).")
        var jobs: Int = Parallel.processorCount

        @Argument(help: "The transfer archive.")
        var archive: String

        func validate() throws {
            guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1. --jobs 至少为 1。") }
        }

        func run() async throws {
            try reportingErrors(common) {
                let store = try trust.map { try TrustStore(directory: $0) }
                let written = try Unpacker(trust: store, limits: limits.archiveLimits, jobs: jobs).unpack(archive, to: out)
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

/// A progress bar on standard error, drawn only when it is a terminal.
/// Not Sendable-checked state is guarded by `lock`, since workers report from several threads.
final class ProgressBar: @unchecked Sendable {
    private let lock = NSLock()
    private let enabled: Bool
    private var last = -1

    init(enabled: Bool) {
        self.enabled = enabled && isatty(2) == 1
    }

    func update(_ done: Int64, _ total: Int64) {
        guard enabled, total > 0 else { return }
        lock.lock()
        defer { lock.unlock() }
        let percent = Int(min(100, done * 100 / total))
        guard percent != last else { return }
        last = percent
        let width = 30
        let filled = width * percent / 100
        FileHandle.standardError.write(Data("\r[\(String(repeating: "#", count: filled))\(String(repeating: ".", count: width - filled))] \(percent)%".utf8))
    }

    func finish() {
        if enabled && last >= 0 { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
