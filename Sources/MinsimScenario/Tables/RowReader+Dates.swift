import MinsimEngine

/// Dates and year ranges of dated measures (`shocks`).
extension RowReader {
    /// A date cell `yyyy-mm-dd` as a day number (`CivilDate`); nil after reporting why it is
    /// not a date.
    mutating func date(_ cell: Table.Cell, _ field: String) -> Int? {
        guard let text = string(cell, key: field) else { return nil }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        let digits =
            parts.count == 3 && parts[0].count == 4 && parts[1].count == 2 && parts[2].count == 2
            && parts.allSatisfy { $0.allSatisfy { $0.isASCII && $0.isNumber } }
        guard digits, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else {
            error(cell.location, "'\(field)' in \(what) is '\(text)'; write a date as yyyy-mm-dd, e.g. 2026-07-01")
            return nil
        }
        guard (1...9999).contains(y), (1...12).contains(m) else {
            error(cell.location, "'\(field)' in \(what) is '\(text)', which is not a real date (month \(m) of year \(y))")
            return nil
        }
        let length =
            CivilDate.dayNumber(year: m == 12 ? y + 1 : y, month: m == 12 ? 1 : m + 1, day: 1)
            - CivilDate.dayNumber(year: y, month: m, day: 1)
        guard (1...length).contains(d) else {
            error(cell.location, "'\(field)' in \(what) is '\(text)', which is not a real date (that month has \(length) days)")
            return nil
        }
        return CivilDate.dayNumber(year: y, month: m, day: d)
    }

    /// `start_year` and the optional `end_year` (blank = open-ended); nil after reporting a problem.
    mutating func yearRange() -> (Int, Int?)? {
        let start = year("start_year")
        var end: Int? = nil
        if let cell = optional("end_year") {
            guard let e = year("end_year") else { return nil }
            if let s = start, e < s {
                error(
                    cell.location,
                    "'end_year' in \(what) is \(e), before its start_year \(s); a shock ends in or after the year it starts")
                return nil
            }
            end = e
        }
        guard let start else { return nil }
        return (start, end)
    }
}
