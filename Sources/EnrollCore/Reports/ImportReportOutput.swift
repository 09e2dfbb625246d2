import Foundation

/// The import report as JSON, written item by item while the import runs, so memory does not
/// grow with the number of bundles (`enroll import --format json`).
///
/// The whole output is one JSON document:
///
///     {"items": [
///       {"applicationId": "…", "collectionNumber": "…", "flags": [], "outcome": "new", "reasons": [], "revision": 1, "source": "…"}
///     , {…}
///     ], "summary": {"conflict": 0, "new": 2, …}, "archiveProblems": […]}
///
/// Each `line` and the `closing` text are written as lines of their own.
public struct ImportJSONStream {
    /// The language of every `message`.
    public let language: Language
    private var wroteItem = false
    private let encoder: JSONEncoder

    /// A stream before its first item.
    /// - Parameter language: The language of the messages.
    public init(language: Language) {
        self.language = language
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    }

    /// The text for one item: the opening of the document before the first.
    /// - Parameter item: The bundle's outcome.
    /// - Returns: The text, without a final newline.
    /// - Throws: `EncodingError` only if a value cannot be encoded.
    public mutating func line(for item: ImportReport.Item) throws -> String {
        let json = ItemJSON(
            source: item.source, applicationId: item.applicationID, revision: item.revision, outcome: item.outcome.rawValue,
            collectionNumber: item.collectionNumber, flags: item.flags.map(\.rawValue), reasons: item.diagnostics.map { DiagnosticJSON($0, language) })
        let text = String(decoding: try encoder.encode(json), as: UTF8.self)
        defer { wroteItem = true }
        return (wroteItem ? ", " : "{\"items\": [\n  ") + text
    }

    /// The text after the last item: the counts by outcome and the archives' own problems.
    /// - Parameter report: The finished import's report.
    /// - Returns: The text, without a final newline (it opens the document if no item did).
    /// - Throws: `EncodingError` only if a value cannot be encoded.
    public func closing(_ report: ImportReport) throws -> String {
        let counts = report.counts
        let summary = Dictionary(uniqueKeysWithValues: ImportReport.Outcome.allCases.map { ($0.rawValue, counts[$0] ?? 0) })
        let problems = report.archiveProblems.map { DiagnosticJSON($0, language) }
        let opening = wroteItem ? "" : "{\"items\": [\n"
        return opening + "], \"summary\": \(String(decoding: try encoder.encode(summary), as: UTF8.self)), "
            + "\"archiveProblems\": \(String(decoding: try encoder.encode(problems), as: UTF8.self))}"
    }

    private struct ItemJSON: Encodable {
        var source: String
        var applicationId: String?
        var revision: Int?
        var outcome: String
        var collectionNumber: String?
        var flags: [String]
        var reasons: [DiagnosticJSON]
    }
}

/// The import report as text, for people.
public enum ImportText {
    /// One bundle's line: outcome, collection number, application id prefix, revision, source,
    /// flags (`new         10000001  0c2f9a1b  r1  day.tar.zst:bundles/a  [phone-quota]`).
    /// - Parameter item: The bundle's outcome.
    /// - Returns: The line; the item's diagnostics are printed after it.
    public static func line(_ item: ImportReport.Item) -> String {
        let id = item.applicationID.map { String($0.prefix(8)) } ?? "-"
        let number = item.collectionNumber ?? "--------"
        let flags = item.flags.isEmpty ? "" : "  [\(item.flags.map(\.rawValue).joined(separator: ", "))]"
        let outcome = item.outcome.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0)
        return "\(outcome) \(number)  \(id)  r\(item.revision ?? 0)  \(item.source)\(flags)"
    }

    /// The closing line with the counts by outcome.
    /// - Parameters:
    ///   - report: The finished import's report.
    ///   - language: The language.
    /// - Returns: `Import finished: new 2, updated 0, …` or its Chinese.
    public static func summary(_ report: ImportReport, _ language: Language) -> String {
        let counts = report.counts
        switch language {
        case .zh:
            return "导入完成：新增 \(counts[.new] ?? 0)，更新 \(counts[.updated] ?? 0)，未变 \(counts[.unchanged] ?? 0)，"
                + "冲突 \(counts[.conflict] ?? 0)，待审修改 \(counts[.held] ?? 0)，隔离 \(counts[.quarantined] ?? 0)，拒绝 \(counts[.refused] ?? 0)。"
        case .en:
            let parts = ImportReport.Outcome.allCases.map { "\($0.rawValue) \(counts[$0] ?? 0)" }.joined(separator: ", ")
            return "Import finished: \(parts)."
        }
    }
}
