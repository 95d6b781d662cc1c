import MinsimEngine

/// Dated policy shocks (`shocks`, docs/scenario-format-years.md "Policy shocks"): tariff
/// measures, export controls, demand shocks and route preferences, expanded to routes and
/// nodes, and their effect on one year.
public struct ScenarioShocks: Sendable {
    /// A tariff measure on the routes `exporters → importer` from `start` to `end` (day
    /// numbers, inclusive; `end` nil = open-ended).
    public struct Tariff: Sendable {
        public let product: ProductIndex
        public let importer: RegionIndex
        /// The exporters covered (`*` expanded, `except` removed), in region order.
        public let exporters: [RegionIndex]
        public let rate: Double
        public let start: Int
        public let end: Int?
        public let source: String
        public let location: SourceLocation
    }

    /// An export quota on the routes `exporter → importers` in `startYear … endYear`.
    public struct ExportControl: Sendable {
        /// Routes covered that carry trade (base trade or opened); others have no effect.
        public let routes: [Route]
        public let quota: Double
        public let startYear: Int
        public let endYear: Int?
        public let source: String
        public let location: SourceLocation
    }

    /// A factor on the reference final demand of `regions` × `product` in `startYear … endYear`.
    public struct Demand: Sendable {
        public let regions: [RegionIndex]
        public let product: ProductIndex
        public let startYear: Int
        public let endYear: Int?
        public let factor: Double
        public let source: String
        public let location: SourceLocation
    }

    /// A route preference (an offtake agreement, a memorandum favouring one supplier) on the
    /// routes `exporters → importers` in `startYear … endYear`: the factor multiplies the
    /// routes' Armington weight (`YearConditions.routePreferences`).
    public struct Preference: Sendable {
        /// Routes covered that carry trade (base trade or opened); others have no weight to scale.
        public let routes: [Route]
        public let factor: Double
        public let startYear: Int
        public let endYear: Int?
        public let source: String
        public let location: SourceLocation
    }

    public var tariffs: [Tariff] = []
    public var exportControls: [ExportControl] = []
    public var demand: [Demand] = []
    public var preferences: [Preference] = []

    public init() {}

    /// Day number of a civil date (proleptic Gregorian; 1970-01-01 = 0).
    public static func dayNumber(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// Days in `year`: 365, or 366 in a leap year.
    public static func daysIn(year: Int) -> Int {
        dayNumber(year: year + 1, month: 1, day: 1) - dayNumber(year: year, month: 1, day: 1)
    }

    /// Days of [start, end] (inclusive, end nil = open-ended) inside `year`.
    static func daysInside(year: Int, start: Int, end: Int?) -> Int {
        let first = max(start, dayNumber(year: year, month: 1, day: 1))
        let last = min(end ?? Int.max, dayNumber(year: year + 1, month: 1, day: 1) - 1)
        return max(0, last - first + 1)
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
        let n = Double(Self.daysIn(year: t))
        for row in tariffs {
            let days = Self.daysInside(year: t, start: row.start, end: row.end)
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
    /// the paths; quotas; route preferences).
    func apply(to conditions: inout YearConditions, in t: Int) {
        for (route, added) in tariffsAdded(in: t) { conditions.tariffs[route] = (conditions.tariffs[route] ?? 0) + added }
        for (route, quota) in quotas(in: t) { conditions.routeQuotas[route] = min(conditions.routeQuotas[route] ?? quota, quota) }
        for (node, factor) in demandFactors(in: t) { conditions.finalDemand[node] *= factor }
        for (route, factor) in preferenceFactors(in: t) {
            conditions.routePreferences[route] = (conditions.routePreferences[route] ?? 1) * factor
        }
    }
}
