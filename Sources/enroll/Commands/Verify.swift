import ArgumentParser
import EnrollCore
import Foundation

extension Enroll {
    /// `enroll verify PATH... --trust DIR`.
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check bundles' integrity and that a trusted, unrevoked station key signed them. 核验签名。",
            discussion: "PATH is a bundle or a directory holding bundles. Exit 0 only if every bundle is intact and signed by a trusted key."
        )

        @OptionGroup var common: CommonOptions

        @Option(name: .long, help: "Directory of trusted station .pub keys (and revoked.txt).")
        var trust: String

        @Argument(help: "Bundles or directories of bundles.")
        var paths: [String]

        func run() async throws {
            try reportingErrors(common) {
                let store = try TrustStore(directory: trust)
                let verifier = BundleVerifier(trust: store)
                let results = try BundleDiscovery.bundles(in: paths).map { try verifier.verify(directory: $0) }
                printBundleResults(results, common)
                if results.contains(where: { !$0.isValid }) { throw ExitCode(1) }
            }
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

    init(_ result: BundleVerification, extra: [Diagnostic] = [], _ language: Language) {
        path = result.bag.path
        applicationId = result.header?.applicationID.uuidString.lowercased()
        form = result.header?.form
        revision = result.header?.revision
        kind = result.header?.kind.rawValue
        let all = result.diagnostics + extra
        valid = !all.containsErrors
        signer = result.signer.map { ["station": $0.name, "keyId": $0.key.keyID.description] }
        errors = all.errors.map { DiagnosticJSON($0, language) }
        warnings = all.warnings.map { DiagnosticJSON($0, language) }
    }
}

/// The summary of a report.
struct SummaryJSON: Encodable {
    var bundles: Int
    var valid: Int
    var invalid: Int
    var errorsByCode: [String: Int]
}

/// A report over many bundles.
struct ReportJSON: Encodable {
    var summary: SummaryJSON
    var bundles: [BundleJSON]

    init(_ bundles: [BundleJSON]) {
        var byCode: [String: Int] = [:]
        for bundle in bundles { for error in bundle.errors { byCode[error.code, default: 0] += 1 } }
        let valid = bundles.filter(\.valid).count
        summary = SummaryJSON(bundles: bundles.count, valid: valid, invalid: bundles.count - valid, errorsByCode: byCode)
        self.bundles = bundles
    }
}

/// Prints verification results for people or scripts.
func printBundleResults(_ results: [BundleVerification], _ common: CommonOptions) {
    let language = common.language
    if common.format == .json {
        Terminal.json(ReportJSON(results.map { BundleJSON($0, language) }))
        return
    }
    for result in results {
        let header = result.header
        let what = header.map { "\($0.form) \($0.applicationID.uuidString.lowercased()) r\($0.revision)" } ?? ""
        if result.isValid {
            let by = result.signer.map { language == .zh ? "，签名：\($0.name)（\($0.key.keyID)）" : ", signed by \($0.name) (\($0.key.keyID))" } ?? ""
            Terminal.out("\(language == .zh ? "通过" : "OK")  \(result.bag.path)  \(what)\(by)")
        } else {
            Terminal.out("\(language == .zh ? "失败" : "FAIL")  \(result.bag.path)  \(what)")
        }
        Terminal.report(result.diagnostics, language)
    }
    let bad = results.filter { !$0.isValid }.count
    Terminal.out(language == .zh
        ? "共 \(results.count) 个申请包：\(results.count - bad) 个通过，\(bad) 个失败。"
        : "\(results.count) bundles: \(results.count - bad) valid, \(bad) invalid.")
}
