/// Observed base-year data from which the model is calibrated (MODEL.md §2–4).
///
/// The route tables are `RouteValues` (routes in the calibration's order, values beside them)
/// rather than dictionaries: a 100,000-node scenario has 500,000 routes of base trade, and
/// hashing them and sorting them again for the calibration was a tenth of loading it. A
/// dictionary literal still makes one (`trade: [route: 100]`), and `RouteValues(dictionary)`
/// converts a dictionary.
public struct BaseYear: Sendable {
    /// Base-year sourcing quantities `T₀[q][s→r]`, domestic supply included (`s == r`), in product units.
    public var trade: RouteValues
    /// Observed producer prices `P₀[(s, q)]` in currency per product unit; `nil` where not observed.
    public var prices: NodeTable<Double?>
    /// Ad-valorem tariffs in force in the base year, `τ₀` (0.25 = 25 %); absent routes are 0.
    public var tariffs: RouteValues
    /// Capacities `K₀` in product units per year; `nil` = not given (weight 1, no limit).
    public var capacities: NodeTable<Double?>
    /// Final demand `D[r][q]` in product units.
    public var finalDemand: NodeTable<Double>
    /// Routes with no base trade that the scenario opens, with their reference share: the share
    /// of the importer's use the route would take at base-year prices and capacities if it were
    /// the only new route into that market.
    public var openedRoutes: RouteValues
    /// Nodes with no base output that the scenario activates (a new plant), with the capacity
    /// `K_ref` at which the reference shares of their opened routes apply. Calibration uses
    /// `K_ref` in place of `K₀` for these nodes, so a route from a plant that is not yet built
    /// in the base year still has a finite affinity:
    /// ```
    /// log φ = log s′ − log K_ref + σ · log(P_ref · (1 + τ₀))
    /// ```
    /// and in year t the route's weight scales with `K(t) / K_ref` (0 before the plant opens).
    /// `P_ref`, the price the new node would sell at under base-year conditions, is its entry
    /// in `prices`.
    public var referenceCapacities: [Node: Double]

    public init(
        trade: RouteValues, prices: NodeTable<Double?>, tariffs: RouteValues = [:],
        capacities: NodeTable<Double?>, finalDemand: NodeTable<Double>,
        openedRoutes: RouteValues = [:], referenceCapacities: [Node: Double] = [:]
    ) {
        self.trade = trade
        self.prices = prices
        self.tariffs = tariffs
        self.capacities = capacities
        self.finalDemand = finalDemand
        self.openedRoutes = openedRoutes
        self.referenceCapacities = referenceCapacities
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
    /// Route preferences: a non-price sourcing shift (an offtake agreement, a memorandum under
    /// which buyers favour one supplier). The factor `f > 0` multiplies the route's calibrated
    /// affinity φ in the Armington weight (MODEL.md §4), like an import-augmenting preference
    /// shift in GTAP:
    /// ```
    /// w[q][s→r] = f[q][s→r] · φ[q][s→r] · K[(s,q)] · (P[(s,q)] · (1 + τ[q][s→r]))^(−σ_q)
    /// ```
    /// `f = 1` changes nothing; `f = 2` doubles the route's weight at equal prices and capacities
    /// (two suppliers with base shares ½ each: the favoured one takes ⅔). Only routes that carry
    /// trade (base or opened) have a weight to scale; others are ignored. Absent routes are 1.
    public var routePreferences: [Route: Double]

    public init(
        tariffs: [Route: Double], capacities: NodeTable<Double?>, finalDemand: NodeTable<Double>,
        secondarySupply: NodeTable<Double>? = nil, routeQuotas: [Route: Double] = [:],
        routePreferences: [Route: Double] = [:]
    ) {
        self.tariffs = tariffs
        self.capacities = capacities
        self.finalDemand = finalDemand
        self.secondarySupply = secondarySupply
        self.routeQuotas = routeQuotas
        self.routePreferences = routePreferences
    }

    /// The base year's own conditions: solving them reproduces the observed base year.
    public init(base: BaseYear) {
        self.init(tariffs: base.tariffs.dictionary, capacities: base.capacities, finalDemand: base.finalDemand)
    }
}
