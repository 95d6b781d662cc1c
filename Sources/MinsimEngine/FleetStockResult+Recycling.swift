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
