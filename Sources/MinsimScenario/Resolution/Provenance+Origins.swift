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
        var rows: [Row] = [], origins: [Provenance.Origin] = []
        rows.reserveCapacity(count)
        origins.reserveCapacity(count)
        for i in indices {
            rows.append(self[i].row)
            origins.append(self[i].origin)
        }
        return (rows, origins)
    }
}

extension Provenance {
    /// Where the base rows of `final_demand`, `capacities` and `tariffs` are: the position of
    /// each key's row in its resolved table (`Provenance.recordBase`).
    struct BaseRows: Sendable {
        private var products = 0
        /// Row + 1 per node `r · products + p`; 0 where no row sets it. Empty until a row is
        /// recorded.
        private var finalDemand: [Int32] = []
        private var capacities: [Int32] = []
        private var tariffs: [Route: Int] = [:]

        mutating func record(_ key: Key, row: Int, nodes: Int, products: Int) {
            func note(_ slots: inout [Int32], _ node: Node) {
                if slots.isEmpty {
                    self.products = products
                    slots = [Int32](repeating: 0, count: nodes)
                }
                let k = node.region.rawValue * products + node.product.rawValue
                if slots[k] == 0 { slots[k] = Int32(row + 1) }
            }
            switch key {
            case .finalDemand(let node): note(&finalDemand, node)
            case .capacity(let node): note(&capacities, node)
            case .tariff(let route): if tariffs[route] == nil { tariffs[route] = row }
            default: return  // other keys are recorded in `Provenance.rows`
            }
        }

        /// The resolved table, its scenario key and the row that set `key`; nil when none does
        /// (or `key` is of another kind).
        func row(setting key: Key) -> (table: ResolvedTable, name: String, row: Int)? {
            func slot(_ slots: [Int32], _ node: Node) -> Int? {
                let k = node.region.rawValue * products + node.product.rawValue
                return slots.indices.contains(k) && slots[k] > 0 ? Int(slots[k]) - 1 : nil
            }
            switch key {
            case .finalDemand(let node): return slot(finalDemand, node).map { (.finalDemand, ScenarioFormat.finalDemand.key, $0) }
            case .capacity(let node): return slot(capacities, node).map { (.capacities, ScenarioFormat.capacities.key, $0) }
            case .tariff(let route): return tariffs[route].map { (.tariffs, ScenarioFormat.tariffs.key, $0) }
            default: return nil
            }
        }
    }
}
