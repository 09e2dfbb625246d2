/// Excel's date serial numbers.
///
/// In the 1900 date system (the default) serial 1 is 1900-01-01 and, because Lotus 1-2-3
/// thought 1900 a leap year, serial 60 is the nonexistent 1900-02-29; from 61 (1900-03-01)
/// on, a serial is the number of days since 1899-12-30. In the 1904 system (old Mac
/// workbooks, `<workbookPr date1904="1"/>`) serial 0 is 1904-01-01. The fraction is the time
/// of day.
enum ExcelDate {
    /// The largest serial Excel shows as a date: 9999-12-31.
    static let maxSerial = 2_958_465.0

    /// Days in `month` of `year` in the proleptic Gregorian calendar.
    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 1, 3, 5, 7, 8, 10, 12: 31
        case 4, 6, 9, 11: 30
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        default: 0
        }
    }

    /// Days from 1970-01-01 to the given date (negative before it); Howard Hinnant's
    /// `days_from_civil`.
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date `days` after 1970-01-01; Howard Hinnant's `civil_from_days`.
    static func civil(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static let epoch1900 = days(year: 1899, month: 12, day: 30)
    private static let epoch1900BeforeMarch = days(year: 1899, month: 12, day: 31)
    private static let epoch1904 = days(year: 1904, month: 1, day: 1)
    private static let march1900 = days(year: 1900, month: 3, day: 1)

    /// The 1900-system serial number of a valid date (see ``SheetDate/isValid``).
    static func serial(of date: SheetDate) -> Double {
        let day = days(year: date.year, month: date.month, day: date.day)
        let whole = day - (day >= march1900 ? epoch1900 : epoch1900BeforeMarch)
        return Double(whole) + Double(date.secondsIntoDay) / 86_400
    }

    /// The date a serial number stands for, or `nil` for a serial that is no date: negative,
    /// not finite, after 9999-12-31, or 1900-02-29 (serial 60 in the 1900 system). A serial
    /// below 1 is a time of day alone, dated 1899-12-30 (1904-01-01 in the 1904 system).
    static func date(fromSerial serial: Double, date1904: Bool) -> SheetDate? {
        guard serial.isFinite, serial >= 0, serial <= maxSerial + 1 else { return nil }
        var whole = Int(serial.rounded(.down))
        var seconds = Int(((serial - Double(whole)) * 86_400).rounded())
        if seconds >= 86_400 {
            whole += 1
            seconds -= 86_400
        }
        let day: Int
        if date1904 {
            day = epoch1904 + whole
        } else if whole == 60 {
            return nil
        } else if whole >= 1 && whole < 60 {
            day = epoch1900BeforeMarch + whole
        } else {
            day = epoch1900 + whole
        }
        let (year, month, dayOfMonth) = civil(day)
        guard year <= 9999 else { return nil }
        var date = SheetDate(year: year, month: month, day: dayOfMonth)
        date.secondsIntoDay = seconds
        return date
    }
}
