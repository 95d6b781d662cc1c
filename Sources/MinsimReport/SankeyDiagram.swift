/// A Sankey diagram: nodes in columns, links between them with a value (tonnes of contained
/// mineral in the report's diagrams).
///
/// Every node other than a source or a sink conserves mass: what flows in flows out. Sources
/// (mines, recycled feed, other feed) have only outflows; sinks (final uses, processing losses)
/// only inflows. Unmet demand is not a flow — the mineral never existed — and is kept apart, as
/// bars drawn beside the last column.
public struct SankeyDiagram: Sendable {
    public enum NodeKind: String, Sendable {
        /// A production stage in one region (mines, refineries, cell plants, EV plants).
        case stage
        /// Recycled mineral fed to a region's refineries.
        case recycling
        /// Feed a recipe needs beyond the ore bought (a coefficient below 1 t ore per t refined).
        case otherFeed = "other-feed"
        /// Ore bought beyond the refined output (a coefficient above 1): losses and stock change.
        case losses
        /// Final demand for a product (the end of the chain, or a use outside it).
        case finalUse = "final-use"
    }

    public struct Node: Sendable, Equatable {
        /// Stable identifier, e.g. `stage:refining:CN` or `final:ev:US`.
        public let id: String
        public let label: String
        public let column: Int
        public let kind: NodeKind
        public let region: String?
        public let product: String?
        /// Order within the column, top to bottom (regions in scenario order, then the rest).
        public let rank: Int
    }

    public struct Link: Sendable, Equatable {
        public let source: Int
        public let target: Int
        /// Tonnes of contained mineral per year.
        public let value: Double
    }

    public let mineral: String
    public let year: Int
    /// Column titles, left to right.
    public let columns: [String]
    public let nodes: [Node]
    public let links: [Link]
    /// Unmet demand by region (tonnes of contained mineral in final demand that went unmet).
    public let unmet: [(region: String, value: Double)]

    public func inflow(_ node: Int) -> Double { links.reduce(0) { $1.target == node ? $0 + $1.value : $0 } }
    public func outflow(_ node: Int) -> Double { links.reduce(0) { $1.source == node ? $0 + $1.value : $0 } }

    /// The node's throughput: its outflow, or its inflow for a sink.
    public func throughput(_ node: Int) -> Double { max(inflow(node), outflow(node)) }

    /// The largest relative imbalance |in − out| / max(in, out) over nodes that have both.
    public var largestImbalance: Double {
        var worst = 0.0
        for i in nodes.indices {
            let a = inflow(i), b = outflow(i)
            guard a > 0 && b > 0 else { continue }
            worst = max(worst, abs(a - b) / max(a, b))
        }
        return worst
    }
}
