/// Observed base-year data from which the model is calibrated (MODEL.md §2–4).
public struct BaseYear: Sendable {
    /// Base-year sourcing quantities `T₀[q][s→r]`, domestic supply included (`s == r`), in product units.
    public var trade: [Route: Double]
    /// Observed producer prices `P₀[(s, q)]` in currency per product unit; `nil` where not observed.
    public var prices: NodeTable<Double?>
    /// Ad-valorem tariffs in force in the base year, `τ₀` (0.25 = 25 %); absent routes are 0.
    public var tariffs: [Route: Double]
    /// Capacities `K₀` in product units per year; `nil` = not given (weight 1, no limit).
    public var capacities: NodeTable<Double?>
    /// Final demand `D[r][q]` in product units.
    public var finalDemand: NodeTable<Double>
    /// Routes with no base trade that the scenario opens, with their reference share: the share
    /// of the importer's use the route would take at base-year prices and capacities if it were
    /// the only new route into that market.
    public var openedRoutes: [Route: Double]

    public init(trade: [Route: Double], prices: NodeTable<Double?>, tariffs: [Route: Double] = [:],
                capacities: NodeTable<Double?>, finalDemand: NodeTable<Double>,
                openedRoutes: [Route: Double] = [:]) {
        self.trade = trade
        self.prices = prices
        self.tariffs = tariffs
        self.capacities = capacities
        self.finalDemand = finalDemand
        self.openedRoutes = openedRoutes
    }
}

/// Conditions of the year being solved: what may differ from the base year.
public struct YearConditions: Sendable {
    /// Tariffs `τ[q][s→r]` in force; absent routes are 0.
    public var tariffs: [Route: Double]
    /// Capacities `K`; `nil` = not given.
    public var capacities: NodeTable<Double?>
    /// Final demand `D[r][q]`.
    public var finalDemand: NodeTable<Double>
    /// Secondary (recycled) material `R[r][q]` available in market (q, r), in units of q. It
    /// replaces primary purchases: the market buys `Σ_p b x + D − R` from its suppliers. Where
    /// R exceeds the market's use, only the use is taken (the rest is reported as unused).
    public var secondarySupply: NodeTable<Double>?
    /// Export controls: the most a route may carry this year, in product units. 0 is a ban (the
    /// route is closed); a positive quota binds through a quota rent in the capacity-constrained
    /// solve (`CapacityClearing`). Absent routes are unrestricted.
    public var routeQuotas: [Route: Double]

    public init(tariffs: [Route: Double], capacities: NodeTable<Double?>, finalDemand: NodeTable<Double>,
                secondarySupply: NodeTable<Double>? = nil, routeQuotas: [Route: Double] = [:]) {
        self.tariffs = tariffs
        self.capacities = capacities
        self.finalDemand = finalDemand
        self.secondarySupply = secondarySupply
        self.routeQuotas = routeQuotas
    }

    /// The base year's own conditions: solving them reproduces the observed base year.
    public init(base: BaseYear) {
        self.init(tariffs: base.tariffs, capacities: base.capacities, finalDemand: base.finalDemand)
    }
}
