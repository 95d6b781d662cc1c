/// A parameter that changes over the years: values at some years, linear interpolation between
/// them, flat before the first and after the last (MODEL.md §6).
///
/// ```
/// value(t) = v₀                                   t ≤ t₀
///          = vᵢ + (vᵢ₊₁ − vᵢ)·(t − tᵢ)/(tᵢ₊₁ − tᵢ)   tᵢ ≤ t ≤ tᵢ₊₁
///          = vₙ                                   t ≥ tₙ
/// ```
public struct YearPath: Sendable, Equatable {
    /// (year, value) points sorted by year, years distinct.
    public let points: [(year: Int, value: Double)]

    /// A path through `points`; years must be distinct (duplicates are a precondition failure:
    /// the scenario layer reports them as input errors before building a path).
    public init(_ points: [(year: Int, value: Double)]) {
        let sorted = points.sorted { $0.year < $1.year }
        precondition(!sorted.isEmpty, "a year path needs at least one point")
        precondition(zip(sorted, sorted.dropFirst()).allSatisfy { $0.year < $1.year }, "years in a path must be distinct")
        self.points = sorted
    }

    /// A path that is `value` in every year.
    public init(constant value: Double) {
        self.points = [(year: 0, value: value)]
    }

    public func value(in year: Int) -> Double {
        guard let first = points.first, let last = points.last else { return 0 }
        if year <= first.year { return first.value }
        if year >= last.year { return last.value }
        // Binary search for the segment [tᵢ, tᵢ₊₁] containing year.
        var lo = 0, hi = points.count - 1
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if points[mid].year <= year { lo = mid } else { hi = mid }
        }
        let a = points[lo], b = points[hi]
        let w = Double(year - a.year) / Double(b.year - a.year)
        return a.value + (b.value - a.value) * w
    }

    public static func == (l: YearPath, r: YearPath) -> Bool {
        l.points.count == r.points.count && zip(l.points, r.points).allSatisfy { $0.year == $1.year && $0.value == $1.value }
    }
}
