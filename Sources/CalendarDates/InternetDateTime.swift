import Foundation

/// RFC 3339 date-times in the one shape enroll writes (`Enroll-Signed-At`, the store's
/// timestamps, the forms' collection windows): `YYYY-MM-DDTHH:MM:SS` followed by `Z` or
/// `±HH:MM`, read without a date formatter.
///
/// Creating an `ISO8601DateFormatter` builds an ICU calendar each time; a bulk validation
/// read several of these per bundle, which came to 6% of `enroll validate`. This reader
/// accepts only what that formatter reads the same way, so a caller may try it first and
/// keep the formatter for anything else.
public enum InternetDateTime {
    /// The instant `text` names, or nil when it is not exactly that shape naming a real time:
    /// four-digit year, month 1–12, a day of that month, hour 0–23, minute and second 0–59,
    /// and an offset of at most 23:59 (`Z` meaning +00:00). No fraction, no lowercase `t`/`z`,
    /// no leap second: for those, nil.
    public static func parse(_ text: some StringProtocol) -> Date? {
        let bytes = Array(text.utf8)
        let count = bytes.count
        guard count == 20 || count == 25 else { return nil }
        func digits(_ start: Int, _ length: Int) -> Int? {
            var value = 0
            for index in start..<(start + length) {
                let byte = bytes[index]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let date = CalendarDate(isoUTF8: bytes[0..<10]), bytes[10] == UInt8(ascii: "T"),
              bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
              let hour = digits(11, 2), let minute = digits(14, 2), let second = digits(17, 2),
              hour < 24, minute < 60, second < 60
        else { return nil }
        var offset = 0
        if count == 20 {
            guard bytes[19] == UInt8(ascii: "Z") else { return nil }
        } else {
            let sign = bytes[19]
            guard sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-"), bytes[22] == UInt8(ascii: ":"),
                  let offsetHours = digits(20, 2), let offsetMinutes = digits(23, 2), offsetHours < 24, offsetMinutes < 60
            else { return nil }
            offset = (offsetHours * 60 + offsetMinutes) * 60 * (sign == UInt8(ascii: "-") ? -1 : 1)
        }
        let seconds = date.dayNumber * 86_400 + hour * 3_600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }
}
