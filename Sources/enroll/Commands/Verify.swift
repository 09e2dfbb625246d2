import ArchiveKit
import ArgumentParser
import EnrollCore
import Foundation

extension Enroll {
    /// `enroll verify PATH... --trust DIR`.
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check bundles' integrity and that a trusted, unrevoked station key signed them. 核验签名。",
            discussion: "PATH is a bundle, a directory holding bundles, or a transfer archive (checked while streaming, never unpacked). Exit 0 only if everything is intact and signed by a trusted key."
        )

        @OptionGroup var common: CommonOptions
        @OptionGroup var limits: LimitOptions

        @Option(name: .long, help: "Directory of trusted station .pub keys (and revoked.txt).")
        var trust: String

        @Argument(help: "Bundles, directories of bundles, or transfer archives.")
        var paths: [String]

        func run() async throws {
            try reportingErrors(common) {
                let store = try TrustStore(directory: trust)
                let run = try CheckRun.run(
                    try BundleDiscovery.targets(in: paths), verifier: BundleVerifier(trust: store), validator: nil,
                    scanner: ArchiveScanner(trust: store, limits: limits.archiveLimits))
                run.print(common)
                if !run.isValid { throw ExitCode(1) }
            }
        }
    }
}

/// Archive limits as command-line options.
struct LimitOptions: ParsableArguments {
    @Option(name: .long, help: "Most entries an archive may hold.")
    var maxEntries: Int = 1_000_000

    @Option(name: .long, help: "Largest single entry in bytes.")
    var maxEntrySize: Int64 = 64 << 20

    @Option(name: .long, help: "Largest total of all entries in bytes.")
    var maxTotalSize: Int64 = 64 << 30

    @Option(name: .long, help: "Largest compression ratio accepted.")
    var maxCompressionRatio: Double = 200

    var archiveLimits: ArchiveLimits {
        ArchiveLimits(maxEntryCount: maxEntries, maxEntrySize: maxEntrySize, maxTotalSize: maxTotalSize, maxCompressionRatio: maxCompressionRatio)
    }
}

/// Bundles and archives checked in one run, and the report made of them.
struct CheckRun {
    var bundles: [BundleJSON] = []
    var archives: [ArchiveJSON] = []
    var textLines: [(ok: Bool, line: String, diagnostics: [Diagnostic])] = []

    var isValid: Bool { bundles.allSatisfy(\.valid) && archives.allSatisfy(\.valid) }

    static func run(
        _ targets: [CheckTarget], verifier: BundleVerifier, validator: ApplicationValidator?, scanner: ArchiveScanner
    ) throws -> CheckRun {
        var run = CheckRun()
        let language = Language.fromEnvironment()
        for target in targets {
            switch target {
            case .bundle(let path):
                let result = try validator?.validate(directory: path) ?? verifier.verify(directory: path)
                run.add(result, language)
            case .archive(let path):
                var scanner = scanner
                scanner.validator = validator
                var count = 0
                let scan = scanner.scan(path) { _, result in
                    count += 1
                    run.add(result, language)
                }
                run.archives.append(ArchiveJSON(scan, language))
                let head = scan.isValid
                    ? "archive \(path): \(count) bundles\(scan.batchSigner.map { ", batch signed by \($0.name)" } ?? "")"
                    : "archive \(path)"
                run.textLines.append((scan.isValid, head, scan.diagnostics))
            }
        }
        return run
    }

    mutating func add(_ result: BundleVerification, _ language: Language) {
        bundles.append(BundleJSON(result, language))
        let header = result.header
        let what = header.map { "\($0.form) \($0.applicationID.uuidString.lowercased()) r\($0.revision)" } ?? ""
        let by = result.signer.map { " (\($0.name) \($0.key.keyID))" } ?? ""
        textLines.append((result.isValid, "\(result.bag.path)  \(what)\(by)", result.diagnostics))
    }

    func print(_ common: CommonOptions) {
        let language = common.language
        if common.format == .json {
            Terminal.json(ReportJSON(bundles, archives: archives))
            return
        }
        for line in textLines {
            Terminal.out("\(line.ok ? (language == .zh ? "通过" : "OK  ") : (language == .zh ? "失败" : "FAIL"))  \(line.line)")
            Terminal.report(line.diagnostics, language)
        }
        let bad = bundles.filter { !$0.valid }.count
        Terminal.out(language == .zh
            ? "共 \(bundles.count) 个申请包：\(bundles.count - bad) 个通过，\(bad) 个失败。"
            : "\(bundles.count) bundles: \(bundles.count - bad) valid, \(bad) invalid.")
    }
}

/// One bundle in a report (DESIGN §8's shape).
struct BundleJSON: Encodable {
    var path: String
    var applicationId: String?
    var form: String?
    var revision: Int?
    var kind: String?
    var valid: Bool
    var signer: [String: String]?
    var errors: [DiagnosticJSON]
    var warnings: [DiagnosticJSON]

    init(_ result: BundleVerification, _ language: Language) {
        path = result.bag.path
        applicationId = result.header?.applicationID.uuidString.lowercased()
        form = result.header?.form
        revision = result.header?.revision
        kind = result.header?.kind.rawValue
        valid = result.isValid
        signer = result.signer.map { ["station": $0.name, "keyId": $0.key.keyID.description] }
        errors = result.diagnostics.errors.map { DiagnosticJSON($0, language) }
        warnings = result.diagnostics.warnings.map { DiagnosticJSON($0, language) }
    }
}

/// One archive in a report.
struct ArchiveJSON: Encodable {
    var path: String
    var bundles: Int
    var valid: Bool
    var station: String?
    var signer: [String: String]?
    var errors: [DiagnosticJSON]

    init(_ scan: ArchiveScan, _ language: Language) {
        path = scan.archive
        bundles = scan.bundleCount
        valid = scan.isValid
        station = scan.batch?.station
        signer = scan.batchSigner.map { ["station": $0.name, "keyId": $0.key.keyID.description] }
        errors = scan.diagnostics.errors.map { DiagnosticJSON($0, language) }
    }
}

/// The summary of a report.
struct SummaryJSON: Encodable {
    var bundles: Int
    var valid: Int
    var invalid: Int
    var archives: Int
    var invalidArchives: Int
    var errorsByCode: [String: Int]
}

/// A report over many bundles and archives.
struct ReportJSON: Encodable {
    var summary: SummaryJSON
    var bundles: [BundleJSON]
    var archives: [ArchiveJSON]

    init(_ bundles: [BundleJSON], archives: [ArchiveJSON] = []) {
        var byCode: [String: Int] = [:]
        for bundle in bundles { for error in bundle.errors { byCode[error.code, default: 0] += 1 } }
        for archive in archives { for error in archive.errors { byCode[error.code, default: 0] += 1 } }
        let valid = bundles.filter(\.valid).count
        summary = SummaryJSON(
            bundles: bundles.count, valid: valid, invalid: bundles.count - valid,
            archives: archives.count, invalidArchives: archives.filter { !$0.valid }.count, errorsByCode: byCode)
        self.bundles = bundles
        self.archives = archives
    }
}
