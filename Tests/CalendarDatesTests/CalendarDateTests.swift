import CalendarDates
import Foundation
import Testing

@Suite("Calendar dates")
struct CalendarDateTests {
    @Test("leap years: every 4th year, not every 100th, but every 400th")
    func leapYears() {
        #expect(CalendarDate.isLeapYear(2024))
        #expect(CalendarDate.isLeapYear(2000))
        #expect(!CalendarDate.isLeapYear(1900))
        #expect(!CalendarDate.isLeapYear(2100))
        #expect(!CalendarDate.isLeapYear(2023))
        #expect(CalendarDate.daysInMonth(year: 2024, month: 2) == 29)
        #expect(CalendarDate.daysInMonth(year: 1900, month: 2) == 28)
        #expect(CalendarDate.daysInMonth(year: 2023, month: 4) == 30)
        #expect(CalendarDate.daysInMonth(year: 2023, month: 12) == 31)
        #expect(CalendarDate.daysInMonth(year: 2023, month: 13) == 0)
    }

    @Test("only real days are dates")
    func validity() {
        #expect(CalendarDate(year: 2024, month: 2, day: 29) != nil)
        #expect(CalendarDate(year: 2000, month: 2, day: 29) != nil)
        #expect(CalendarDate(year: 2023, month: 2, day: 29) == nil)
        #expect(CalendarDate(year: 1900, month: 2, day: 29) == nil)
        #expect(CalendarDate(year: 2023, month: 4, day: 31) == nil)
        #expect(CalendarDate(year: 2023, month: 0, day: 1) == nil)
        #expect(CalendarDate(year: 2023, month: 13, day: 1) == nil)
        #expect(CalendarDate(year: 2023, month: 1, day: 0) == nil)
        let date = CalendarDate(2018, 3, 15)
        #expect(date.year == 2018 && date.month == 3 && date.day == 15)
    }

    @Test("ISO YYYY-MM-DD: exactly four, two and two ASCII digits naming a real day")
    func isoParsing() {
        #expect(CalendarDate(iso: "2018-03-15") == CalendarDate(2018, 3, 15))
        #expect(CalendarDate(iso: "2024-02-29") == CalendarDate(2024, 2, 29))
        #expect(CalendarDate(iso: "0001-01-01") == CalendarDate(1, 1, 1))
        for bad in ["2023-02-29", "2018-3-15", "2018-03-5", "18-03-15", "2018/03/15", "20180315", "+201-03-15",
                    "2018-03-15 ", " 2018-03-15", "2018-03-15T00:00:00Z", "２０１８-03-15", "2018-13-01", "2018-00-10", ""] {
            #expect(CalendarDate(iso: bad) == nil, "\(bad) was accepted")
        }
        #expect(CalendarDate(isoUTF8: Array("2019-08-31".utf8)) == CalendarDate(2019, 8, 31))
    }

    @Test("compact YYYYMMDD, as inside an ID number")
    func compactParsing() {
        #expect(CalendarDate(compact: "20180315") == CalendarDate(2018, 3, 15))
        #expect(CalendarDate(compact: "20000229") == CalendarDate(2000, 2, 29))
        for bad in ["19000229", "20180230", "2018031", "201803150", "2018-03-15", "2018031X", "+2018031"] {
            #expect(CalendarDate(compact: bad) == nil, "\(bad) was accepted")
        }
        #expect(CalendarDate(2018, 3, 5).compact == "20180305")
        #expect(CalendarDate(2018, 3, 5).description == "2018-03-05")
        #expect(CalendarDate(987, 1, 2).description == "0987-01-02")
    }

    @Test("day numbers count from 1970-01-01 and invert exactly")
    func dayNumbers() {
        #expect(CalendarDate(1970, 1, 1).dayNumber == 0)
        #expect(CalendarDate(1970, 1, 2).dayNumber == 1)
        #expect(CalendarDate(1969, 12, 31).dayNumber == -1)
        #expect(CalendarDate(2000, 3, 1).dayNumber == 11017)
        #expect(CalendarDate(2024, 6, 1).dayNumber == 19875)
        // Every day of four centuries (a full Gregorian cycle) round-trips, one day apart.
        var previous = CalendarDate(1899, 12, 31)
        var wrong: [Int] = []
        for number in (previous.dayNumber + 1)...CalendarDate(2300, 1, 1).dayNumber {
            let date = CalendarDate(dayNumber: number)
            if date.dayNumber != number || CalendarDate(year: date.year, month: date.month, day: date.day) != date
                || !(previous < date) || previous.adding(days: 1) != date
            {
                wrong.append(number)
            }
            previous = date
        }
        #expect(wrong.isEmpty, "day numbers that do not round-trip: \(wrong.prefix(10))")
        #expect(previous == CalendarDate(2300, 1, 1))
    }

