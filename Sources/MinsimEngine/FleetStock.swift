import Foundation

// MARK: - Errors

/// One problem with the inputs of a fleet stock model or its material accounting.
public enum FleetStockIssue: Sendable, Hashable {
    /// A lifetime parameter (mean, standard deviation, shape or scale) is not finite and > 0.
    case invalidLifetimeParameter(name: String, value: Double)
    /// A fixed lifetime is below 1 year.
    case invalidFixedLifetime(years: Int)
    /// The inflow series does not have one value per model year.
    case inflowCountMismatch(years: ClosedRange<Int>, count: Int)
    /// An inflow is not finite and ≥ 0.
    case invalidInflow(year: Int, value: Double)
    /// An initial-stock cohort is not older than the first model year.
    case initialCohortNotBeforeFirstYear(cohort: Int, firstYear: Int)
    /// An initial-stock count is not finite and ≥ 0.
    case invalidInitialStock(cohort: Int, value: Double)
    /// Units of this cohort are said to be in use at the start of the first year, but the
    /// lifetime distribution gives them zero survival by then: `S(firstYear − 1 − c + 0.5) = 0`,
    /// so their conditional survival is undefined.
    case initialCohortCannotSurvive(cohort: Int, firstYear: Int)
    /// No material content was given for a cohort of the model.
    case missingContent(cohort: Int)
    /// A material content is not finite and ≥ 0.
    case invalidContent(cohort: Int, value: Double)
    /// A collection rate or recovery efficiency is not in [0, 1].
    case invalidRate(name: String, value: Double)

    /// A sentence a user can act on.
    public var message: String {
        switch self {
        case .invalidLifetimeParameter(let name, let v):
            return
                "\(name) is \(v); lifetime parameters are in years (shape is dimensionless) and must be finite and > 0 — for a deterministic lifetime use a fixed lifetime instead of a zero standard deviation"
        case .invalidFixedLifetime(let years):
            return "fixed lifetime is \(years) years; it must be at least 1 year"
        case .inflowCountMismatch(let years, let count):
            return
                "inflow has \(count) values for the \(years.count) years \(years.lowerBound)–\(years.upperBound); give one value per year"
        case .invalidInflow(let year, let v):
            return "inflow in \(year) is \(v); inflows must be finite and ≥ 0"
        case .initialCohortNotBeforeFirstYear(let c, let first):
            return
                "initial stock has cohort \(c), but initial cohorts must be sold before the first model year \(first); put sales from \(first) on in the inflow"
        case .invalidInitialStock(let c, let v):
            return "initial stock of cohort \(c) is \(v); counts must be finite and ≥ 0"
        case .initialCohortCannotSurvive(let c, let first):
            return
                "initial stock of cohort \(c) is positive, but under this lifetime distribution no unit sold in \(c) is still in use at the start of \(first); lengthen the lifetime or drop that cohort"
        case .missingContent(let c):
            return
                "no material content given for cohort \(c); give a content for every cohort (initial-stock cohorts and every model year)"
        case .invalidContent(let c, let v):
            return "material content of cohort \(c) is \(v); contents must be finite and ≥ 0"
        case .invalidRate(let name, let v):
            return "\(name) is \(v); it must be a fraction in [0, 1]"
        }
    }
}

/// The inputs of a fleet stock model or its material accounting are invalid; `issues` lists
/// every problem found, not only the first.
public struct FleetStockError: Error, Sendable, Hashable {
    public let issues: [FleetStockIssue]
    public init(issues: [FleetStockIssue]) { self.issues = issues }
}

// MARK: - Model

