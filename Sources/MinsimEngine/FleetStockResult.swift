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
    let stockByCohortStorage: [Double]
    let outflowByCohortStorage: [Double]

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