    @Test("adding days and years")
    func arithmetic() {
        #expect(CalendarDate(2024, 2, 28).adding(days: 1) == CalendarDate(2024, 2, 29))
        #expect(CalendarDate(2023, 2, 28).adding(days: 1) == CalendarDate(2023, 3, 1))
        #expect(CalendarDate(2024, 12, 31).adding(days: 1) == CalendarDate(2025, 1, 1))
        #expect(CalendarDate(2024, 3, 1).adding(days: -1) == CalendarDate(2024, 2, 29))
        #expect(CalendarDate(2017, 9, 1).days(until: CalendarDate(2018, 8, 31)) == 364)
        #expect(CalendarDate(2018, 8, 31).days(until: CalendarDate(2017, 9, 1)) == -364)
        #expect(CalendarDate(2018, 3, 15).adding(years: 6) == CalendarDate(2024, 3, 15))
        #expect(CalendarDate(2024, 2, 29).adding(years: 1) == CalendarDate(2025, 2, 28))
        #expect(CalendarDate(2024, 2, 29).adding(years: 4) == CalendarDate(2028, 2, 29))
        #expect(CalendarDate(2024, 2, 29).adding(years: -24) == CalendarDate(2000, 2, 29))
    }

    @Test("dates order by year, then month, then day")
    func ordering() {
        #expect(CalendarDate(2017, 12, 31) < CalendarDate(2018, 1, 1))
        #expect(CalendarDate(2018, 1, 31) < CalendarDate(2018, 2, 1))
        #expect(CalendarDate(2018, 2, 1) < CalendarDate(2018, 2, 2))
        #expect(!(CalendarDate(2018, 2, 2) < CalendarDate(2018, 2, 2)))
        #expect([CalendarDate(2019, 1, 1), CalendarDate(2017, 5, 5), CalendarDate(2018, 3, 3)].sorted()
            == [CalendarDate(2017, 5, 5), CalendarDate(2018, 3, 3), CalendarDate(2019, 1, 1)])
    }

    @Test("an instant's date depends on the time zone")
    func fromInstant() throws {
        // 2024-05-31 20:00 UTC is already 1 June in Beijing (UTC+8).
        let instant = try #require(ISO8601DateFormatter().date(from: "2024-05-31T20:00:00Z"))
        let shanghai = try #require(TimeZone(identifier: "Asia/Shanghai"))
        let utc = try #require(TimeZone(identifier: "UTC"))
        #expect(CalendarDate(instant, in: shanghai) == CalendarDate(2024, 6, 1))
        #expect(CalendarDate(instant, in: utc) == CalendarDate(2024, 5, 31))
    }
}

/// ``InternetDateTime`` against Foundation's `ISO8601DateFormatter`, which it stands in for:
/// the same instant for every string it reads, and nil for what it leaves to the formatter.
@Suite("Internet date-times")
struct InternetDateTimeTests {
    @Test("reads what the formatter reads, to the second, over two centuries and every offset shape")
    func agreesWithTheFormatter() throws {
        let formatter = ISO8601DateFormatter()
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(bound))
        }
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        var checked = 0
        for _ in 0..<2_000 {
            let year = 1900 + next(200), month = 1 + next(12)
            let day = 1 + next(CalendarDate.daysInMonth(year: year, month: month))
            let offsets = ["Z", "+08:00", "-05:30", "+00:00", "+14:00", "-\(two(next(24))):\(two(next(60)))"]
            let text = "\(year)-\(two(month))-\(two(day))T\(two(next(24))):\(two(next(60))):\(two(next(60)))" + offsets[next(offsets.count)]
            let expected = try #require(formatter.date(from: text), "the formatter reads \(text)")
            #expect(InternetDateTime.parse(text) == expected, "\(text)")
            checked += 1
        }
        #expect(checked == 2_000)
        // The edges of the calendar and the clock.
        for text in ["2024-02-29T23:59:59+08:00", "2000-02-29T00:00:00Z", "1970-01-01T00:00:00Z", "1969-12-31T23:59:59Z",
                     "2024-12-31T23:59:59-23:59", "2024-01-01T00:00:00+23:59"] {
            #expect(InternetDateTime.parse(text) == formatter.date(from: text), "\(text)")
            #expect(InternetDateTime.parse(text) != nil, "\(text)")
        }
        #expect(InternetDateTime.parse("1970-01-01T08:00:00+08:00") == Date(timeIntervalSince1970: 0))
    }

    @Test("leaves everything else to the formatter", arguments: [
        "", "2024-06-05", "2024-06-05T10:00:00", "2024-06-05 10:00:00Z", "2024-06-05t10:00:00Z", "2024-06-05T10:00:00z",
        "2024-06-05T10:00:00.5Z", "2024-06-05T10:00:00+0800", "2024-06-05T10:00:00+08", "2023-02-29T10:00:00Z",
        "2024-13-01T10:00:00Z", "2024-00-10T10:00:00Z", "2024-04-31T10:00:00Z", "2024-06-05T24:00:00Z",
        "2024-06-05T10:60:00Z", "2024-06-05T10:00:60Z", "2024-06-05T10:00:00+24:00", "2024-06-05T10:00:00+08:60",
        "２０２４-06-05T10:00:00Z", "+2024-06-05T10:00:00Z", "2024-06-05T10:00:00+08:00 ", "2024/06/05T10:00:00Z",
    ])
    func refuses(_ text: String) {
        #expect(InternetDateTime.parse(text) == nil)
    }
}