/// An inflow-driven dynamic stock model (dynamic material flow analysis, MODEL.md §6): units
/// sold each year enter the stock and retire following a lifetime distribution.
///
/// Time convention: year `t` spans `[t − 0.5, t + 0.5]` and units enter mid-year, so at the
/// end of year `m` a unit sold in year `c ≤ m` has age `m − c + 0.5`:
/// ```
/// stock_c(m)   = I_c · S(m − c + 0.5)                      stock by cohort, end of year m
/// outflow_c(m) = I_c · (1 − S(0.5))                        m = c
///              = I_c · (S(m − c − 0.5) − S(m − c + 0.5))   m > c
/// stock(m)     = Σ_{c ≤ m} stock_c(m)
/// ```
/// with `S` the survival function of the untruncated lifetime distribution.
///
/// Units already in use before the first year (`initialStock`, cohort `c < first`, counted at
/// the end of year `first − 1`) survive **conditionally** on having lasted that long:
/// ```
/// stock_c(m) = N_c · S(m − c + 0.5) / S(first − 1 − c + 0.5)
/// ```
///
/// The model is a definition: `compute()` returns a `FleetStockResult`. Inputs are validated
/// when the model is created.
public struct FleetStockModel: Sendable {
    /// Model years, first … last.
    public let years: ClosedRange<Int>
    /// Units sold per year (e.g. electric vehicles), one per model year; the unit of count is
    /// the caller's (vehicles, packs) and carries through to stocks and outflows.
    public let inflow: [Double]
    public let lifetime: LifetimeDistribution
    /// Units in use at the end of year `first − 1`, by cohort (sale year `< first`).
    public let initialStock: [Int: Double]

    /// Creates a model.
    ///
    /// - Parameters:
    ///   - years: the model years; `inflow` has one value per year.
    ///   - inflow: units sold per year, finite and ≥ 0.
    ///   - lifetime: the lifetime distribution, used for every cohort.
    ///   - initialStock: units still in use at the start of the first year (end of
    ///     `first − 1`), keyed by sale year `< first`; counts finite and ≥ 0.
    /// - Throws: `FleetStockError` listing every problem: invalid lifetime parameters, a
    ///   wrong number of inflows, negative or non-finite inflows or counts, initial cohorts not
    ///   before the first year, and positive initial cohorts the lifetime says cannot still be
    ///   in use (zero survival at the start of the first year).
    public init(
        years: ClosedRange<Int>, inflow: [Double], lifetime: LifetimeDistribution,
        initialStock: [Int: Double] = [:]
    ) throws(FleetStockError) {
        var issues = lifetime.issues
        if inflow.count != years.count {
            issues.append(.inflowCountMismatch(years: years, count: inflow.count))
        }
        for (k, v) in inflow.enumerated() where !(v.isFinite && v >= 0) {
            issues.append(.invalidInflow(year: years.lowerBound + k, value: v))
        }
        let lifetimeValid = lifetime.issues.isEmpty
        for (c, n) in initialStock.sorted(by: { $0.key < $1.key }) {
            if c >= years.lowerBound {
                issues.append(.initialCohortNotBeforeFirstYear(cohort: c, firstYear: years.lowerBound))
                continue
            }
            if !(n.isFinite && n >= 0) {
                issues.append(.invalidInitialStock(cohort: c, value: n))
                continue
            }
            // Only meaningful once the distribution itself is valid.
            if lifetimeValid, n > 0,
                !(lifetime.survival(atAge: Double(years.lowerBound - 1 - c) + 0.5) > 0)
            {
                issues.append(.initialCohortCannotSurvive(cohort: c, firstYear: years.lowerBound))
            }
        }
        if !issues.isEmpty { throw FleetStockError(issues: issues) }
        self.years = years
        self.inflow = inflow
        self.lifetime = lifetime
        self.initialStock = initialStock
    }

