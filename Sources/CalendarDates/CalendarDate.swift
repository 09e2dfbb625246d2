import Foundation

/// A day of the proleptic Gregorian calendar: a year, a month and a day, with no time of day
/// and no time zone.
///
/// It is the one date type of enroll: the JSON Schema `date` format (RFC 3339 `full-date`),
/// the birth date inside an 18-character ID number (`YYYYMMDD`), the forms' birth-date
/// windows and date-order rules, and the dates the sample generator invents all use it.
/// A value always holds a real date: every initialiser checks the month's length, leap
/// years included (a year divisible by 4 is a leap year unless divisible by 100 but not by
/// 400: 2000 and 2024 are, 1900 and 2100 are not).
///
/// Dates are compared and counted through their day number, the days since 1970-01-01
/// (negative before), so arithmetic needs no `Calendar` and no time zone.
public struct CalendarDate: Hashable, Sendable {
    /// The year, 1 to 9999 in the ISO text forms.
    public let year: Int
    /// The month, 1 to 12.
    public let month: Int
    /// The day of the month, 1 to the month's length.
    public let day: Int

    /// A date from its parts, or nil if they name no real day (month 13, 31 April,
    /// 29 February outside a leap year).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= Self.daysInMonth(year: year, month: month) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// A date from parts the caller knows to be valid, such as a constant in code.
    ///
    /// - Precondition: The parts name a real day; use ``init(year:month:day:)`` for values
    ///   that come from outside.
    public init(_ year: Int, _ month: Int, _ day: Int) {
        guard let date = CalendarDate(year: year, month: month, day: day) else {
            preconditionFailure("\(year)-\(month)-\(day) is not a calendar date")
        }
        self = date
    }

    /// Parses ISO 8601 / RFC 3339 `YYYY-MM-DD`: exactly ten ASCII characters, four digits,
    /// a hyphen, two digits, a hyphen, two digits, naming a real day.
    /// - Returns: nil for anything else (signs, spaces, `2024-2-1`, `2023-02-29`).
    public init?(iso text: some StringProtocol) {
        self.init(isoUTF8: text.utf8)
    }

    /// Parses `YYYY-MM-DD` from UTF-8 bytes, as ``init(iso:)`` does from text.
    public init?(isoUTF8 bytes: some Collection<UInt8>) {
        let bytes = Array(bytes)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              let year = Self.number(bytes[0..<4]), let month = Self.number(bytes[5..<7]), let day = Self.number(bytes[8..<10])
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// Parses the compact form `YYYYMMDD` written inside ID numbers: exactly eight ASCII
    /// digits naming a real day.
    public init?(compact text: some StringProtocol) {
        let bytes = Array(text.utf8)
        guard bytes.count == 8,
              let year = Self.number(bytes[0..<4]), let month = Self.number(bytes[4..<6]), let day = Self.number(bytes[6..<8])
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// The calendar date an instant falls on in a time zone (for "today" at a registration
    /// point: `CalendarDate(Date(), in: TimeZone(identifier: "Asia/Shanghai")!)`).
    public init(_ instant: Date, in timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: instant)
        self.init(parts.year!, parts.month!, parts.day!)
    }

    /// The date `dayNumber` days after 1970-01-01 (before it when negative); the inverse of
    /// ``dayNumber``.
    public init(dayNumber: Int) {
        // Howard Hinnant's civil_from_days.
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        self.month = month
        self.day = day
    }

    /// Days since 1970-01-01 (negative before): the date's ordinal, for comparison and
    /// arithmetic.
    public var dayNumber: Int {
        // Howard Hinnant's days_from_civil.
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let shiftedMonth = (month + 9) % 12
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// This date moved by `days` days (back when negative).
    public func adding(days: Int) -> CalendarDate {
        CalendarDate(dayNumber: dayNumber + days)
    }

    /// The same day `years` years later (earlier when negative); 29 February becomes
    /// 28 February in a year that is not a leap year.
    public func adding(years: Int) -> CalendarDate {
        let target = year + years
        return CalendarDate(target, month, min(day, Self.daysInMonth(year: target, month: month)))
    }

    /// The number of days from this date to `other` (negative when `other` is earlier).
    public func days(until other: CalendarDate) -> Int {
        other.dayNumber - dayNumber
    }

    /// `YYYYMMDD`, as inside an ID number.
    public var compact: String {
        Self.padded(year, 4) + Self.padded(month, 2) + Self.padded(day, 2)
    }

    /// Whether `year` is a Gregorian leap year.
    public static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    /// The number of days in a month of a year (0 for a month outside 1...12).
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 1, 3, 5, 7, 8, 10, 12: 31
        case 4, 6, 9, 11: 30
        case 2: isLeapYear(year) ? 29 : 28
        default: 0
        }
    }

    /// The value of a run of ASCII digits, or nil if any byte is not a digit.
    private static func number(_ digits: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for byte in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    /// `value` written in decimal with leading zeros to `width` digits.
    private static func padded(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}

extension CalendarDate: Comparable {
    /// Earlier dates sort first.
    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }
}

extension CalendarDate: CustomStringConvertible {
    /// `YYYY-MM-DD`.
    public var description: String {
        Self.padded(year, 4) + "-" + Self.padded(month, 2) + "-" + Self.padded(day, 2)
    }
}
