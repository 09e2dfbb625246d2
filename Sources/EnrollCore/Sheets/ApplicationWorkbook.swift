import JSONSchema
import SheetKit

/// The district's applications as an Excel workbook (`enroll export xlsx`), streamed from the
/// store in bounded memory.
///
/// One sheet per form, headed with the form's own field labels (Chinese, or English on
/// request): the collection number first, then the status, station, school, reasons and flags,
/// then every field of the form in schema order (array items numbered, `居住证信息 2 › 号码`).
/// ID numbers, phones and every other string are text cells, so Excel keeps all 18 digits;
/// `date` fields are real dates; numbers are numbers; yes/no answers 是/否. Each sheet has a
/// frozen, filtered header row (SheetKit's ``XLSXWriter``).
///
/// Then, unless the status filter excludes admitted applications, one sheet per admitting
/// school, `录取 <school>`, listing the children admitted to it.
///
/// Rows come from ``DistrictStore/forEachExportRow(_:_:)`` one batch at a time and go straight
/// to the writer's scratch file, so memory does not grow with the number of applications: each
/// form's sheet is one pass over that form's applications, each school's one more.
public enum ApplicationWorkbook {
    /// What to write.
    public struct Options: Sendable, Hashable {
        /// Mask ID numbers, phones and dates (`Privacy.maskPersonalData`) and the numbers
        /// reasons quote (`Privacy.maskText`), for sharing.
        public var masked: Bool
        /// Only applications with this status.
        public var status: ApplicationStatus?
        /// Only this form's applications.
        public var form: String?
        /// The language of headers, statuses and yes/no answers.
        public var language: Language

        public init(masked: Bool = false, status: ApplicationStatus? = nil, form: String? = nil, language: Language = .zh) {
            self.masked = masked
            self.status = status
            self.form = form
            self.language = language
        }
    }

    /// One sheet written.
    public struct SheetSummary: Sendable, Hashable, Codable {
        /// The sheet's name.
        public var name: String
        /// Its rows, not counting the header.
        public var rows: Int
    }

    /// Where a column's values come from.
    public enum Source: Sendable, Hashable {
        /// A member of the application's summary.
        case summary(SummaryField)
        /// A form-data field at a concrete location (array items by index), with its format.
        case field(tokens: [String], format: String?)
    }

    /// The summary members an export shows.
    public enum SummaryField: String, Sendable, Hashable, CaseIterable {
        case collectionNumber, status, form, station, school, reasons, flags, applicationId, revision

        /// The column header.
        public var header: LocalizedText {
            switch self {
            case .collectionNumber: LocalizedText(zh: "采集编号", en: "Collection number")
            case .status: LocalizedText(zh: "状态", en: "Status")
            case .form: LocalizedText(zh: "表单", en: "Form")
            case .station: LocalizedText(zh: "采集点", en: "Station")
            case .school: LocalizedText(zh: "录取学校", en: "School")
            case .reasons: LocalizedText(zh: "驳回原因", en: "Reasons")
            case .flags: LocalizedText(zh: "标记", en: "Flags")
            case .applicationId: LocalizedText(zh: "申请编号", en: "Application id")
            case .revision: LocalizedText(zh: "版本", en: "Revision")
            }
        }
    }

    /// One column of an export sheet.
    public struct Column: Sendable, Hashable {
        /// The header in both languages.
        public var header: LocalizedText
        /// Where its values come from.
        public var source: Source
    }

    /// How many places an array without `maxItems` gets (its first items; more are not shown).
    public static let unboundedArrayColumns = 3