    /// Runs the model: stock and outflow by cohort and year, and their totals.
    ///
    /// Outflow by cohort is the **difference of stock by cohort**, not a separate evaluation
    /// of `S(a − 1) − S(a)`:
    /// ```
    /// outflow_c(m) = stock_c(m − 1) − stock_c(m),   stock_c(c − 1) := I_c,  stock_c(first − 1) := N_c
    /// ```
    /// and the total stock is **accumulated**:
    /// ```
    /// outflow(m) = Σ_c outflow_c(m)                 (compensated sum)
    /// stock(m)   = (stock(m − 1) + I_m) − outflow(m),   stock(first − 1) = Σ_c N_c
    /// ```
    /// so the stock-change identity holds exactly in floating point, each cohort retires
    /// exactly what it brought in, and `stock(m)` differs from `Σ_c stock_c(m)` only by the
    /// rounding of the sums (reported as `cohortSumResidual`). A fixed lifetime gives survival
    /// values of exactly 0 and 1, hence an exact lag.
    ///
    /// - Complexity: O(Y·C) time and memory for Y years and C = Y + initial cohorts
    ///   (≈ 0.6 MB for 200 years); one survival evaluation per age.
    public func compute() -> FleetStockResult {
        let first = years.lowerBound, last = years.upperBound
        let yearCount = years.count
        let initial = initialStock.sorted { $0.key < $1.key }
        let cohorts = initial.map(\.key) + Array(years)
        let cohortCount = cohorts.count
        let oldest = cohorts.first ?? first
        // survival[k] = S(k + 0.5): the share alive at the end of the (k+1)-th year of life.
        let survival = lifetime.midYearSurvival(throughAge: last - oldest)

        var stockByCohort = [Double](repeating: 0, count: yearCount * cohortCount)
        var outflowByCohort = [Double](repeating: 0, count: yearCount * cohortCount)
        for (j, c) in cohorts.enumerated() {
            // `previous` is stock_c(m − 1): what the cohort held entering year m.
            var previous: Double
            let stockAt: (Int) -> Double
            if j < initial.count {
                let n = initial[j].value
                let atStart = survival[first - 1 - c]
                previous = n
                // n = 0 contributes nothing, even where S(start) = 0 (avoids 0·∞ = NaN).
                stockAt = n == 0 ? { _ in 0 } : { m in n * (survival[m - c] / atStart) }
            } else {
                let sales = inflow[c - first]
                previous = sales
                stockAt = { m in sales * survival[m - c] }
            }
            for m in max(c, first)...last {
                let s = stockAt(m)
                let offset = (m - first) * cohortCount + j
                stockByCohort[offset] = s
                outflowByCohort[offset] = previous - s
                previous = s
            }
        }

        var outflow = [Double](repeating: 0, count: yearCount)
        var stock = [Double](repeating: 0, count: yearCount)
        let initialTotal = compensatedSum(initial.map(\.value))
        var residual = 0.0
        var stockBefore = initialTotal
        var throughput = initialTotal
        for t in 0..<yearCount {
            let row = t * cohortCount..<(t + 1) * cohortCount
            outflow[t] = compensatedSum(outflowByCohort[row])
            stock[t] = stockBefore + inflow[t] - outflow[t]
            stockBefore = stock[t]
            throughput += inflow[t]
            let cohortSum = compensatedSum(stockByCohort[row])
            residual = max(residual, abs(stock[t] - cohortSum) / max(throughput, abs(cohortSum), .leastNormalMagnitude))
        }
        return FleetStockResult(
            years: years, cohorts: cohorts, inflow: inflow, outflow: outflow, stock: stock,
            initialStockTotal: initialTotal, cohortSumResidual: residual,
            stockByCohort: stockByCohort, outflowByCohort: outflowByCohort)
    }
}

/// Neumaier's compensated sum: the error stays ≈ ε·Σ|x| regardless of the count, so totals
/// over a couple of hundred cohorts do not drift.
private func compensatedSum<S: Sequence>(_ values: S) -> Double where S.Element == Double {
    var sum = 0.0, compensation = 0.0
    for x in values {
        let t = sum + x
        if abs(sum) >= abs(x) { compensation += (sum - t) + x } else { compensation += (x - t) + sum }
        sum = t
    }
    return sum + compensation
}

// MARK: - Result

