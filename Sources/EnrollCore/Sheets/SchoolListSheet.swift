import SheetKit

/// The district's school list as a spreadsheet (`enroll schools import|export`): one row per
/// school under the headers 学校名称, 所属区, 学校地址, 学校负责人, 学校联系电话, found by name in
/// any order (other columns are ignored).
///
/// Reading is all or nothing: the first problem (a missing column, an empty 学校名称, a school
/// named twice, a cell that is a number, date or formula instead of text) is reported at its
/// sheet and cell (`学校!C7`) and nothing is returned, so nothing is written to the store.
/// Blank rows are skipped. The workbook is read by SheetKit's hostile-safe ``XLSXReader``.
public enum SchoolListSheet {
    /// 学校名称: the name `review admit --school` gives. Required in every row.
    public static let nameHeader = "学校名称"
    /// 所属区: the district the school belongs to; an empty cell leaves it unset.
    public static let districtHeader = "所属区"
    /// 学校地址.
    public static let addressHeader = "学校地址"
    /// 学校负责人 (the enrollment contact).
    public static let contactHeader = "学校负责人"
    /// 学校联系电话: text, so a leading 0 (0451-…) survives.
    public static let phoneHeader = "学校联系电话"
    /// The headers in the order ``write(_:to:)`` writes them.
    public static let headers = [nameHeader, districtHeader, addressHeader, contactHeader, phoneHeader]
    /// The sheet ``write(_:to:)`` writes.
    public static let sheetName = "学校"

    /// Reads a school list.
    /// - Parameters:
    ///   - path: The .xlsx file.
    ///   - sheet: The worksheet to read; the workbook's first worksheet when nil.
    /// - Returns: The schools in the order of their rows.
    /// - Throws: `EnrollError` with a `sheet.*` code located at the sheet and cell: `sheet.missing-column`,
    ///   `sheet.empty-cell` (no 学校名称), `sheet.duplicate-value` (a school twice),
    ///   `sheet.not-text`, `sheet.empty` (no header row), `sheet.not-found`; and every refusal
    ///   of a malformed or hostile file (`sheet.archive`, `sheet.xml`, …).
    public static func read(_ path: String, sheet: String? = nil) throws -> [SchoolInfo] {
        do {
            return try readSheet(path, sheet: sheet)
        } catch {
            throw EnrollError.sheet(error, path: path)
        }
    }

    private static func readSheet(_ path: String, sheet: String?) throws(SheetError) -> [SchoolInfo] {
        let workbook = try XLSXReader(path: path)
        let name = sheet ?? workbook.sheets.first(where: { !$0.hidden })?.name ?? workbook.sheetNames[0]
        let rows = try workbook.rows(of: name)
        defer { rows.close() }
        var headerRow: SheetRow?
        while let row = try rows.next() {
            if !row.isBlank {
                headerRow = row
                break
            }
        }
        guard let headerRow else { throw .emptySheet(sheet: rows.sheet.name) }
        let header = try SheetHeader(headerRow, required: headers)
        var names = UniqueColumn(nameHeader)
        var schools: [SchoolInfo] = []
        while let row = try rows.next() {
            if row.isBlank { continue }
            let school = try header.text(nameHeader, in: row).trimmed
            try names.check(school, at: header.cell(nameHeader, in: row), sheet: row.sheet)
            schools.append(
                SchoolInfo(
                    name: school, district: try header.optionalText(districtHeader, in: row)?.trimmed,
                    address: try header.optionalText(addressHeader, in: row)?.trimmed ?? "",
                    contact: try header.optionalText(contactHeader, in: row)?.trimmed ?? "",
                    phone: try header.optionalText(phoneHeader, in: row)?.trimmed ?? ""))
        }
        return schools
    }

    /// Writes a school list that ``read(_:sheet:)`` (and Excel) reads back: one sheet
    /// ``sheetName`` with ``headers`` and every cell a text cell.
    /// - Throws: `EnrollError`: `io.exists` if `path` exists, `io.failed` if it cannot be written.
    public static func write(_ schools: [SchoolInfo], to path: String) throws {
        do throws(SheetError) {
            let writer = try XLSXWriter(creatingAt: path)
            try writer.addSheet(
                name: sheetName,
                columns: [
                    SheetColumn(nameHeader, width: 30), SheetColumn(districtHeader, width: 12), SheetColumn(addressHeader, width: 40),
                    SheetColumn(contactHeader, width: 12), SheetColumn(phoneHeader, width: 18),
                ])
            for school in schools {
                try writer.appendRow([.text(school.name), .text(school.district ?? ""), .text(school.address), .text(school.contact), .text(school.phone)])
            }
            try writer.commit()
        } catch {
            throw EnrollError.sheet(error, path: path)
        }
    }
}

extension String {
    /// Without leading and trailing white space (full-width spaces included).
    fileprivate var trimmed: String {
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(self[first...last])
    }
}