    /// The columns of a form's sheet: the collection number, status, station, school, reasons
    /// and flags, every leaf field of the form in schema order (each array expanded to its
    /// `maxItems`, or ``unboundedArrayColumns``), and the application id and revision last.
    public static func columns(for form: Form) -> [Column] {
        let fields = form.fieldList()
        let pointers = Set(fields.map(\.pointer))
        var columns: [Column] = [SummaryField.collectionNumber, .status, .station, .school, .reasons, .flags].map {
            Column(header: $0.header, source: .summary($0))
        }
        for field in fields {
            // A section (a field with fields under it) has no cell of its own.
            if pointers.contains(where: { $0.hasPrefix(field.pointer + "/") }) { continue }
            if field.type == "object" { continue }
            let pattern = field.pointer.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
            for tokens in expand(pattern, fields: fields) {
                columns.append(Column(header: header(tokens, form: form), source: .field(tokens: tokens, format: field.format)))
            }
        }
        columns += [SummaryField.applicationId, .revision].map { Column(header: $0.header, source: .summary($0)) }
        return columns
    }

    /// The columns of a school's sheet of admitted children.
    public static let admittedColumns: [Column] = [
        Column(header: SummaryField.collectionNumber.header, source: .summary(.collectionNumber)),
        Column(header: LocalizedText(zh: "学生姓名", en: "Name"), source: .field(tokens: ["student", "name"], format: nil)),
        Column(header: LocalizedText(zh: "性别", en: "Sex"), source: .field(tokens: ["student", "sex"], format: nil)),
        Column(header: LocalizedText(zh: "证件号码", en: "ID number"), source: .field(tokens: ["student", "idNumber"], format: nil)),
        Column(header: LocalizedText(zh: "出生日期", en: "Date of birth"), source: .field(tokens: ["student", "birthDate"], format: "date")),
        Column(header: SummaryField.form.header, source: .summary(.form)),
        Column(header: SummaryField.station.header, source: .summary(.station)),
    ]

    /// Writes the workbook.
    /// - Parameters:
    ///   - store: The district store.
    ///   - catalog: The forms, for the sheets' columns; every form with applications in the
    ///     export must be in it.
    ///   - path: The .xlsx file to create; it must not exist. Written to a temporary file
    ///     beside it and renamed at the end, so a failed export leaves nothing.
    ///   - options: Masking, filters and language.
    /// - Returns: The sheets written, in order.
    /// - Throws: `form.unknown` for a `--form` nobody knows; `io.exists` when `path` exists;
    ///   `io.failed` or a `sheet.*` problem when the workbook cannot be written; the store's errors.
    @discardableResult
    public static func write(from store: DistrictStore, catalog: FormCatalog, to path: String, options: Options = Options()) throws -> [SheetSummary] {
        let forms = try options.form.map { [try catalog.form($0)] } ?? catalog.allForms()
        let writer: XLSXWriter
        do {
            writer = try XLSXWriter(creatingAt: path)
        } catch {
            throw EnrollError.sheet(error, path: path)
        }
        var sheets: [SheetSummary] = []
        var names = SheetNames()
        func sheetStep(_ body: () throws(SheetError) -> Void) throws {
            do throws(SheetError) { try body() } catch { throw EnrollError.sheet(error, path: path) }
        }
        /// Streams the rows of `query` into a sheet made on the first row (an empty sheet is
        /// left out).
        func sheet(_ proposedName: String, _ columns: [Column], _ query: ExportQuery, formLabels: [String: LocalizedText]) throws {
            var started = false
            var count = 0
            try store.forEachExportRow(query) { row in
                try sheetStep { () throws(SheetError) in
                    if !started {
                        started = true
                        try writer.addSheet(name: names.take(proposedName), columns: columns.map { SheetColumn(options.language == .zh ? $0.header.zh : $0.header.en, width: width(of: $0)) })
                    }
                    try writer.appendRow(cells(row, columns, options: options, formLabels: formLabels))
                    count += 1
                }
            }
            if started { sheets.append(SheetSummary(name: names.last, rows: count)) }
        }

        let formLabels = Dictionary(forms.map { ($0.id, $0.label) }, uniquingKeysWith: { first, _ in first })
        do {
            for form in forms {
                let label = options.language == .zh ? form.label.zh : form.label.en
                let name = SheetName.problem(with: label) == nil ? label : SheetName.fitting(form.id)
                try sheet(name, columns(for: form), ExportQuery(status: options.status, form: form.id), formLabels: formLabels)
            }
            if options.status == nil || options.status == .admitted {
                var schools: Set<String> = []
                try store.forEachExportRow(ExportQuery(status: .admitted, form: options.form)) { row in
                    if let school = row.summary.school { schools.insert(school) }
                }
                for school in schools.sorted() {
                    let prefix = options.language == .zh ? "录取 " : "Admitted "
                    try sheet(
                        SheetName.fitting(prefix + school, fallback: prefix.trimmingSuffixSpace), admittedColumns,
                        ExportQuery(status: .admitted, form: options.form, school: school), formLabels: formLabels)
                }
            }
            if sheets.isEmpty {
                // Nothing matched: the workbook still opens, with the first form's headers.
                let first = forms.first.map(columns(for:)) ?? []
                let name = forms.first.map { options.language == .zh ? $0.label.zh : $0.label.en } ?? "Sheet1"
                try sheetStep { () throws(SheetError) in
                    try writer.addSheet(
                        name: names.take(SheetName.problem(with: name) == nil ? name : SheetName.fitting(forms.first?.id ?? name)),
                        columns: first.isEmpty ? [SheetColumn(SummaryField.collectionNumber.header.zh)] : first.map { SheetColumn(options.language == .zh ? $0.header.zh : $0.header.en, width: width(of: $0)) })
                }
                sheets.append(SheetSummary(name: names.last, rows: 0))
            }
            try sheetStep { () throws(SheetError) in try writer.commit() }
        } catch {
            writer.cancel()
            throw error
        }
        return sheets
    }

