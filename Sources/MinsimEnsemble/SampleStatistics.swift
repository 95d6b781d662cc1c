/// Summary statistics of one column of sample values, always summed in sample order so that
/// the result never depends on how the samples were computed.
public enum SampleStatistics {
    /// Arithmetic mean (0 for an empty column).
    public static func mean(_ x: [Double]) -> Double {
        x.isEmpty ? 0 : x.reduce(0, +) / Double(x.count)
    }

    /// Sample standard deviation with n − 1 in the denominator (0 when n < 2), two-pass.
    public static func standardDeviation(_ x: [Double]) -> Double {
        guard x.count > 1 else { return 0 }
        let m = mean(x)
        var ss = 0.0
        for v in x { ss += (v - m) * (v - m) }
        return (ss / Double(x.count - 1)).squareRoot()
    }

    /// The p-quantile of values already **sorted ascending**, by linear interpolation between
    /// order statistics (Hyndman & Fan 1996 definition 7; NumPy's and R's default):
    /// ```
    /// h = (n − 1) p,   Q(p) = x₍⌊h⌋₎ + (h − ⌊h⌋) (x₍⌊h⌋+1₎ − x₍⌊h⌋₎)     (0-based order statistics)
    /// ```
    /// Exact: computed from every value, no sketch. Nil for an empty column.
    public static func quantile(sorted x: [Double], _ p: Double) -> Double? {
        precondition(p >= 0 && p <= 1, "quantile level \(p) outside [0, 1]")
        guard !x.isEmpty else { return nil }
        let h = Double(x.count - 1) * p
        let lo = Int(h.rounded(.down))
        let hi = min(lo + 1, x.count - 1)
        let frac = h - Double(lo)
        return frac == 0 ? x[lo] : x[lo] + frac * (x[hi] - x[lo])
    }
}
