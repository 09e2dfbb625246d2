import CalendarDates

extension CalendarDate {
    /// A uniformly random date in the closed range `lo...hi` (`lo` when `hi` is earlier).
    static func random(from lo: CalendarDate, to hi: CalendarDate, using rng: inout SampleRandom) -> CalendarDate {
        CalendarDate(dayNumber: rng.int(lo.dayNumber...max(lo.dayNumber, hi.dayNumber)))
    }
}
