import CalendarDates
import Foundation

/// The one clock enroll reads: the store's timestamps, a bundle's `Enroll-Signed-At`, the
/// collection-window check at 提交 and at import.
///
/// It is the system clock unless set, for tests, training and the demo (docs/FORMATS.md,
/// "The clock"):
/// - for the current task, with `StoreClock.$fixed.withValue(date) { … }` (tests);
/// - for a process, with the environment variable `ENROLL_NOW`, an ISO 8601 date-time with its
///   offset (`ENROLL_NOW=2024-06-05T10:00:00+08:00`).
public enum StoreClock {
    /// The environment variable that sets the clock for a process.
    public static let environmentVariable = "ENROLL_NOW"

    /// A time fixed for the current task (and the tasks it starts); nil to read on.
    @TaskLocal public static var fixed: Date?

    /// The time of seed-manual dates and bag-info timestamps (the seeds are in Asia/Shanghai).
    public static let shanghai = TimeZone(identifier: "Asia/Shanghai")!

    /// Now: the task's fixed time, else `ENROLL_NOW`, else the system clock.
    /// - Throws: `EnrollError` (usage, `usage.clock`) when `ENROLL_NOW` is set but is not an
    ///   ISO 8601 date-time with its offset.
    public static func current() throws -> Date {
        if let fixed { return fixed }
        guard let text = ProcessInfo.processInfo.environment[environmentVariable], !text.isEmpty else { return Date() }
        guard let date = parse(text) else {
            throw EnrollError.usage(
                .usageClock, Location(),
                zh: "环境变量 ENROLL_NOW 的值“\(text)”不是带时区的 ISO 8601 时间，例如 2024-06-05T10:00:00+08:00。",
                en: "ENROLL_NOW is \"\(text)\", not an ISO 8601 date-time with its offset such as 2024-06-05T10:00:00+08:00.")
        }
        return date
    }

    /// Now, for places that cannot fail (a malformed `ENROLL_NOW` is reported by the commands
    /// that sign or import, through ``current()``): the system clock then.
    public static func date() -> Date { (try? current()) ?? Date() }

    /// Reads an ISO 8601 date-time with its offset (`Z` or `±hh:mm`); nil otherwise. The
    /// shape enroll writes is read directly (``InternetDateTime``), anything else by
    /// Foundation's formatter, as before.
    public static func parse(_ text: String) -> Date? {
        InternetDateTime.parse(text) ?? ISO8601DateFormatter().date(from: text)
    }

    /// A time as a bundle records it (`Enroll-Signed-At`): ISO 8601 in Asia/Shanghai, `+08:00`.
    public static func signingText(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = shanghai
        return formatter.string(from: date)
    }

    /// Now as the store records it (ISO 8601, UTC, seconds).
    static func now() -> String { string(date()) }

    /// A time as the store records it (ISO 8601, UTC, seconds).
    static func string(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

}
