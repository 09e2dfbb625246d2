import Foundation

// The validation report as JSON (`enroll validate|verify --format json`), in DESIGN §8's shape,
// which scripts rely on: fields may be added, none renamed.
//
//     {"summary": {"bundles": 2, "valid": 1, "invalid": 1, "errorsByCode": {.formRequired: 1}, …},
//      "bundles": [{"path": "…", "applicationId": "…", "form": "…", "revision": 1, "valid": false,
//                   "errors": [{"code": .formRequired, "location": "/student/name", "message": "…"}], …}],
//      "archives": [{"path": "…", "bundles": 12, "valid": true, "errors": [], …}]}

extension ValidationReport {
    /// The report as pretty-printed JSON with sorted keys (needs the rows: `keepingRows`).
    /// - Parameter language: The language of every `message`.
    /// - Returns: The JSON text, without a final newline.
    /// - Throws: `EncodingError` only if a number is not finite.
    public func json(in language: Language) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(ReportJSON(self, language)), as: UTF8.self)
    }
}

/// A signer as scripts read it.
struct SignerJSON: Encodable {
    var station: String
    var keyId: String

    init(_ entry: TrustStore.Entry) {
        station = entry.name
        keyId = entry.key.keyID.description
    }
}

/// One bundle in a report (DESIGN §8's shape, plus `kind`, `signer` and `warnings`).
struct BundleJSON: Encodable {
    var path: String
    var applicationId: String?
    var form: String?
    var revision: Int?
    var kind: String?
    var valid: Bool
    var signer: SignerJSON?
    var errors: [DiagnosticJSON]
    var warnings: [DiagnosticJSON]

    init(_ bundle: BundleCheck, _ language: Language) {
        path = bundle.path
        applicationId = bundle.header?.applicationID.uuidString.lowercased()
        form = bundle.header?.form
        revision = bundle.header?.revision
        kind = bundle.header?.kind.rawValue
        valid = bundle.isValid
        signer = bundle.signer.map(SignerJSON.init)
        errors = bundle.diagnostics.errors.map { DiagnosticJSON($0, language) }
        warnings = bundle.diagnostics.warnings.map { DiagnosticJSON($0, language) }
    }
}

/// One archive in a report.
struct ArchiveJSON: Encodable {
    var path: String
    var bundles: Int
    var valid: Bool
    var station: String?
    var signer: SignerJSON?
    var errors: [DiagnosticJSON]

    init(_ archive: ArchiveCheck, _ language: Language) {
        path = archive.path
        bundles = archive.bundleCount
        valid = archive.isValid
        station = archive.station
        signer = archive.signer.map(SignerJSON.init)
        errors = archive.diagnostics.errors.map { DiagnosticJSON($0, language) }
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
    var bytes: Int64
    /// Milliseconds are enough for a person and keep the number short.
    var seconds: Double

    init(_ summary: ValidationSummary) {
        bundles = summary.bundles
        valid = summary.valid
        invalid = summary.invalid
        archives = summary.archives
        invalidArchives = summary.invalidArchives
        errorsByCode = summary.errorsByCode
        bytes = summary.bytes
        seconds = (summary.seconds * 1000).rounded() / 1000
    }
}

/// A whole report.
struct ReportJSON: Encodable {
    var summary: SummaryJSON
    var bundles: [BundleJSON]
    var archives: [ArchiveJSON]

    init(_ report: ValidationReport, _ language: Language) {
        summary = SummaryJSON(report.summary)
        bundles = report.bundles.map { BundleJSON($0, language) }
        archives = report.archives.map { ArchiveJSON($0, language) }
    }
}
