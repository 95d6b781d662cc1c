/// First-order and total Sobol' indices of one output from a Saltelli design, with bootstrap
/// confidence intervals — the estimators and conventions of SALib's `sobol.analyze`
/// (`calc_second_order=False`), so results can be checked against it on the same samples.
///
/// With `f_A`, `f_B`, `f_ABj` the outputs of the rows A, B and AB_j of N base samples, after
/// centring and scaling all N (D + 2) outputs by their mean and standard deviation (as SALib
/// does: the first-order estimator is not shift invariant in finite samples):
/// ```
/// V     = Var([f_A; f_B])                                  (population variance)
/// S_j   = mean(f_B · (f_ABj − f_A)) / V                    (Saltelli et al. 2010, eq. (b))
/// ST_j  = ½ mean((f_A − f_ABj)²) / V                       (Jansen 1999, eq. (f))
/// ```
/// Confidence: `z_{(1+c)/2}` times the standard deviation (n − 1) of the estimator over
/// `resamples` bootstrap resamples of the N base samples (the same resamples for every input
/// and both indices).
///
/// Reference: A. Saltelli, P. Annoni, I. Azzini, F. Campolongo, M. Ratto, S. Tarantola,
/// "Variance based sensitivity analysis of model output. Design and estimator for the total
/// sensitivity index", Computer Physics Communications 181 (2010) 259–270, Table 2.
public struct SobolIndices: Sendable, Equatable {
    public var first: [Double]
    public var firstConfidence: [Double]
    public var total: [Double]
    public var totalConfidence: [Double]

    /// - Parameters:
    ///   - outputs: f of every run in Saltelli order: per base sample A, AB_1 … AB_D, B.
    ///   - dimension: D.
    ///   - resamples: bootstrap resamples (SALib's default 100).
    ///   - confidenceLevel: c (default 0.95).
    ///   - seed: seed of the bootstrap stream.
    /// - Returns: nil when the outputs have no variance beyond rounding (sd ≤ 1e-12 max |f|;
    ///   every index would be 0/0 or noise) or fewer than 2 base samples.
    public static func estimate(
        outputs: [Double], dimension d: Int, resamples: Int = 100, confidenceLevel: Double = 0.95, seed: UInt64
    ) -> SobolIndices? {
        precondition(d >= 1 && outputs.count % (d + 2) == 0, "\(outputs.count) outputs are not N (D + 2) for D = \(d)")
        let n = outputs.count / (d + 2)
        guard n >= 2 else { return nil }
        let mean = outputs.reduce(0, +) / Double(outputs.count)
        var ss = 0.0
        for y in outputs { ss += (y - mean) * (y - mean) }
        let sd = (ss / Double(outputs.count)).squareRoot()
        // A spread below 1e-12 of the outputs' size is rounding (a base-year value that a
        // recalibration reproduces to the last bits), not variance: scaling it to unit variance
        // would turn rounding into indices.
        let size = outputs.reduce(0.0) { max($0, abs($1)) }
        guard sd.isFinite, sd > 1e-12 * size else { return nil }
        let y = outputs.map { ($0 - mean) / sd }
        func a(_ i: Int) -> Double { y[i * (d + 2)] }
        func b(_ i: Int) -> Double { y[i * (d + 2) + d + 1] }
        func ab(_ i: Int, _ j: Int) -> Double { y[i * (d + 2) + 1 + j] }

        /// (S_j, ST_j) over the base samples `rows`.
        func indices(_ rows: [Int], _ j: Int) -> (Double, Double)? {
            let m = Double(rows.count)
            var sum = 0.0, sumSq = 0.0, s1 = 0.0, st = 0.0
            for i in rows {
                sum += a(i) + b(i)
                s1 += b(i) * (ab(i, j) - a(i))
                st += (a(i) - ab(i, j)) * (a(i) - ab(i, j))
            }
            let mu = sum / (2 * m)
            for i in rows { sumSq += (a(i) - mu) * (a(i) - mu) + (b(i) - mu) * (b(i) - mu) }
            let v = sumSq / (2 * m)
            // The outputs are scaled to unit variance, so V of the whole sample is O(1). A
            // variance below 1e-10 is rounding of equal values (≈ 1e-32 for O(1) numbers), not
            // spread: such a set (a bootstrap resample of a rare event whose A and B rows are
            // all equal) has no index; dividing by it would give ~1e28.
            guard v > 1e-10 else { return nil }
            return (s1 / m / v, 0.5 * st / m / v)
        }
        let all = Array(0..<n)
        var out = SobolIndices(first: [], firstConfidence: [], total: [], totalConfidence: [])
        var boot = (first: [[Double]](repeating: [], count: d), total: [[Double]](repeating: [], count: d))
        var rng = RandomStream(seed: seed, stream: SamplingDesign.Stream.bootstrap)
        for _ in 0..<resamples {
            let rows = (0..<n).map { _ in rng.nextIndex(below: n) }
            for j in 0..<d {
                // A resample whose A and B rows are all equal has no variance: it says nothing
                // about the spread and is left out (SALib would give NaN for it).
                guard let (s, t) = indices(rows, j) else { continue }
                boot.first[j].append(s)
                boot.total[j].append(t)
            }
        }
        let z = StandardNormal.quantile(0.5 + confidenceLevel / 2)
        for j in 0..<d {
            guard let (s, t) = indices(all, j) else { return nil }
            out.first.append(s)
            out.total.append(t)
            out.firstConfidence.append(z * SampleStatistics.standardDeviation(boot.first[j]))
            out.totalConfidence.append(z * SampleStatistics.standardDeviation(boot.total[j]))
        }
        return out
    }
}
