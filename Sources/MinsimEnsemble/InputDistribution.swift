import Foundation

/// The distribution of one uncertain input, sampled through its quantile function.
///
/// Every design (Monte Carlo, Latin hypercube, Sobol', Morris) produces points `u` in the
/// unit hypercube; an input's value is `quantile(u)`. Normal and lognormal distributions may be
/// truncated to `[lower, upper]`; the quantile then maps u into the truncated range:
/// ```
/// x = F⁻¹(F(lower) + u · (F(upper) − F(lower)))
/// ```
public enum InputDistribution: Sendable, Equatable {
    /// Uniform on `[lower, upper]`.
    case uniform(lower: Double, upper: Double)
    /// Triangular on `[lower, upper]` with its peak at `mode`.
    case triangular(lower: Double, mode: Double, upper: Double)
    /// Normal with `mean` and `standardDeviation`, optionally truncated to `[lower, upper]`.
    case normal(mean: Double, standardDeviation: Double, lower: Double?, upper: Double?)
    /// Lognormal given by the **mean and standard deviation of the value itself** (the
    /// convention of `LifetimeDistribution`): `ln x ~ N(μ, s²)` with
    /// `s² = ln(1 + sd²/mean²)`, `μ = ln(mean) − s²/2`; optionally truncated.
    case lognormal(mean: Double, standardDeviation: Double, lower: Double?, upper: Double?)
    /// One of `values`, chosen with probability proportional to `weights` (all > 0).
    case discrete(values: [Double], weights: [Double])

    /// The value at probability level `u` ∈ (0, 1). `u` = 0 or 1 give the bounds of bounded
    /// distributions and ∓∞ for an untruncated normal or lognormal side.
    public func quantile(_ u: Double) -> Double {
        switch self {
        case .uniform(let a, let b):
            return a + u * (b - a)
        case .triangular(let a, let c, let b):
            guard b > a else { return a }
            let f = (c - a) / (b - a)
            return u < f ? a + ((b - a) * (c - a) * u).squareRoot() : b - ((b - a) * (b - c) * (1 - u)).squareRoot()
        case .normal(let m, let s, let lo, let hi):
            let (pa, pb) = (lo.map { StandardNormal.cdf(($0 - m) / s) } ?? 0, hi.map { StandardNormal.cdf(($0 - m) / s) } ?? 1)
            return clamp(m + s * StandardNormal.quantile(pa + u * (pb - pa)), lo, hi)
        case .lognormal(let mean, let sd, let lo, let hi):
            let (mu, s) = Self.logParameters(mean: mean, standardDeviation: sd)
            let pa = lo.map { $0 > 0 ? StandardNormal.cdf((log($0) - mu) / s) : 0 } ?? 0
            let pb = hi.map { $0 > 0 ? StandardNormal.cdf((log($0) - mu) / s) : 0 } ?? 1
            return clamp(exp(mu + s * StandardNormal.quantile(pa + u * (pb - pa))), lo, hi)
        case .discrete(let values, let weights):
            let total = weights.reduce(0, +)
            var cumulative = 0.0
            for (v, w) in zip(values, weights) {
                cumulative += w
                if u * total < cumulative { return v }
            }
            return values.last ?? .nan
        }
    }

    /// The smallest and largest value the distribution can take (±∞ for open sides).
    public var support: (lower: Double, upper: Double) {
        switch self {
        case .uniform(let a, let b), .triangular(let a, _, let b): return (a, b)
        case .normal(_, _, let lo, let hi): return (lo ?? -.infinity, hi ?? .infinity)
        case .lognormal(_, _, let lo, let hi): return (max(lo ?? 0, 0), hi ?? .infinity)
        case .discrete(let values, _): return (values.min() ?? .nan, values.max() ?? .nan)
        }
    }

    /// Whether both sides of the support are finite (Morris designs need it: they evaluate
    /// inputs at the ends of their range).
    public var isBounded: Bool { support.lower.isFinite && support.upper.isFinite }

    /// `(μ, s)` of `ln x` for a lognormal with the given mean and standard deviation of x.
    public static func logParameters(mean: Double, standardDeviation: Double) -> (mu: Double, sigma: Double) {
        let s2 = log(1 + standardDeviation * standardDeviation / (mean * mean))
        return (log(mean) - s2 / 2, s2.squareRoot())
    }

    /// Rounding in the tails can put `F⁻¹(F(bound))` a few ulps outside the bound.
    private func clamp(_ x: Double, _ lo: Double?, _ hi: Double?) -> Double {
        min(max(x, lo ?? -.infinity), hi ?? .infinity)
    }
}