    // MARK: Cells

    /// One row's cells, in the columns' order.
    static func cells(_ row: ExportRow, _ columns: [Column], options: Options, formLabels: [String: LocalizedText]) -> [Cell] {
        let data = row.data.map { options.masked ? Privacy.maskPersonalData($0) : $0 }
        let summary = row.summary
        let zh = options.language == .zh
        return columns.map { column in
            switch column.source {
            case .summary(let field):
                switch field {
                case .collectionNumber: return .text(summary.collectionNumber)
                case .status: return .text(zh ? statusText(summary.status).zh : statusText(summary.status).en)
                case .form: return .text(formLabels[summary.form].map { zh ? $0.zh : $0.en } ?? summary.form)
                case .station: return .text(summary.station)
                case .school: return .text(summary.school ?? "")
                case .reasons: return .text(summary.reasons.map { options.masked ? Privacy.maskText($0) : $0 }.joined(separator: "; "))
                case .flags: return .text(summary.flags.map(\.rawValue).joined(separator: " "))
                case .applicationId: return .text(summary.applicationId)
                case .revision: return .number(Double(summary.revision))
                }
            case .field(let tokens, let format):
                guard let value = data.flatMap({ lookup($0, tokens) }) else { return .empty }
                return cell(value, format: format, zh: zh)
            }
        }
    }

    /// A form-data value as a typed cell: a `date` field's `YYYY-MM-DD` as a date (anything
    /// else it may hold, 无 or a masked `2018-**-**`, as text), strings as text, numbers as
    /// numbers, booleans as 是/否 (yes/no).
    static func cell(_ value: JSONValue, format: String?, zh: Bool) -> Cell {
        switch value {
        case .string(let text):
            if format == "date", let date = isoDate(text) { return .date(date) }
            return .text(text)
        case .number(let number): return .number(number.doubleValue)
        case .bool(let flag): return .text(flag ? (zh ? "是" : "yes") : (zh ? "否" : "no"))
        case .null: return .empty
        case .array, .object: return .text(value.serialized(sortedKeys: false))
        }
    }

