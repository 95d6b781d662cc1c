/// Dated policy shocks: tariff measures, export controls, demand shocks and route
/// preferences, expanded to routes and nodes, and their effect on one year.
///
/// ```
/// τ(t)  = τ_schedule(t) + Σ_measures rate · (days of [start, end] inside t) / (days in t)
/// quota(t) = min over export controls in force in t
/// D(t) ×= Π demand factors in force in t
/// f(t)  = Π preference factors in force in t   (multiplies the route's Armington weight)
/// ```
public struct PolicyShocks: Sendable {
    /// A tariff measure on the routes `exporters → importer` from `start` to `end` (day
    /// numbers, inclusive; `end` nil = open-ended).
    public struct Tariff: Sendable {
        public let product: ProductIndex
        public let importer: RegionIndex
        /// The exporters covered (`*` expanded, `except` removed), in region order.
        public let exporters: [RegionIndex]
        /// Ad-valorem rate added (0.25 = 25 %).
        public let rate: Double
        public let start: Int
        public let end: Int?
        public init(product: ProductIndex, importer: RegionIndex, exporters: [RegionIndex], rate: Double, start: Int, end: Int?) {
            self.product = product
            self.importer = importer
            self.exporters = exporters
            self.rate = rate
            self.start = start
            self.end = end
        }
    }

    /// An export quota (product units per year) on `routes` in `startYear … endYear`.
    public struct ExportControl: Sendable {
        /// Routes covered that carry trade (base trade or opened); others have no effect.
        public let routes: [Route]
        public let quota: Double
        public let startYear: Int
        public let endYear: Int?
        public init(routes: [Route], quota: Double, startYear: Int, endYear: Int?) {
            self.routes = routes
            self.quota = quota
            self.startYear = startYear
            self.endYear = endYear
        }
    }

    /// A factor on the reference final demand of `regions` × `product` in `startYear … endYear`.
    public struct Demand: Sendable {
        public let regions: [RegionIndex]
        public let product: ProductIndex
        public let startYear: Int
        public let endYear: Int?
        public let factor: Double
        public init(regions: [RegionIndex], product: ProductIndex, startYear: Int, endYear: Int?, factor: Double) {
            self.regions = regions
            self.product = product
            self.startYear = startYear
            self.endYear = endYear
            self.factor = factor
        }
    }

    /// A route preference (an offtake agreement, a memorandum favouring one supplier) on
    /// `routes` in `startYear … endYear`: the factor multiplies the routes' Armington weight
    /// (`YearConditions.routePreferences`).
    public struct Preference: Sendable {
        /// Routes covered that carry trade (base trade or opened); others have no weight to scale.
        public let routes: [Route]
        public let factor: Double
        public let startYear: Int
        public let endYear: Int?
        public init(routes: [Route], factor: Double, startYear: Int, endYear: Int?) {
            self.routes = routes
            self.factor = factor
            self.startYear = startYear
            self.endYear = endYear
        }
    }

    public var tariffs: [Tariff] = []
    public var exportControls: [ExportControl] = []
    public var demand: [Demand] = []
    public var preferences: [Preference] = []

    public init(
        tariffs: [Tariff] = [], exportControls: [ExportControl] = [], demand: [Demand] = [], preferences: [Preference] = []
    ) {
        self.tariffs = tariffs
        self.exportControls = exportControls
        self.demand = demand
        self.preferences = preferences
    }

    static func inForce(_ t: Int, _ start: Int, _ end: Int?) -> Bool { t >= start && t <= (end ?? Int.max) }

    /// The tariff added to each route in year t, for the routes some measure covers on at
    /// least one day of t:
    /// ```
    /// Δτ(t) = Σ_rows rate · (days of [start, end] inside t) / (days in t)
    /// ```
    /// summed in the order the rows are written.
    public func tariffsAdded(in t: Int) -> [Route: Double] {
        var out: [Route: Double] = [:]
        let n = Double(CivilDate.daysIn(year: t))
        for row in tariffs {
            let days = CivilDate.daysInside(year: t, start: row.start, end: row.end)
            guard days > 0 else { continue }
            for exporter in row.exporters {
                out[Route(row.product, from: exporter, to: row.importer), default: 0] += row.rate * Double(days) / n
            }
        }
        return out
    }

    /// The quota of each controlled route in year t; where rows overlap, the smallest.
    public func quotas(in t: Int) -> [Route: Double] {
        var out: [Route: Double] = [:]
        for row in exportControls where Self.inForce(t, row.startYear, row.endYear) {
            for route in row.routes { out[route] = min(out[route] ?? row.quota, row.quota) }
        }
        return out
    }

    /// The demand factor of each node a demand shock covers in year t: the product of the
    /// factors of the rows in force.
    public func demandFactors(in t: Int) -> [Node: Double] {
        var out: [Node: Double] = [:]
        for row in demand where Self.inForce(t, row.startYear, row.endYear) {
            for r in row.regions { out[Node(r, row.product), default: 1] *= row.factor }
        }
        return out
    }

    /// The preference factor of each route a preference covers in year t: the product of the
    /// factors of the rows in force (two rows of 2 and 1.5 on one route give 3):
    /// ```
    /// f[q][s→r](t) = Π_rows in force in t  factor
    /// ```
    /// It multiplies the route's Armington weight, `w = f · φ · K · (P(1 + τ))^(−σ)`.
    public func preferenceFactors(in t: Int) -> [Route: Double] {
        var out: [Route: Double] = [:]
        for row in preferences where Self.inForce(t, row.startYear, row.endYear) {
            for route in row.routes { out[route, default: 1] *= row.factor }
        }
        return out
    }

    /// Applies the shocks of year t to the year's conditions (tariffs and final demand after
    /// the schedules; quotas; route preferences).
    public func apply(to conditions: inout YearConditions, in t: Int) {
        for (route, added) in tariffsAdded(in: t) { conditions.tariffs[route] = (conditions.tariffs[route] ?? 0) + added }
        for (route, quota) in quotas(in: t) { conditions.routeQuotas[route] = min(conditions.routeQuotas[route] ?? quota, quota) }
        for (node, factor) in demandFactors(in: t) { conditions.finalDemand[node] *= factor }
        for (route, factor) in preferenceFactors(in: t) {
            conditions.routePreferences[route] = (conditions.routePreferences[route] ?? 1) * factor
        }
    }
}