/// Stocks and retirements of a `FleetStockModel`, by year and by cohort.
///
/// Units are those of the model's inflow (e.g. vehicles). Totals satisfy, exactly in floating
/// point,
/// ```
/// stock(t) = (stock(t − 1) + inflow(t)) − outflow(t),   stock(first − 1) = initialStockTotal
/// ```
/// and `Σ_c stock_c(t)` equals `stock(t)` to rounding (`cohortSumResidual`).
public struct FleetStockResult: Sendable {
    /// Model years, first … last; the per-year arrays are indexed by `year − first`.
    public let years: ClosedRange<Int>
    /// Cohorts (sale years), ascending: initial-stock cohorts, then every model year.
    public let cohorts: [Int]
    /// Units sold per year.
    public let inflow: [Double]
    /// Units retired per year, all cohorts.
    public let outflow: [Double]
    /// Units in use at the end of each year (accumulated form, see the type's doc).
    public let stock: [Double]
    /// Units in use at the end of `first − 1` (the initial stock).
    public let initialStockTotal: Double
    /// `max_t |stock(t) − Σ_c stock_c(t)| / max(Σ initial + Σ_{τ≤t} inflow(τ), |Σ_c stock_c(t)|)`:
    /// how far the accumulated total has drifted from the cohort sum (rounding only, ≈ 1e-16).
    public let cohortSumResidual: Double
    // Years × cohorts, row-major by year; offsets stay private.
    private let stockByCohortStorage: [Double]
    private let outflowByCohortStorage: [Double]

    init(
        years: ClosedRange<Int>, cohorts: [Int], inflow: [Double], outflow: [Double], stock: [Double],
        initialStockTotal: Double, cohortSumResidual: Double,
        stockByCohort: [Double], outflowByCohort: [Double]
    ) {
        self.years = years
        self.cohorts = cohorts
        self.inflow = inflow
        self.outflow = outflow
        self.stock = stock
        self.initialStockTotal = initialStockTotal
        self.cohortSumResidual = cohortSumResidual
        self.stockByCohortStorage = stockByCohort
        self.outflowByCohortStorage = outflowByCohort
    }

    /// Units sold in `year`.
    public func inflow(inYear year: Int) -> Double { inflow[yearOffset(year)] }
    /// Units retired in `year`, all cohorts.
    public func outflow(inYear year: Int) -> Double { outflow[yearOffset(year)] }
    /// Units in use at the end of `year`.
    public func stock(inYear year: Int) -> Double { stock[yearOffset(year)] }

    /// Units of `cohort` in use at the end of `year`; 0 for a cohort the model does not hold
    /// (not yet sold, or no initial stock of that vintage).
    public func stock(inYear year: Int, cohort: Int) -> Double {
        let t = yearOffset(year)
        guard let j = cohortOffset(cohort) else { return 0 }
        return stockByCohortStorage[t * cohorts.count + j]
    }

    /// Units of `cohort` retired in `year`; 0 for a cohort the model does not hold.
    public func outflow(inYear year: Int, cohort: Int) -> Double {
        let t = yearOffset(year)
        guard let j = cohortOffset(cohort) else { return 0 }
        return outflowByCohortStorage[t * cohorts.count + j]
    }

    /// Stock at the end of `year` by cohort, in `cohorts` order.
    public func stockByCohort(inYear year: Int) -> [Double] {
        let t = yearOffset(year)
        return Array(stockByCohortStorage[t * cohorts.count..<(t + 1) * cohorts.count])
    }

    /// Retirements in `year` by cohort, in `cohorts` order.
    public func outflowByCohort(inYear year: Int) -> [Double] {
        let t = yearOffset(year)
        return Array(outflowByCohortStorage[t * cohorts.count..<(t + 1) * cohorts.count])
    }

    private func yearOffset(_ year: Int) -> Int {
        precondition(years.contains(year), "Year \(year) outside the model years \(years.lowerBound)–\(years.upperBound)")
        return year - years.lowerBound
    }

    /// Position of a cohort in `cohorts`: model years are contiguous at the end, initial
    /// cohorts (few, sorted) before them.
    private func cohortOffset(_ cohort: Int) -> Int? {
        let initialCount = cohorts.count - years.count
        if years.contains(cohort) { return initialCount + cohort - years.lowerBound }
        return cohorts[..<initialCount].firstIndex(of: cohort)
    }
}

// MARK: - Material content and secondary supply

/// Collection rate and recovery efficiency of one mineral's recycling chain.
///
/// ```
/// recovered = retired material · collectionRate · recoveryEfficiency
/// ```
public struct RecyclingRates: Sendable, Hashable {
    /// Share of retired units that reach a recycler, in [0, 1].
    public let collectionRate: Double
    /// Share of the mineral in a collected unit that the recycler recovers, in [0, 1].
    public let recoveryEfficiency: Double