    /// `YYYY-MM-DD` as a valid spreadsheet date, or nil.
    static func isoDate(_ text: String) -> SheetDate? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        else { return nil }
        let date = SheetDate(year: year, month: month, day: day)
        return date.isValid ? date : nil
    }

    /// The value at `tokens` (array items by index), if any.
    static func lookup(_ value: JSONValue, _ tokens: [String]) -> JSONValue? {
        var current = value
        for token in tokens {
            switch current {
            case .object(let object):
                guard let next = object[token] else { return nil }
                current = next
            case .array(let items):
                guard let index = Int(token), items.indices.contains(index) else { return nil }
                current = items[index]
            default:
                return nil
            }
        }
        return current
    }

    /// A status as the office reads it.
    public static func statusText(_ status: ApplicationStatus) -> LocalizedText {
        switch status {
        case .received: LocalizedText(zh: "已受理", en: "received")
        case .verified: LocalizedText(zh: "审核通过", en: "verified")
        case .rejected: LocalizedText(zh: "驳回", en: "rejected")
        case .admitted: LocalizedText(zh: "录取", en: "admitted")
        case .withdrawn: LocalizedText(zh: "已撤销", en: "withdrawn")
        }
    }

    // MARK: Columns

    /// The concrete locations of a field pattern: each `*` becomes every index its array allows.
    private static func expand(_ pattern: [String], fields: [FormField]) -> [[String]] {
        var results: [[String]] = [[]]
        for (position, token) in pattern.enumerated() {
            guard token == "*" else {
                results = results.map { $0 + [token] }
                continue
            }
            let arrayPointer = "/" + pattern.prefix(position).joined(separator: "/")
            let array = fields.first { $0.pointer == arrayPointer }
            let count = max(1, array?.maxItems ?? unboundedArrayColumns)
            results = results.flatMap { prefix in (0..<count).map { prefix + [String($0)] } }
        }
        return results
    }

    /// `section › field`, an array item numbered after its array's label (`居住证信息 2 › 号码`).
    private static func header(_ tokens: [String], form: Form) -> LocalizedText {
        var zh: [String] = []
        var en: [String] = []
        for count in 1...tokens.count {
            let token = tokens[count - 1]
            if let index = Int(token), token.allSatisfy(\.isASCII) {
                let arrayLabel = form.label(at: JSONPointer(tokens: Array(tokens.prefix(count - 1))))
                if arrayLabel != nil, !zh.isEmpty {
                    zh[zh.count - 1] += " \(index + 1)"
                    en[en.count - 1] += " \(index + 1)"
                } else {
                    zh.append("\(index + 1)")
                    en.append("\(index + 1)")
                }
                continue
            }
            if let label = form.label(at: JSONPointer(tokens: Array(tokens.prefix(count)))) {
                zh.append(label.zh)
                en.append(label.en)
            } else if count == tokens.count {
                zh.append(token)
                en.append(token)
            }
        }
        return LocalizedText(zh: zh.joined(separator: " › "), en: en.joined(separator: " › "))
    }

    /// Wide enough for an 18-digit ID number or a date; SheetKit sizes the others by header.
    private static func width(of column: Column) -> Double? {
        switch column.source {
        case .summary(.collectionNumber): 12
        case .summary(.applicationId): 38
        case .field(let tokens, let format):
            if format == "date" { 12 } else if let last = tokens.last, last.lowercased().contains("idnumber") { 22 } else { nil }
        default: nil
        }
    }
}

/// Sheet names handed out so far: a proposed name taken twice (ignoring case, as Excel does)
/// gets ` (2)`, ` (3)` … within the 31-character limit.
private struct SheetNames {
    private var taken: Set<String> = []
    private(set) var last = ""

    mutating func take(_ proposed: String) -> String {
        var name = proposed
        var number = 2
        while taken.contains(name.lowercased()) {
            let suffix = " (\(number))"
            var base = proposed
            while base.utf16.count + suffix.utf16.count > SheetName.maxLength { base.removeLast() }
            name = base + suffix
            number += 1
        }
        taken.insert(name.lowercased())
        last = name
        return name
    }
}

extension String {
    fileprivate var trimmingSuffixSpace: String { hasSuffix(" ") ? String(dropLast()) : self }
}
