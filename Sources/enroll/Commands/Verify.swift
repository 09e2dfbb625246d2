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
        @OptionGroup var runOptions: RunOptions

        @Option(name: .long, help: "Directory of trusted station .pub keys (and revoked.txt).")
        var trust: String

        @Argument(help: "Bundles, directories of bundles, or transfer archives.")
        var paths: [String]

        func run() async throws {
            try reportingErrors(common) {
                let store = try TrustStore(directory: trust)
                let run = CheckRun.run(
                    try BundleDiscovery.targets(in: paths), verifier: BundleVerifier(trust: store), validator: nil,
                    scanner: ArchiveScanner(trust: store, limits: limits.archiveLimits), common: common, options: runOptions)
                try run.finish(common, runOptions)
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

/// How a check run is carried out and reported.
struct RunOptions: ParsableArguments {
    @Option(name: .long, help: "Worker threads (default: every core).")
    var jobs: Int = Parallel.processorCount

    @Option(name: .long, help: "Write the report (in --format) to FILE; a short summary still goes to standard output.")
    var report: String?

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1. --jobs 至少为 1。") }
    }
}

/// Bundles and archives checked in one run, and the report made of them.
///
/// Work runs on `--jobs` threads; results arrive in input order and text lines are printed as
/// they arrive, so a run over a hundred thousand bundles shows progress and keeps only compact
/// per-bundle rows in memory. A bundle that cannot even be read is reported as invalid and the
/// run goes on.
struct CheckRun {
    struct Row {
        var json: BundleJSON
        var line: String
        var diagnostics: [Diagnostic]
    }

    var rows: [Row] = []
    var archives: [ArchiveJSON] = []
    var bytes: Int64 = 0
    var seconds: Double = 0

    var isValid: Bool { rows.allSatisfy(\.json.valid) && archives.allSatisfy(\.valid) }

    static func run(
        _ targets: [CheckTarget], verifier: BundleVerifier, validator: ApplicationValidator?, scanner: ArchiveScanner,
        common: CommonOptions, options: RunOptions
    ) -> CheckRun {
        let language = common.language
        let streaming = common.format == .text && options.report == nil
        let bar = ProgressBar(enabled: common.format != .text || options.report != nil)
        defer { bar.finish() }
        let start = Date()
        var run = CheckRun()
        Parallel.forEach(count: targets.count, jobs: options.jobs, { index -> ([Row], ArchiveJSON?, Int64) in
            switch targets[index] {
            case .bundle(let path):
                do {
                    let result = try validator?.validate(directory: path) ?? verifier.verify(directory: path)
                    let bytes = result.bag.payloadByteCount + result.bag.inventory.tagFiles.values.reduce(0) { $0 + $1.size }
                    return ([row(result, language)], nil, bytes)
                } catch let error as EnrollError {
                    let diagnostics = error.diagnostics
                    return ([Row(json: BundleJSON(path: path, diagnostics: diagnostics, language), line: path, diagnostics: diagnostics)], nil, 0)
                } catch {
                    let diagnostic = Diagnostic.error("io.failed", Location(file: path), zh: "\(error)", en: "\(error)")
                    return ([Row(json: BundleJSON(path: path, diagnostics: [diagnostic], language), line: path, diagnostics: [diagnostic])], nil, 0)
                }
            case .archive(let path):
                var scanner = scanner
                scanner.validator = validator
                var rows: [Row] = []
                let scan = scanner.scan(path) { _, result in rows.append(row(result, language)) }
                let head = "archive \(path): \(scan.bundleCount) bundles\(scan.batchSigner.map { ", batch signed by \($0.name)" } ?? "")"
                rows.append(Row(json: BundleJSON(path: path, diagnostics: scan.diagnostics, language), line: head, diagnostics: scan.diagnostics))
                return (rows, ArchiveJSON(scan, language), scan.bytes)
            }
        }, deliver: { index, result in
            var (rows, archive, bytes) = result
            // Full rows are kept only for a text report written to a file; otherwise the text is
            // printed as it arrives and JSON needs only the compact row.
            let keepText = common.format == .text && options.report != nil
            if let archive {
                let head = rows.removeLast()
                run.archives.append(archive)
                if streaming { print(head, language) } else if keepText { run.archiveLines.append(head) }
            }
            for row in rows {
                if streaming { print(row, language) }
                run.rows.append(keepText ? row : Row(json: row.json, line: "", diagnostics: []))
            }
            run.bytes += bytes
            bar.update(Int64(index + 1), Int64(targets.count))
        })
        run.seconds = Date().timeIntervalSince(start)
        return run
    }

    var archiveLines: [Row] = []

    static func row(_ result: BundleVerification, _ language: Language) -> Row {
        let what = result.header.map { "\($0.form) \($0.applicationID.uuidString.lowercased()) r\($0.revision)" } ?? ""
        let by = result.signer.map { " (\($0.name) \($0.key.keyID))" } ?? ""
        return Row(json: BundleJSON(result, language), line: "\(result.bag.path)  \(what)\(by)", diagnostics: result.diagnostics)
    }

    static func print(_ row: Row, _ language: Language) {
        let verdict = row.json.valid ? (language == .zh ? "通过" : "OK  ") : (language == .zh ? "失败" : "FAIL")
        Terminal.out("\(Terminal.mark(verdict, good: row.json.valid))  \(row.line)")
        Terminal.report(row.diagnostics, language)
    }

    var summaryLine: String {
        let bad = rows.filter { !$0.json.valid }.count
        let megabytes = Double(bytes) / 1_048_576
        let rate = seconds > 0 ? megabytes / seconds : 0
        let archivesPart = archives.isEmpty ? "" : ", \(archives.count) archives (\(archives.filter { !$0.valid }.count) invalid)"
        return "\(rows.count) bundles: \(rows.count - bad) valid, \(bad) invalid\(archivesPart); "
            + String(format: "%.1f MiB hashed in %.2f s (%.1f MiB/s)", megabytes, seconds, rate)
    }

    func summaryLine(_ language: Language) -> String {
        guard language == .zh else { return summaryLine }
        let bad = rows.filter { !$0.json.valid }.count
        let megabytes = Double(bytes) / 1_048_576
        let archivesPart = archives.isEmpty ? "" : "，\(archives.count) 个归档（\(archives.filter { !$0.valid }.count) 个有问题）"
        return "共 \(rows.count) 个申请包：\(rows.count - bad) 个通过，\(bad) 个失败\(archivesPart)；"
            + String(format: "校验 %.1f MiB，用时 %.2f 秒（%.1f MiB/秒）", megabytes, seconds, seconds > 0 ? megabytes / seconds : 0)
    }

    /// Writes the report in the chosen format to standard output or `--report FILE`.
    func finish(_ common: CommonOptions, _ options: RunOptions) throws {
        let language = common.language
        var document: String
        switch common.format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            var report = ReportJSON(rows.map(\.json), archives: archives)
            report.summary.bytes = bytes
            report.summary.seconds = (seconds * 1000).rounded() / 1000
            document = String(decoding: try encoder.encode(report), as: UTF8.self)
        case .junit:
            document = JUnit.document(rows.map(\.json), archives: archives, seconds: seconds, language: language)
        case .text:
            var lines: [String] = []
            if options.report != nil {
                for row in archiveLines + rows {
                    lines.append("\(row.json.valid ? "OK  " : "FAIL")  \(row.line)")
                    lines += row.diagnostics.map { $0.rendered(in: language) }
                }
            }
            lines.append(summaryLine(language))
            document = lines.joined(separator: "\n")
        }
        if let path = options.report {
            try Data((document + "\n").utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            Terminal.out(summaryLine(language))
        } else {
            Terminal.out(document)
        }
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

extension BundleJSON {
    /// A row for something that could not be checked as a bundle at all.
    init(path: String, diagnostics: [Diagnostic], _ language: Language) {
        self.path = path
        valid = !diagnostics.containsErrors
        errors = diagnostics.errors.map { DiagnosticJSON($0, language) }
        warnings = diagnostics.warnings.map { DiagnosticJSON($0, language) }
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
    var bytes: Int64 = 0
    var seconds: Double = 0
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
