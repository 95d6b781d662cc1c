import MinsimEngine

extension Provenance {
    /// Where one row of a resolved table came from: its `source` text and its file, line and
    /// column.
    public struct Origin: Sendable {
        public let source: String
        public let location: SourceLocation

        public init(source: String, location: SourceLocation) {
            self.source = source
            self.location = location
        }
    }

    /// A resolved table whose rows keep their origins here, not on the rows: row `i` of
    /// `ResolvedScenario.recipes` has origin `origin(.recipes, row: i)`, and so on.
    public enum ResolvedTable: Hashable, Sendable, CaseIterable {
        /// `ResolvedScenario.network.regions` and `.products`, in index order.
        case regions, products
        /// The expanded recipes (`ResolvedScenario.recipes`): the region's own row or the
        /// default row it was expanded from.
        case recipes
        case finalDemand, basePrices, capacities, baseTrade, openedRoutes, tariffs, newNodes
        /// `ScenarioYears.pathRows`, `.chemistries`, `.projects`, `.initialStock`, `.minerals`.
        case paths, chemistries, projects, initialStock, minerals
    }

    /// A settings section with one source for the whole section.
    public enum Section: Hashable, Sendable {
        case expansion, fleet
        /// `fleet.lifetime`.
        case lifetime
    }

    /// The origin of row `row` of `table`. The decoders record one origin per row they keep, so
    /// every row of a resolved table has one.
    public func origin(_ table: ResolvedTable, row: Int) -> Origin? {
        guard let column = rowOrigins[table], column.indices.contains(row) else { return nil }
        return column[row]
    }

    /// The origins of every row of `table`, in row order.
    public func origins(_ table: ResolvedTable) -> [Origin] { rowOrigins[table] ?? [] }

    /// Where a settings section was written and its source; nil when the scenario has none.
    public func origin(of section: Section) -> Origin? { sectionOrigins[section] }

    /// Records the origins of a resolved table's rows, in row order (replacing any earlier).
    mutating func record(_ table: ResolvedTable, _ rows: [Origin]) { rowOrigins[table] = rows }

    mutating func record(_ section: Section, _ origin: Origin) { sectionOrigins[section] = origin }
}

/// A decoded row and where it came from: what the decoders and the cross-table checks work on.
/// Resolution splits it: the row goes into `ResolvedScenario` (values only), the origin into
/// its `Provenance` (`Provenance.record(_:_:)`).
@dynamicMemberLookup
struct Sourced<Row> {
    var row: Row
    let origin: Provenance.Origin

    init(_ row: Row, source: String, at location: SourceLocation) {
        self.row = row
        self.origin = .init(source: source, location: location)
    }

    var source: String { origin.source }
    var location: SourceLocation { origin.location }

    subscript<Value>(dynamicMember path: KeyPath<Row, Value>) -> Value { row[keyPath: path] }
}

extension Array {
    /// The rows without their origins, and the origins in the same order.
    func split<Row>() -> (rows: [Row], origins: [Provenance.Origin]) where Element == Sourced<Row> {
        (map(\.row), map(\.origin))
    }
}