    /// - Throws: `FleetStockError` when either rate is not in [0, 1] (both are reported).
    public init(collectionRate: Double, recoveryEfficiency: Double) throws(FleetStockError) {
        var issues: [FleetStockIssue] = []
        if !(collectionRate >= 0 && collectionRate <= 1) {
            issues.append(.invalidRate(name: "collection rate", value: collectionRate))
        }
        if !(recoveryEfficiency >= 0 && recoveryEfficiency <= 1) {
            issues.append(.invalidRate(name: "recovery efficiency", value: recoveryEfficiency))
        }
        if !issues.isEmpty { throw FleetStockError(issues: issues) }
        self.collectionRate = collectionRate
        self.recoveryEfficiency = recoveryEfficiency
    }
}

/// One mineral's retired material and the secondary supply it yields.
///
/// Recycling takes time: material in units retired during year `t` is collected, dismantled and
/// processed during that year and reaches refiners as secondary supply in year `t + 1`:
/// ```
/// retired(t)   = Σ_c outflow_c(t) · content_c
/// recovered(t) = retired(t) · collectionRate · recoveryEfficiency
/// available(t) = recovered(t − 1)
/// ```
/// Units are the content's unit times the inflow's (kg Ni per vehicle × vehicles = kg Ni).
public struct SecondarySupply: Sendable, Hashable {
    /// Retirement years (the model years).
    public let years: ClosedRange<Int>
    /// Material in units retired each year, indexed by `year − first`.
    public let retired: [Double]
    /// Material recovered from each year's retirements, indexed by retirement year − first.
    public let recovered: [Double]

    /// Secondary supply reaching refiners in `year`: what was recovered from the previous
    /// year's retirements. 0 when `year − 1` is not a model year — in particular for the first
    /// model year, whose supply comes from retirements before the model starts; a caller with
    /// that figure adds it.
    public func available(inYear year: Int) -> Double {
        years.contains(year - 1) ? recovered[year - 1 - years.lowerBound] : 0
    }
}

extension FleetStockResult {
    /// Material in retired units per year, for one mineral.
    ///
    /// ```
    /// retired(t) = Σ_c outflow_c(t) · content_c      (compensated sum over cohorts)
    /// ```
    /// - Parameter contentByCohort: material per unit of each vintage (e.g. kg Ni per vehicle,
    ///   from that year's chemistry mix and kWh per vehicle), keyed by sale year; required for
    ///   every cohort in `cohorts`, finite and ≥ 0.
    /// - Returns: one value per model year, in content unit × inflow unit.
    /// - Throws: `FleetStockError` listing every missing or invalid content.
    /// - Complexity: O(years · cohorts).
    public func retiredMaterial(contentByCohort: [Int: Double]) throws(FleetStockError) -> [Double] {
        var issues: [FleetStockIssue] = []
        var content = [Double](repeating: 0, count: cohorts.count)
        for (j, c) in cohorts.enumerated() {
            guard let x = contentByCohort[c] else { issues.append(.missingContent(cohort: c)); continue }
            if !(x.isFinite && x >= 0) { issues.append(.invalidContent(cohort: c, value: x)); continue }
            content[j] = x
        }
        if !issues.isEmpty { throw FleetStockError(issues: issues) }
        let n = cohorts.count
        return (0..<years.count).map { t in
            compensatedSum((0..<n).lazy.map { j in self.outflowByCohortStorage[t * n + j] * content[j] })
        }
    }

    /// Retired material and the secondary supply it yields for one mineral (see
    /// `SecondarySupply` for the one-year lag).
    ///
    /// - Throws: `FleetStockError` for missing or invalid contents.
    public func secondarySupply(contentByCohort: [Int: Double], rates: RecyclingRates) throws(FleetStockError) -> SecondarySupply
    {
        let retired = try retiredMaterial(contentByCohort: contentByCohort)
        let yieldFraction = rates.collectionRate * rates.recoveryEfficiency
        return SecondarySupply(years: years, retired: retired, recovered: retired.map { $0 * yieldFraction })
    }
}
