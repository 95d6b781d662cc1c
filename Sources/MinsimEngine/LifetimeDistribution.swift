import Foundation

/// How long a unit (a vehicle, a battery pack) stays in use, in years: the lifetime
/// distribution of a dynamic stock model (MODEL.md §6).
///
/// Every parameter is a property of the **lifetime itself**, in years — including the
/// lognormal, whose `mean` and `standardDeviation` are those of the lifetime, not of its
/// logarithm (the convention of ODYM's `dynamic_stock_model.py`). The survival function is
/// ```
/// S(a) = 1 − F(a),   F the CDF of the lifetime, a = age in years
/// ```
/// and the distribution is **not truncated**: a normal lifetime keeps the mass it puts on
/// negative ages, so `S(0.5) < 1` even for a mean far from zero, and that mass retires in the
/// year of sale. This matches the untruncated models of other dynamic-MFA tools so that
/// results can be compared; truncating would change every retirement.
///
/// Parameters are checked by `validated()`; `FleetStockModel` calls it before use.
public enum LifetimeDistribution: Sendable, Hashable {
    /// Normal lifetime, `F(a) = Φ((a − mean)/standardDeviation)`. Both in years, > 0.
    ///
    /// A zero standard deviation is rejected: use `.fixed(years:)` for a deterministic
    /// lifetime (the normal would put the whole cohort on one instant, which the discrete
    /// mid-year ages only resolve when the mean is an integer).
    case normal(mean: Double, standardDeviation: Double)
    /// Weibull lifetime, `S(a) = exp(−(a/scale)^shape)` for `a ≥ 0`, 1 for `a < 0`.
    /// `shape` k (dimensionless) and `scale` λ (years) must be > 0.
    case weibull(shape: Double, scale: Double)
    /// Lognormal lifetime with the given **mean and standard deviation of the lifetime**
    /// (years, both > 0). The parameters of `ln(lifetime) ~ N(μ, σ²)` follow from the moments:
    /// ```
    /// σ² = ln(1 + sd²/mean²),   μ = ln(mean) − σ²/2
    /// ```
    case lognormal(mean: Double, standardDeviation: Double)
    /// Every unit is used for exactly `years` (≥ 1): `S(a) = 1` for `a < years`, 0 after.
    ///
    /// With mid-year entry a unit sold in year `c` has age `m − c + 0.5` at the end of year
    /// `m`, so it is in stock at the end of years `c … c + years − 1` and the whole cohort
    /// retires in year `c + years` — an exact lag, with survival values exactly 0 or 1.
    case fixed(years: Int)

    /// The distribution, or `FleetStockError` listing every parameter that is not finite and
    /// > 0 (a fixed lifetime must be ≥ 1 year).
    public func validated() throws(FleetStockError) -> LifetimeDistribution {
        let issues = self.issues
        if !issues.isEmpty { throw FleetStockError(issues: issues) }
        return self
    }

    /// Every problem with the parameters (empty when valid).
    public var issues: [FleetStockIssue] {
        func positive(_ name: String, _ value: Double) -> FleetStockIssue? {
            value.isFinite && value > 0 ? nil : .invalidLifetimeParameter(name: name, value: value)
        }
        switch self {
        case .normal(let mean, let sd):
            return [positive("normal mean", mean), positive("normal standard deviation", sd)].compactMap { $0 }
        case .weibull(let shape, let scale):
            return [positive("Weibull shape", shape), positive("Weibull scale", scale)].compactMap { $0 }
        case .lognormal(let mean, let sd):
            return [positive("lognormal mean", mean), positive("lognormal standard deviation", sd)].compactMap { $0 }
        case .fixed(let years):
            return years >= 1 ? [] : [.invalidFixedLifetime(years: years)]
        }
    }

    /// `(μ, σ)` of `ln(lifetime)` for a lognormal given by the lifetime's mean and sd.
    ///
    /// `log1p` keeps σ² accurate when sd ≪ mean (where `ln(1 + x)` would lose digits).
    static func logParameters(mean: Double, standardDeviation sd: Double) -> (mu: Double, sigma: Double) {
        let ratio = sd / mean
        let variance = log1p(ratio * ratio)
        return (log(mean) - variance / 2, variance.squareRoot())
    }

    /// Survival `S(a)`: the share of a cohort still in use at age `a` years.
    ///
    /// ```
    /// normal     S(a) = ½·erfc((a − mean) / (sd·√2))
    /// lognormal  S(a) = ½·erfc((ln a − μ) / (σ·√2))  for a > 0, 1 otherwise
    /// Weibull    S(a) = exp(−(a/λ)^k)                for a ≥ 0, 1 otherwise
    /// fixed      S(a) = 1 if a < L, else 0
    /// ```
    /// `erfc` rather than `1 − Φ`: the complement is computed directly, so far-tail survival
    /// shares (1e-10 and below) keep full relative accuracy instead of cancelling to 0.
    ///
    /// Requires valid parameters (see `validated()`); otherwise the value is meaningless.
    public func survival(atAge a: Double) -> Double {
        switch self {
        case .normal(let mean, let sd):
            return 0.5 * erfc((a - mean) / (sd * 2.0.squareRoot()))
        case .lognormal(let mean, let sd):
            guard a > 0 else { return 1 }
            let (mu, sigma) = Self.logParameters(mean: mean, standardDeviation: sd)
            return 0.5 * erfc((log(a) - mu) / (sigma * 2.0.squareRoot()))
        case .weibull(let shape, let scale):
            guard a > 0 else { return 1 }
            return exp(-pow(a / scale, shape))
        case .fixed(let years):
            return a < Double(years) ? 1 : 0
        }
    }

    /// `S(k + 0.5)` for `k = 0 … maxAge`: survival at the end of each year of life under
    /// mid-year entry. One evaluation per age, shared by every cohort.
    func midYearSurvival(throughAge maxAge: Int) -> [Double] {
        (0...max(maxAge, 0)).map { survival(atAge: Double($0) + 0.5) }
    }
}
