import Foundation
import JSONSchema

/// The district's current applications as files for the office: a JSON array for scripts, a
/// CSV for Excel (`enroll export json|csv`).
///
/// Each application gives its summary (id, revision, status, collection number, form,
/// station, school, reasons, flags) and its current form data, masked on request
/// (`Privacy.maskPersonalData`) for sharing.
public enum ApplicationExport {
    /// The summary columns that start every CSV row, in order.
    public static let summaryColumns = ["applicationId", "revision", "status", "collectionNumber", "form", "station", "school", "reasons", "flags"]

    /// The applications as a JSON array, one object per application with its summary and its
    /// form data under `data` (members in the stored order).
    /// - Parameters:
    ///   - rows: The applications (`DistrictStore.exportRows()`).
    ///   - masked: Whether to mask ID numbers, phones and dates (`Privacy.maskPersonalData`),
    ///     and the numbers a reviewer's reasons quote (`Privacy.maskText`).
    /// - Returns: The JSON text with a final newline.
    public static func json(_ rows: [ExportRow], masked: Bool) -> String {
        JSONValue.array(rows.map { object(for: $0, masked: masked) }).serialized(sortedKeys: false) + "\n"
    }

    /// The JSON export of a store written as it is read (``DistrictStore/forEachExportRow(_:_:)``,
    /// a batch of applications at a time): the same text as ``json(_:masked:)`` of every row,
    /// in bounded memory whatever the number of applications.
    /// - Parameters:
    ///   - store: The district store.
    ///   - masked: As for ``json(_:masked:)``.
    ///   - output: Where the text goes; the caller commits it.
    public static func writeJSON(from store: DistrictStore, masked: Bool, to output: StreamedOutput) throws {
        try output.write("[")
        var first = true
        try store.forEachExportRow { row in
            try output.write((first ? "" : ",") + object(for: row, masked: masked).serialized(sortedKeys: false))
            first = false
        }
        try output.write("]\n")
    }

    /// One application as the JSON export gives it.
    static func object(for row: ExportRow, masked: Bool) -> JSONValue {
        let s = row.summary
        var pairs: [(String, JSONValue)] = [
            ("applicationId", .string(s.applicationId)), ("revision", .number(JSONNumber(s.revision))),
            ("status", .string(s.status.rawValue)), ("collectionNumber", .string(s.collectionNumber)), ("form", .string(s.form)),
            ("station", .string(s.station)), ("school", s.school.map { .string($0) } ?? .null),
            ("reasons", .array(s.reasons.map { .string(masked ? Privacy.maskText($0) : $0) })), ("flags", .array(s.flags.map { .string($0.rawValue) })),
        ]
        pairs.append(("data", row.data.map { masked ? Privacy.maskPersonalData($0) : $0 } ?? .null))
        return .object(JSONObject(pairs))
    }

    /// The applications as CSV for Excel: UTF-8 with a byte-order mark (so Excel reads the
    /// Chinese text), CRLF line ends (RFC 4180), the summary columns and then one column per
    /// form-data field (`student.name`, `guardians[0].phone`), in first-seen order.
    ///
    /// Booleans are `是`/`否`; a cell that Excel would run as a formula (starting with `=`,
    /// `+`, `-` or `@`) is kept as text with a leading `'`.
    /// - Parameters:
    ///   - rows: The applications (`DistrictStore.exportRows()`).
    ///   - masked: Whether to mask ID numbers, phones and dates (`Privacy.maskPersonalData`),
    ///     and the numbers a reviewer's reasons quote (`Privacy.maskText`).
    /// - Returns: The CSV text, starting with U+FEFF and ending with CRLF.
    public static func csv(_ rows: [ExportRow], masked: Bool) -> String {
        var dataColumns: [String] = []
        var seen: Set<String> = []
        var flattened: [[String: String]] = []
        for row in rows {
            var cells: [String: String] = [:]
            if let data = row.data { flatten(masked ? Privacy.maskPersonalData(data) : data, prefix: "", into: &cells) }
            for key in cells.keys.sorted() where seen.insert(key).inserted { dataColumns.append(key) }
            flattened.append(cells)
        }
        var lines = [(summaryColumns + dataColumns).map(csvField).joined(separator: ",")]
        for (row, cells) in zip(rows, flattened) {
            let s = row.summary
            let summaryCells: [String] = [
                s.applicationId, String(s.revision), s.status.rawValue, s.collectionNumber, s.form, s.station, s.school ?? "",
                s.reasons.map { masked ? Privacy.maskText($0) : $0 }.joined(separator: "; "), s.flags.map(\.rawValue).joined(separator: " "),
            ]
            let values = summaryCells + dataColumns.map { cells[$0] ?? "" }
            lines.append(values.map(csvField).joined(separator: ","))
        }
        return "\u{FEFF}" + lines.joined(separator: "\r\n") + "\r\n"
    }

    /// One CSV field: quoted when it holds a comma, a quote or a line break (quotes doubled),
    /// and kept as text with a leading `'` (then quoted) when Excel would run it as a formula.
    /// - Parameter cell: The cell's text.
    /// - Returns: The field as written in the file.
    public static func csvField(_ cell: String) -> String {
        var text = cell
        if let first = text.first, "=+-@".contains(first) { text = "'" + text }
        if text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) || text != cell {
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return text
    }

    /// Flattens form data into cells named by their path (`guardians[0].phone`).
    static func flatten(_ value: JSONValue, prefix: String, into cells: inout [String: String]) {
        switch value {
        case .object(let object):
            for (key, child) in object { flatten(child, prefix: prefix.isEmpty ? key : prefix + "." + key, into: &cells) }
        case .array(let items):
            for (index, child) in items.enumerated() { flatten(child, prefix: "\(prefix)[\(index)]", into: &cells) }
        case .string(let text): cells[prefix] = text
        case .bool(let flag): cells[prefix] = flag ? "是" : "否"
        case .number(let number): cells[prefix] = number.description
        case .null: cells[prefix] = ""
        }
    }
}
