import MinsimEngine

/// Where a resolved scenario's values were written, and their sources: the only store of
/// sources and locations once a scenario is loaded (the resolved rows and the engine keep
/// none). Built by the table decoders as they read rows; used only for `resolved/` and for
/// diagnostics, never by the engine.
///
/// Two views:
/// - every row of a resolved table has an `Origin` (source text, file, line, column), by table
///   and row (`origin(_:row:)`), which `resolved/` writes beside the values;
/// - every yearly input (a route's tariff, a node's demand or capacity, a recipe input, a
///   product's settings) has the rows that set it, by typed `Key`, with the years each covers,
///   which `inputDiagnostics` uses to report a bad value at the row that set it.
///
/// A value of year t is set in layers: the base table row, then path rows (interpolated between
/// the rows around t), then the shocks in force in t. The rows responsible for it are those of
/// the highest layer that has any for t (`rows(setting:in:)`).
public struct Provenance: Sendable {
    /// What a row sets.
    public enum Key: Hashable, Sendable {
        case tariff(Route)
        case quota(Route)
        case preference(Route)
        case finalDemand(Node)
        case capacity(Node)
        /// Units of an input (the `ProductIndex`) per unit of the node's product.
        case recipeInput(Node, ProductIndex)
        /// A product's own settings (`products` row: demand elasticity, choke price).
        case product(ProductIndex)
        /// The secondary supply of a refined product: its mineral chain's collection rate and
        /// recovery efficiency (`minerals` row).
        case recycling(ProductIndex)
        /// The fleet's lifetime distribution (`fleet.lifetime`).
        case lifetime
        /// The vehicles of one cohort in use at the start of the base year (`fleet.initial_stock`).
        case initialStock(RegionIndex, cohort: Int)
    }

    /// How a row enters the value of a year.
    public enum Layer: Int, Sendable, Comparable {
        case base, path, shock
        public static func < (a: Layer, b: Layer) -> Bool { a.rawValue < b.rawValue }
    }

    /// The years a row covers.
    public enum Coverage: Sendable {
        /// Every year (base tables).
        case always
        /// One point of a path, which also sets the years interpolated up to the next point.
        case point(Int)
        /// From a year on, inclusive (`end` nil: open-ended).
        case years(Int, end: Int?)
        /// Day numbers (`CivilDate`) of a dated measure, inclusive (`end` nil: open-ended).
        case days(Int, end: Int?)

        func covers(_ t: Int) -> Bool {
            switch self {
            case .always: return true
            case .point(let y): return y == t
            case .years(let start, let end): return start <= t && t <= (end ?? Int.max)
            case .days(let start, let end): return CivilDate.daysInside(year: t, start: start, end: end) > 0
            }
        }
    }

    /// One row that sets a key.
    public struct Row: Sendable {
        /// The table, e.g. `shocks.tariffs`.
        public let table: String
        public let layer: Layer
        public let coverage: Coverage
        public let location: SourceLocation
        /// A row for every region at once (blank or `*` region), which a region's own rows of
        /// the same table override.
        public let everyRegion: Bool
    }

    /// Path tables that replace others for the same value (docs/scenario-format-years.md):
    /// the chemistry mix replaces recipe paths and indices of its inputs, a recipe path an
    /// index, a final-demand path the demand index.
    static let replaces: [String: [String]] = [
        "paths.chemistry_mix": ["paths.recipes", "paths.recipe_index"],
        "paths.recipes": ["paths.recipe_index"],
        "paths.final_demand": ["paths.demand_index"],
    ]

    private var rows: [Key: [Row]] = [:]
    /// The rows of `final_demand`, `capacities` and `tariffs` (base layer, one key each, most of
    /// the rows of a large scenario), kept apart from `rows`: one dictionary entry with its own
    /// array and strings per row was a visible share of loading.
    private var baseRows = BaseRows()
    /// Where each table (or section) starts, by name (`capacities`, `paths.tariffs`, `fleet`).
    private var tables: [String: SourceLocation] = [:]
    /// The origin of every row of each resolved table, in row order (`Provenance+Origins`).
    var rowOrigins: [ResolvedTable: [RowOrigin]] = [:]
    /// The paths and source texts of `rowOrigins`.
    var texts = OriginTexts()
    var sectionOrigins: [Section: Origin] = [:]

    public init() {}

    mutating func record(
        _ key: Key, table: String, _ layer: Layer, _ coverage: Coverage = .always, at location: SourceLocation,
        everyRegion: Bool = false
    ) {
        rows[key, default: []].append(
            Row(table: table, layer: layer, coverage: coverage, location: location, everyRegion: everyRegion))
    }

    /// Records that row `row` of the resolved `final_demand` (`.finalDemand` key), `capacities`
    /// (`.capacity`) or `tariffs` (`.tariff`) table sets `key` in every year; its location is
    /// that row's origin. The first row of a key is kept. `regions` and `products` size the
    /// per-node index.
    mutating func recordBase(_ key: Key, row: Int, regions: Int, products: Int) {
        baseRows.record(key, row: row, nodes: regions * products, products: products)
    }

    /// Records where a table or section starts (the first time it is read).
    mutating func record(table: String, at location: SourceLocation) {
        if tables[table] == nil { tables[table] = location }
    }

    /// Where a table or section starts; nil when the scenario has none.
    public func location(ofTable table: String) -> SourceLocation? { tables[table] }

    /// The rows that set `key` in year `t` (nil: the run as a whole), in the order read: those
    /// of the highest layer that has any for `t`. A row with a range sets the years it covers;
    /// path points set `t` when one is at `t`, else the points just before and after `t`
    /// (between which the value is interpolated). Of those, only the rows that take effect: none
    /// of a table another one found replaces (`replaces`), and none for every region where the
    /// region has its own rows in that table. Empty when no row sets the key.
    public func rows(setting key: Key, in t: Int?) -> [Row] {
        var all = rows[key] ?? []
        if let base = baseRows.row(setting: key), let origin = origin(base.table, row: base.row) {
            all.append(Row(table: base.name, layer: .base, coverage: .always, location: origin.location, everyRegion: false))
        }
        for layer in [Layer.shock, .path, .base] {
            let inLayer = all.filter { $0.layer == layer }
            guard let t else {
                if !inLayer.isEmpty { return inLayer }
                continue
            }
            var years: [Int] = []
            for row in inLayer { if case .point(let y) = row.coverage { years.append(y) } }
            let around =
                years.contains(t) ? [t] : [years.filter { $0 < t }.max(), years.filter { $0 > t }.min()].compactMap { $0 }
            let found = inLayer.filter { row in
                if case .point(let y) = row.coverage { return around.contains(y) }
                return row.coverage.covers(t)
            }
            if !found.isEmpty { return Self.inEffect(found) }
        }
        return []
    }

    /// `rows` without those another row of the list overrides (see `rows(setting:in:)`).
    static func inEffect(_ rows: [Row]) -> [Row] {
        let tables = Set(rows.map(\.table))
        let replaced = Set(tables.flatMap { replaces[$0] ?? [] })
        let own = Set(rows.filter { !$0.everyRegion }.map(\.table))
        return rows.filter { !replaced.contains($0.table) && !($0.everyRegion && own.contains($0.table)) }
    }
}
