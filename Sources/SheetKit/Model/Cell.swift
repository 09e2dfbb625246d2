/// A value to write into a cell with ``XLSXWriter/appendRow(_:)``.
public enum Cell: Sendable, Hashable {
    /// Text, written as an inline string (`t="inlineStr"`) in a cell formatted as text (`@`),
    /// so ID numbers and phone numbers stay exactly as given: Excel never turns
    /// `230109201801010003` into `2.30109E+17` or drops a leading zero. Characters XML cannot
    /// hold (control characters) are written the way Excel writes them, as `_x0001_`.
    /// Empty text leaves the cell empty.
    case text(String)
    /// A number (finite).
    case number(Double)
    /// A date (and time of day, if it has one), written as an Excel serial number in a cell
    /// formatted `yyyy-mm-dd` (or `yyyy-mm-dd hh:mm:ss`), so Excel sorts and filters it as a date.
    case date(SheetDate)
    /// `TRUE` or `FALSE`.
    case bool(Bool)
    /// Nothing; the cell is left out.
    case empty

    /// A date without a time of day: `.date(SheetDate(year:month:day:))`.
    public static func date(year: Int, month: Int, day: Int) -> Cell {
        .date(SheetDate(year: year, month: month, day: day))
    }
}

/// A value read from a cell by an ``XLSXReader``.
public enum CellValue: Sendable, Hashable, CustomStringConvertible {
    /// Text: a shared string (`t="s"`), an inline string (`t="inlineStr"`) or a formula's
    /// string result (`t="str"`); rich text runs are joined, phonetic runs left out, and
    /// Excel's `_xHHHH_` escapes decoded.
    case text(String)
    /// A number not formatted as a date.
    case number(Double)
    /// A number formatted as a date or time (or an ISO 8601 date cell, `t="d"`).
    case date(SheetDate)
    /// A boolean (`t="b"`).
    case bool(Bool)
    /// An error value such as `#N/A` or `#DIV/0!` (`t="e"`).
    case error(String)
    /// A formula (`<f>`), with the result Excel last cached for it, if any. Reported as such
    /// so an importer can refuse it: its value is whatever the sheet computed, not what a
    /// person typed.
    indirect case formula(String, cached: CellValue?)

    /// A short English name of the kind of value, for messages: `text`, `number`, `date`,
    /// `boolean`, `error`, `formula`.
    public var kind: String {
        switch self {
        case .text: "text"
        case .number: "number"
        case .date: "date"
        case .bool: "boolean"
        case .error: "error"
        case .formula: "formula"
        }
    }

    /// The same in Chinese: 文本, 数字, 日期, 布尔值, 错误值, 公式.
    public var chineseKind: String {
        switch self {
        case .text: "文本"
        case .number: "数字"
        case .date: "日期"
        case .bool: "布尔值"
        case .error: "错误值"
        case .formula: "公式"
        }
    }

    /// The value as a person would read it: the text, `12.5`, `2018-01-01`, `TRUE`, `#N/A`,
    /// `=A1+1`.
    public var description: String {
        switch self {
        case .text(let text): text
        case .number(let number): NumberText.format(number)
        case .date(let date): date.description
        case .bool(let value): value ? "TRUE" : "FALSE"
        case .error(let code): code
        case .formula(let formula, _): "=" + formula
        }
    }
}

/// A calendar date with an optional time of day, as a spreadsheet holds it (no time zone).
public struct SheetDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The year, e.g. 2018.
    public var year: Int
    /// The month, 1 … 12.
    public var month: Int
    /// The day of the month, 1 … 31.
    public var day: Int
    /// Seconds after midnight, 0 … 86,399; 0 for a plain date.
    public var secondsIntoDay: Int

    /// Creates a date, and a time of day if given.
    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        self.year = year
        self.month = month
        self.day = day
        secondsIntoDay = hour * 3600 + minute * 60 + second
    }

    /// Whether it is a real date of the proleptic Gregorian calendar in 1900 … 9999 (the
    /// years Excel can show) with a time of day inside one day.
    public var isValid: Bool {
        (1900...9999).contains(year) && (1...12).contains(month)
            && (1...ExcelDate.daysInMonth(year: year, month: month)).contains(day)
            && (0..<86_400).contains(secondsIntoDay)
    }

    /// `2018-01-01`, or `2018-01-01 08:30:00` when it has a time of day.
    public var description: String {
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        var text = "\(year)-\(two(month))-\(two(day))"
        if secondsIntoDay != 0 {
            text += " \(two(secondsIntoDay / 3600)):\(two(secondsIntoDay / 60 % 60)):\(two(secondsIntoDay % 60))"
        }
        return text
    }

    /// Earlier dates first.
    public static func < (lhs: SheetDate, rhs: SheetDate) -> Bool {
        (lhs.year, lhs.month, lhs.day, lhs.secondsIntoDay) < (rhs.year, rhs.month, rhs.day, rhs.secondsIntoDay)
    }
}

/// One column of a sheet being written: its header and its width.
public struct SheetColumn: Sendable, Hashable {
    /// The header written in row 1 (bold, as text), e.g. `身份证号`.
    public var header: String
    /// The width in Excel's units (about one Latin character each), or `nil` to fit the header.
    public var width: Double?

    /// Creates a column.
    /// - Parameters:
    ///   - header: the text of its header cell.
    ///   - width: its width in characters; by default the header's width (Chinese characters
    ///     count double) plus some room, between 8 and 60.
    public init(_ header: String, width: Double? = nil) {
        self.header = header
        self.width = width
    }

    /// The width actually written.
    var effectiveWidth: Double {
        if let width { return min(max(width, 1), 255) }
        let display = header.unicodeScalars.reduce(0) { $0 + ($1.value >= 0x1100 ? 2 : 1) }
        return Double(min(max(display + 4, 8), 60))
    }
}

/// Numbers as Excel writes them: integers without a fraction, others in Swift's shortest
/// round-tripping form.
enum NumberText {
    static func format(_ number: Double) -> String {
        if number == number.rounded(), abs(number) < 9_007_199_254_740_992 {
            return String(Int64(number))
        }
        return "\(number)"
    }
}
