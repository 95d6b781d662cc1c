/// Day numbers of civil dates (proleptic Gregorian; 1970-01-01 = 0), for measures that start
/// or end within a year.
public enum CivilDate {
    /// Day number of a civil date.
    public static func dayNumber(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// Days in `year`: 365, or 366 in a leap year.
    public static func daysIn(year: Int) -> Int {
        dayNumber(year: year + 1, month: 1, day: 1) - dayNumber(year: year, month: 1, day: 1)
    }

    /// Days of [start, end] (day numbers, inclusive; end nil = open-ended) inside `year`.
    public static func daysInside(year: Int, start: Int, end: Int?) -> Int {
        let first = max(start, dayNumber(year: year, month: 1, day: 1))
        let last = min(end ?? Int.max, dayNumber(year: year + 1, month: 1, day: 1) - 1)
        return max(0, last - first + 1)
    }
}
