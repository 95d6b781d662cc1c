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
        return texts.origin(column[row])
    }

    /// The origins of every row of `table`, in row order.
    public func origins(_ table: ResolvedTable) -> [Origin] { (rowOrigins[table] ?? []).map { texts.origin($0) } }

    /// The `source` texts of every row of `table`, in row order: what the `resolved/` tables
    /// write, without making each row's location.
    public func sources(_ table: ResolvedTable) -> [String] { (rowOrigins[table] ?? []).map { texts.source($0) } }

    /// Where a settings section was written and its source; nil when the scenario has none.
    public func origin(of section: Section) -> Origin? { sectionOrigins[section] }

    /// Records the origins of a resolved table's rows, in row order (replacing any earlier).
    mutating func record(_ table: ResolvedTable, _ rows: [RowOrigin]) { rowOrigins[table] = rows }

    /// Records the origins of a resolved table's rows given as texts and locations.
    mutating func record(_ table: ResolvedTable, origins: [Origin]) {
        rowOrigins[table] = origins.map { texts.origin(source: $0.source, at: $0.location) }
    }

    mutating func record(_ section: Section, _ origin: Origin) { sectionOrigins[section] = origin }

    /// The origin of a decoded row (`Sourced`), its texts looked up.
    func origin(_ row: RowOrigin) -> Origin { texts.origin(row) }

    /// A row origin for `source` and `location`, their texts stored once.
    mutating func origin(source: String, at location: SourceLocation) -> RowOrigin {
        texts.origin(source: source, at: location)
    }

    /// Where a row came from, in plain integers (no reference to count when a row is copied or
    /// freed): its file and `source` text by number in `OriginTexts`, its line and column.
    struct RowOrigin: Sendable {
        let line: Int
        let column: UInt32
        let file: UInt32
        let source: UInt32
    }

    /// The file paths and `source` texts that row origins refer to, each stored once. Rows of
    /// a table usually share their file and often their source, so the last of each is tried
    /// first (the same `String` storage compares equal at once).
    struct OriginTexts: Sendable {
        private var paths: [String] = []
        private var sources: [String] = []
        private var pathNumbers: [String: UInt32] = [:]
        private var sourceNumbers: [String: UInt32] = [:]
        private var lastPath: UInt32? = nil
        private var lastSource: UInt32? = nil

        mutating func origin(source: String, at location: SourceLocation) -> RowOrigin {
            let file = number(ofPath: location.path)
            let text = number(ofSource: source)
            // A column past 2³² would need a line of over 4 GB.
            return RowOrigin(line: location.line, column: UInt32(clamping: location.column), file: file, source: text)
        }

        /// The number of file path `path` (stored once).
        mutating func number(ofPath path: String) -> UInt32 { Self.number(of: path, in: &paths, &pathNumbers, last: &lastPath) }

        /// The number of `source` text `text` (stored once).
        mutating func number(ofSource text: String) -> UInt32 {
            Self.number(of: text, in: &sources, &sourceNumbers, last: &lastSource)
        }

        func origin(_ row: RowOrigin) -> Origin {
            Origin(source: sources[Int(row.source)], location: location(row))
        }

        func location(_ row: RowOrigin) -> SourceLocation {
            SourceLocation(path: paths[Int(row.file)], line: row.line, column: Int(row.column))
        }

        func source(_ row: RowOrigin) -> String { sources[Int(row.source)] }

        private static func number(
            of text: String, in texts: inout [String], _ numbers: inout [String: UInt32], last: inout UInt32?
        ) -> UInt32 {
            if let last, texts[Int(last)] == text { return last }
            if let known = numbers[text] {
                last = known
                return known
            }
            // Over 2³² distinct texts would need more rows than a file can hold in memory.
            let n = UInt32(clamping: texts.count)
            texts.append(text)
            numbers[text] = n
            last = n
            return n
        }
    }
}

/// A decoded row and where it came from: what the decoders and the cross-table checks work on.
/// Resolution splits it: the row goes into `ResolvedScenario` (values only), the origin into
/// its `Provenance` (`Provenance.record(_:_:)`). The origin is plain integers
/// (`Provenance.RowOrigin`): `ScenarioBuilder.location(_:)` and `.source(_:)` read its texts.
@dynamicMemberLookup
struct Sourced<Row> {
    var row: Row
    let origin: Provenance.RowOrigin

    init(_ row: Row, origin: Provenance.RowOrigin) {
        self.row = row
        self.origin = origin
    }

    subscript<Value>(dynamicMember path: KeyPath<Row, Value>) -> Value { row[keyPath: path] }
}

extension Array {
    /// The rows without their origins, and the origins in the same order.
    func split<Row>() -> (rows: [Row], origins: [Provenance.RowOrigin]) where Element == Sourced<Row> {
        var rows: [Row] = [], origins: [Provenance.RowOrigin] = []
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
        /// The first row of each tariff route: a list while the routes come in increasing order
        /// (as generated and `resolved/` tables give them; looked up by binary search), a
        /// dictionary from the first route out of order on (no hashing of 80,000 routes at
        /// 100,000 nodes in the usual case).
        private var tariffsInOrder: [(route: Route, row: Int)] = []
        private var tariffs: [Route: Int]? = nil

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
            case .tariff(let route):
                if tariffs == nil {
                    guard let last = tariffsInOrder.last, !(last.route < route) else {
                        tariffsInOrder.append((route, row))
                        return
                    }
                    tariffs = Dictionary(tariffsInOrder.lazy.map { ($0.route, $0.row) }, uniquingKeysWith: { a, _ in a })
                    tariffsInOrder = []
                }
                if tariffs?[route] == nil { tariffs?[route] = row }
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
            case .tariff(let route): return tariffRow(route).map { (.tariffs, ScenarioFormat.tariffs.key, $0) }
            default: return nil
            }
        }

        /// The first row of tariff route `route`; nil when none.
        private func tariffRow(_ route: Route) -> Int? {
            if let tariffs { return tariffs[route] }
            var low = 0, high = tariffsInOrder.count
            while low < high {
                let mid = (low + high) / 2
                if tariffsInOrder[mid].route < route { low = mid + 1 } else { high = mid }
            }
            return low < tariffsInOrder.count && tariffsInOrder[low].route == route ? tariffsInOrder[low].row : nil
        }
    }
}
